import Foundation
import ShiplogModel
import ShiplogStore
import Testing

/// The request builders of the forwarding formats (SPEC §6.1): URL, authentication and body per service.
@Suite struct WebhookForwardingTests {
    static func deployment(status: String = "success", commit: Bool = true) -> JSONValue {
        var members = [
            JSONMember("component", .string("api")), JSONMember("version", .string("v1.2.3")),
            JSONMember("environment", .string("production")), JSONMember("status", .string(status)),
            JSONMember("started_at", .string("2030-01-02T03:04:00Z")), JSONMember("finished_at", .string("2030-01-02T03:04:05Z")),
            JSONMember("actor", .string("ci-bot")),
        ]
        if commit { members.append(JSONMember("commit", .string("abc123"))) }
        return .object(members)
    }

    static func event(_ kind: EventKind = .deploymentCreated, _ data: JSONValue = deployment()) -> WebhookEvent {
        WebhookEvent(kind: kind, page: "nimbus", data: data, componentName: "Nimbus API", now: 0)
    }

    static func forwarded(_ format: WebhookFormat, _ settings: [String: String], _ event: WebhookEvent = event()) throws -> (String, JSONValue) {
        let request = try #require(event.forwarded(format, settings: settings, endpoint: WebhookForwarding.endpoint(format, settings)))
        return (request.url, try JSONParser.parse(request.body))
    }

    @Test func sentryPostsAReleaseDeployWithABearerToken() throws {
        let settings = ["token": "tok", "org": "acme co", "project": "api"]
        #expect(WebhookForwarding.endpoint(.sentry, settings) == "https://sentry.io/api/0/organizations/acme%20co/releases/{version}/deploys/")
        let (url, body) = try Self.forwarded(.sentry, settings)
        #expect(url == "https://sentry.io/api/0/organizations/acme%20co/releases/v1.2.3/deploys/")
        #expect(
            JSONWriter.write(body, pretty: false)
                == #"{"environment":"production","name":"Nimbus API v1.2.3","projects":["api"],"dateStarted":"2030-01-02T03:04:00Z","dateFinished":"2030-01-02T03:04:05Z"}"#
        )
        #expect(WebhookForwarding.headers(.sentry, settings).map { "\($0.0): \($0.1)" } == ["Authorization: Bearer tok"])
    }

    @Test func bugsnagPostsABuildWithTheKeyInTheBody() throws {
        let settings = ["api_key": "key", "repository": "https://github.com/acme/api", "base_url": "http://127.0.0.1:9/"]
        let (url, body) = try Self.forwarded(.bugsnag, settings)
        #expect(url == "http://127.0.0.1:9/")
        #expect(
            JSONWriter.write(body, pretty: false)
                == #"{"apiKey":"key","appVersion":"v1.2.3","releaseStage":"production","builderName":"ci-bot","sourceControl":{"repository":"https://github.com/acme/api","revision":"abc123"}}"#
        )
        #expect(WebhookForwarding.headers(.bugsnag, settings).isEmpty)
        // Without a commit there is no source control to report.
        let (_, bare) = try Self.forwarded(.bugsnag, settings, Self.event(.deploymentUpdated, Self.deployment(commit: false)))
        #expect(bare["sourceControl"] == nil)
        #expect(WebhookForwarding.endpoint(.bugsnag, ["api_key": "k"]) == "https://build.bugsnag.com/")
    }

    @Test func newRelicSendsTheChangeTrackingMutation() throws {
        let settings = ["api_key": "NRAK", "entity_guid": "GUID", "region": "eu"]
        let (url, body) = try Self.forwarded(.newrelic, settings)
        #expect(url == "https://api.eu.newrelic.com/graphql")
        #expect(WebhookForwarding.endpoint(.newrelic, ["api_key": "k", "entity_guid": "g"]) == "https://api.newrelic.com/graphql")
        guard case .string(let query)? = body["query"] else {
            Issue.record("no query")
            return
        }
        #expect(query.contains("changeTrackingCreateDeployment(deployment: $deployment)"))
        #expect(
            JSONWriter.write(body["variables"] ?? .null, pretty: false)
                == #"{"deployment":{"entityGuid":"GUID","version":"v1.2.3","user":"ci-bot","commit":"abc123","description":"Nimbus API v1.2.3 deployed to production: success (by ci-bot)"}}"#
        )
        #expect(WebhookForwarding.headers(.newrelic, settings).map { "\($0.0): \($0.1)" } == ["API-Key: NRAK"])
    }

    @Test(arguments: [WebhookFormat.sentry, .bugsnag, .newrelic])
    func onlySuccessfulDeploymentsAreForwarded(format: WebhookFormat) {
        let settings = ["token": "t", "org": "o", "api_key": "k", "entity_guid": "g"]
        let endpoint = WebhookForwarding.endpoint(format, settings)
        let release: JSONValue = .object([JSONMember("component", .string("api")), JSONMember("version", .string("v1.2.3"))])
        #expect(Self.event(.releasePublished, release).forwarded(format, settings: settings, endpoint: endpoint) == nil)
        #expect(Self.event(.releaseYanked, release).forwarded(format, settings: settings, endpoint: endpoint) == nil)
        for status in ["pending", "in_progress", "failure", "canceled"] {
            #expect(Self.event(.deploymentUpdated, Self.deployment(status: status)).forwarded(format, settings: settings, endpoint: endpoint) == nil)
        }
        #expect(Self.event().forwarded(format, settings: settings, endpoint: endpoint) != nil)
    }

    @Test func secretsAreNotShown() {
        #expect(WebhookForwarding.shown(.sentry, ["token": "t", "org": "o"]) == ["org": "o"])
        #expect(WebhookForwarding.shown(.bugsnag, ["api_key": "k", "repository": "r"]) == ["repository": "r"])
        #expect(WebhookForwarding.shown(.newrelic, ["api_key": "k", "entity_guid": "g"]) == ["entity_guid": "g"])
    }

    @Test func aForwardingWebhookQueuesItsOwnURLAndStoresItsSettings() async throws {
        let (temporary, data) = try await TemporaryStore.example()
        let store = temporary.store
        let settings = ["token": "tok", "org": "acme"]
        let hook = try await store.createWebhook(
            WebhookRegistration(url: WebhookForwarding.endpoint(.sentry, settings), secret: "", format: .sentry, settings: settings),
            page: data.page.id
        )
        #expect(hook.settings == ["org": "acme"])
        #expect(try await store.webhooks(page: data.page.id).first?.settings == ["org": "acme"])
        _ = try await store.addDeployment(
            Deployment(component: "api", version: "v1.10.1", environment: "production", status: .failure),
            page: data.page.id
        )
        #expect(try await store.dueWebhookDeliveries(limit: 10).isEmpty)
        _ = try await store.addDeployment(
            Deployment(component: "api", version: "v1.10.2", environment: "production", status: .success),
            page: data.page.id
        )
        let due = try #require(try await store.dueWebhookDeliveries(limit: 10).first)
        #expect(due.url == "https://sentry.io/api/0/organizations/acme/releases/v1.10.2/deploys/")
        #expect(due.format == .sentry && due.settings == settings)
    }
}
