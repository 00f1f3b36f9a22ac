import ShiplogMacroSupport
public import ShiplogModel

/// An event as webhooks receive it, rendered in each ``WebhookFormat``.
///
/// ```swift
/// let event = WebhookEvent(kind: .releasePublished, page: "nimbus", data: release, componentName: "Nimbus API", now: now)
/// event.body(.slack)  // {"text":"Nimbus API v1.11.0 released: Shared notebooks"}
/// ```
@MemberwiseInit
public struct WebhookEvent: Sendable, Hashable {
    public var kind: EventKind
    public var page: String
    /// The release or deployment, as the data format encodes it.
    public var data: JSONValue
    /// The component's display name, when it has one.
    public var componentName: String?
    /// When the event was queued (Unix seconds): the annotation time when the data has none.
    public var now: Int64

    /// The body of a delivery in `format`, compact JSON.
    public func body(_ format: WebhookFormat) -> String {
        JSONWriter.write(value(format), pretty: false)
    }

    func value(_ format: WebhookFormat) -> JSONValue {
        switch format {
        case .json, .sentry, .bugsnag, .newrelic:
            .object([JSONMember("event", .string(kind.rawValue)), JSONMember("page", .string(page)), JSONMember("data", data)])
        case .slack:
            .object([JSONMember("text", .string(slackText))])
        case .grafana:
            .object([
                JSONMember("time", .number(String(time * 1000))),
                JSONMember("tags", .array(tags.map(JSONValue.string))),
                JSONMember("text", .string(line)),
            ])
        }
    }

    func string(_ key: String) -> String? {
        if case .string(let text)? = data[key], !text.isEmpty { return text }
        return nil
    }

    var component: String { componentName ?? string("component") ?? "?" }

    var version: String { string("version") ?? "?" }

    /// One readable line: "Nimbus API v1.11.0 released", "Nimbus API v1.2.3 deployed to production: success".
    public var line: String {
        switch kind {
        case .releasePublished:
            "\(component) \(version) released" + (string("title").map { ": \($0)" } ?? "")
        case .releaseYanked:
            "\(component) \(version) yanked"
        case .deploymentCreated, .deploymentUpdated:
            "\(component) \(version) deployed to \(string("environment") ?? "?"): \(string("status") ?? "unknown")"
                + (string("actor").map { " (by \($0))" } ?? "")
        case .buildRequested:
            "\(component) build requested: \(string("release_candidate") ?? version)" + (string("commit").map { " at \($0)" } ?? "")
        }
    }

    /// The Slack message: the line, with a link to the release when it has one. Slack reads `&`, `<`
    /// and `>` as control characters, so they travel as `&amp;`, `&lt;` and `&gt;` (and a `|` of the
    /// link's address as `%7C`), as its message formatting rules ask.
    var slackText: String {
        let text = Self.slackEscaped(line)
        guard kind == .releasePublished || kind == .releaseYanked, let url = string("url") else { return text }
        return "\(text) <\(Self.slackEscaped(url, link: true))|release notes>"
    }

    static func slackEscaped(_ text: String, link: Bool = false) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "|" where link: escaped += "%7C"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// The Grafana tags: `shiplog`, the event, the component, the version, and for deployments the environment and status.
    var tags: [String] {
        var tags = ["shiplog", kind.rawValue, string("component") ?? "", version]
        if kind == .deploymentCreated || kind == .deploymentUpdated {
            tags += [string("environment") ?? "", string("status") ?? ""]
        }
        return tags.filter { !$0.isEmpty }
    }

    /// When it happened (Unix seconds): a deployment's finish or start, a release's publication, else when it was queued.
    var time: Int64 {
        for key in ["finished_at", "started_at", "published_at"] {
            if let text = string(key), let stamp = Timestamp(rfc3339: text) { return stamp.seconds }
        }
        return now
    }
}
