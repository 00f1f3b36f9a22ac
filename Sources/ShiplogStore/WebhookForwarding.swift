import Foundation
import ShiplogModel

/// The forwarding formats (`sentry`, `bugsnag`, `newrelic`, SPEC §6.1): each sends its service's own
/// request for a successful deployment, built from the webhook's settings. Release events, and
/// deployments that did not finish with `success`, are not forwarded.
public enum WebhookForwarding {
    /// One setting a format takes.
    public struct Setting: Sendable, Hashable {
        public var name: String
        public var required: Bool
        /// Tokens and keys: stored, used, never listed.
        public var secret: Bool
        /// The values it may take, when only some are valid.
        public var choices: [String]?

        init(_ name: String, required: Bool = false, secret: Bool = false, choices: [String]? = nil) {
            self.name = name
            self.required = required
            self.secret = secret
            self.choices = choices
        }
    }

    /// Whether `format` forwards to a service (and so takes settings, not a URL).
    public static func forwards(_ format: WebhookFormat) -> Bool {
        switch format {
        case .json, .slack, .grafana: false
        case .sentry, .bugsnag, .newrelic: true
        }
    }

    /// The settings of `format`. Grafana's annotations API wants a service-account token, which
    /// a `grafana` webhook may carry beside its URL.
    public static func settings(_ format: WebhookFormat) -> [Setting] {
        switch format {
        case .json, .slack: []
        case .grafana: [Setting("token", secret: true)]
        case .sentry:
            [Setting("token", required: true, secret: true), Setting("org", required: true), Setting("project"), Setting("base_url")]
        case .bugsnag:
            [
                Setting("api_key", required: true, secret: true), Setting("repository"),
                Setting("provider", choices: ["github", "github-enterprise", "gitlab", "gitlab-onpremise", "bitbucket", "bitbucket-server"]),
                Setting("base_url"),
            ]
        case .newrelic:
            // entity_guid (change tracking through NerdGraph) or app_id (the REST v2 deployments API): one of them.
            [
                Setting("api_key", required: true, secret: true), Setting("entity_guid"), Setting("app_id"),
                Setting("region", choices: ["us", "eu"]), Setting("base_url"),
            ]
        }
    }

    /// What is wrong with settings that are each valid alone (field and reason): New Relic needs
    /// its entity GUID or its application id, not both; an application id is a number.
    public static func problems(_ format: WebhookFormat, _ settings: [String: String]) -> [(field: String, error: String)] {
        guard format == .newrelic else { return [] }
        switch (settings["entity_guid"], settings["app_id"]) {
        case (nil, nil):
            let alternative = "or settings.app_id, an APM application id, for the REST v2 deployments API"
            return [("settings.entity_guid", "required by the newrelic format (\(alternative))")]
        case (_?, _?):
            return [("settings.app_id", "give settings.entity_guid or settings.app_id, not both")]
        case (nil, let id?) where !id.allSatisfy({ $0.isASCII && $0.isNumber }):
            return [("settings.app_id", "expected the application's numeric id")]
        default:
            return []
        }
    }

    /// The settings a webhook list may show: all but the secrets.
    public static func shown(_ format: WebhookFormat, _ settings: [String: String]) -> [String: String] {
        let secret = Set(Self.settings(format).filter(\.secret).map(\.name))
        return settings.filter { !secret.contains($0.key) }
    }

    /// The service's address: `base_url` when set, else its public one.
    static func base(_ format: WebhookFormat, _ settings: [String: String]) -> String {
        if let base = settings["base_url"], !base.isEmpty { return String(base.reversed().drop { $0 == "/" }.reversed()) }
        switch format {
        case .sentry: return "https://sentry.io"
        case .bugsnag: return "https://build.bugsnag.com"
        case .newrelic: return settings["region"] == "eu" ? "https://api.eu.newrelic.com" : "https://api.newrelic.com"
        case .json, .slack, .grafana: return ""
        }
    }

    /// The endpoint a webhook of `format` calls, as stored and listed; Sentry's holds `{version}`,
    /// replaced by each deployment's version.
    public static func endpoint(_ format: WebhookFormat, _ settings: [String: String]) -> String {
        let base = base(format, settings)
        switch format {
        // https://docs.sentry.io/api/releases/create-a-new-deploy-for-an-organization/
        case .sentry: return "\(base)/api/0/organizations/\(pathSegment(settings["org"] ?? ""))/releases/{version}/deploys/"
        // Bugsnag's Build API: POST https://build.bugsnag.com/ (https://docs.bugsnag.com/build-integrations/bugsnag-cli/create-build)
        case .bugsnag: return base + "/"
        // https://docs.newrelic.com/docs/change-tracking/change-tracking-graphql/ : NerdGraph; with an application
        // id, REST v2's POST /v2/applications/{id}/deployments.json (https://docs.newrelic.com/docs/apis/rest-api-v2/)
        case .newrelic:
            if let id = settings["app_id"] { return "\(base)/v2/applications/\(pathSegment(id))/deployments.json" }
            return base + "/graphql"
        case .json, .slack, .grafana: return ""
        }
    }

    /// The headers that authenticate a request to the service (Bugsnag's key travels in the body;
    /// a `grafana` webhook sends its token when it has one).
    public static func headers(_ format: WebhookFormat, _ settings: [String: String]) -> [(String, String)] {
        switch format {
        case .sentry: [("Authorization", "Bearer " + (settings["token"] ?? ""))]
        case .newrelic: [("API-Key", settings["api_key"] ?? "")]
        case .grafana: settings["token"].map { [("Authorization", "Bearer " + $0)] } ?? []
        case .bugsnag, .json, .slack: []
        }
    }

    static func pathSegment(_ text: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/;?#%")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// The mutation that records a deployment marker (New Relic change tracking).
    static let newRelicMutation = """
        mutation CreateDeployment($deployment: ChangeTrackingDeploymentInput!) { \
        changeTrackingCreateDeployment(deployment: $deployment) { deploymentId entityGuid } }
        """
}

extension WebhookEvent {
    /// The request a forwarding format sends for this event (`url` and compact JSON `body`), or nil
    /// when the format does not forward it: only deployments that finished with `success` go out.
    public func forwarded(_ format: WebhookFormat, settings: [String: String], endpoint: String) -> (url: String, body: String)? {
        guard kind == .deploymentCreated || kind == .deploymentUpdated, string("status") == "success" else { return nil }
        let value: JSONValue
        var url = endpoint
        switch format {
        case .json, .slack, .grafana:
            return nil
        case .sentry:
            // Body fields of "Create a New Deploy for an Organization" (Sentry API reference).
            url = endpoint.replacingOccurrences(of: "{version}", with: WebhookForwarding.pathSegment(version))
            var members = [JSONMember("environment", .string(string("environment") ?? "production"))]
            members.append(JSONMember("name", .string("\(component) \(version)")))
            if let project = settings["project"], !project.isEmpty { members.append(JSONMember("projects", .array([.string(project)]))) }
            if let started = string("started_at") { members.append(JSONMember("dateStarted", .string(started))) }
            if let finished = string("finished_at") { members.append(JSONMember("dateFinished", .string(finished))) }
            value = .object(members)
        case .bugsnag:
            // The Build API payload (https://docs.bugsnag.com/build-integrations/js/reporting-builds).
            var members = [
                JSONMember("apiKey", .string(settings["api_key"] ?? "")),
                JSONMember("appVersion", .string(version)),
                JSONMember("releaseStage", .string(string("environment") ?? "production")),
                JSONMember("builderName", .string(string("actor") ?? "shiplog")),
            ]
            if let repository = settings["repository"], !repository.isEmpty, let revision = string("commit") {
                var source: [JSONMember] = []
                if let provider = settings["provider"], !provider.isEmpty { source.append(JSONMember("provider", .string(provider))) }
                source += [JSONMember("repository", .string(repository)), JSONMember("revision", .string(revision))]
                members.append(JSONMember("sourceControl", .object(source)))
            }
            value = .object(members)
        case .newrelic where settings["app_id"] != nil:
            // REST v2 "create a deployment": {"deployment": {revision, description, user}}.
            var deployment = [JSONMember("revision", .string(version)), JSONMember("description", .string(line))]
            if let actor = string("actor") { deployment.append(JSONMember("user", .string(actor))) }
            value = .object([JSONMember("deployment", .object(deployment))])
        case .newrelic:
            // changeTrackingCreateDeployment with its ChangeTrackingDeploymentInput as a GraphQL variable.
            var deployment = [
                JSONMember("entityGuid", .string(settings["entity_guid"] ?? "")),
                JSONMember("version", .string(version)),
            ]
            if let actor = string("actor") { deployment.append(JSONMember("user", .string(actor))) }
            if let commit = string("commit") { deployment.append(JSONMember("commit", .string(commit))) }
            deployment.append(JSONMember("description", .string(line)))
            value = .object([
                JSONMember("query", .string(WebhookForwarding.newRelicMutation)),
                JSONMember("variables", .object([JSONMember("deployment", .object(deployment))])),
            ])
        }
        return (url, JSONWriter.write(value, pretty: false))
    }
}
