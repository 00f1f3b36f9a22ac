import Foundation
import HTTPTypes
import Hummingbird
import ShiplogModel
import ShiplogStore

/// Webhooks under `/api/v1/pages/{page}/webhooks` (SPEC §6): admin keys only; secrets are taken, never shown.
struct WebhookRoutes: PageGroupRoutes {
    let snapshots: Snapshots
    /// `serve --allow-private-webhooks`: URLs of loopback, private and metadata addresses are taken too.
    let allowPrivateAddresses: Bool

    func register(on router: Router<ShiplogContext>) {
        let pages = pageGroup(on: router)
        pages.get("webhooks") { request, context in try await list(request, context) }
        pages.post("webhooks") { request, context in try await create(request, context) }
        pages.get("webhooks/:webhook") { request, context in try await show(request, context) }
        pages.delete("webhooks/:webhook") { _, context in try await delete(context) }
    }

    private func admin(_ context: ShiplogContext) throws(APIError) -> String {
        try access(context, requiring: .admin).page.data.page.id
    }

    private func call<T>(_ body: () async throws(StoreError) -> T) async throws(APIError) -> T {
        do { return try await body() } catch { throw APIError.from(error) }
    }

    func list(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        let page = try admin(context)
        let hooks = try await call { () async throws(StoreError) in try await store.webhooks(page: page) }
        return try Listing.page(hooks.map(Self.encode), request)
    }

    func create(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        let page = try admin(context)
        let registration = try Self.registration(JSONValue.object(try await RequestInput.object(request, context)))
        // A forwarding format's URL is derived from settings.base_url: the same rules apply to it.
        let field = WebhookForwarding.forwards(registration.format) ? "settings.base_url" : "url"
        let target = registration.url.replacingOccurrences(of: "{version}", with: "v")
        if !allowPrivateAddresses, let problem = await WebhookTarget.registrationProblem(target) {
            throw APIError.invalid("the webhook is not valid", causes: [.init(field: field, error: problem)])
        }
        let hook = try await call { () async throws(StoreError) in try await store.createWebhook(registration, page: page) }
        return JSONResponse.make(Self.encode(hook), status: .created, headers: [.location: "/api/v1/pages/\(page)/webhooks/\(hook.id)"])
    }

    /// One webhook, as the list shows it: where the `Location` of its creation points.
    func show(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        let page = try admin(context)
        try Listing.requireKnownQuery(request, [])
        let id = try RequestInput.parameter("webhook", context) { _ in nil }
        let hooks = try await call { () async throws(StoreError) in try await store.webhooks(page: page) }
        guard let hook = hooks.first(where: { $0.id == id }) else { throw APIError.notFound("webhook \(JSONWriter.quoted(id))") }
        return JSONResponse.make(Self.encode(hook))
    }

    func delete(_ context: ShiplogContext) async throws -> Response {
        let page = try admin(context)
        let id = try RequestInput.parameter("webhook", context) { _ in nil }
        let deleted = try await call { () async throws(StoreError) in try await store.deleteWebhook(id: id, page: page) }
        guard deleted else { throw APIError.notFound("webhook \(JSONWriter.quoted(id))") }
        return Response(status: .noContent)
    }

    /// Reads `{url, secret, events?, format?}`, or for a forwarding format `{format, settings, events?, secret?}`
    /// (its URL derived from the settings), reporting every problem at once.
    static func registration(_ body: JSONValue) throws(APIError) -> WebhookRegistration {
        guard case .object(let members) = body else { throw APIError.invalid("the body must be a JSON object", causes: []) }
        let fields = ["url", "secret", "events", "format", "settings"]
        var causes = members.filter { !fields.contains($0.key) }.map {
            APIError.Cause(field: $0.key, error: "unknown field (known: \(fields.joined(separator: ", ")))")
        }
        var format = WebhookFormat.json
        let formats = WebhookFormat.allCases.map(\.rawValue).joined(separator: ", ")
        switch body["format"] {
        case nil, .null?: break
        case .string(let name)?:
            if let chosen = WebhookFormat(rawValue: name) {
                format = chosen
            } else {
                causes.append(.init(field: "format", error: "expected one of \(formats)"))
            }
        case let other?: causes.append(.init(field: "format", error: "expected one of \(formats), found \(other.typeDescription)"))
        }
        let forwards = WebhookForwarding.forwards(format)
        var url = ""
        switch body["url"] {
        case _? where forwards:
            causes.append(.init(field: "url", error: "the \(format.rawValue) format derives its URL from settings.base_url; leave url out"))
        case .string(let text)?:
            if let problem = Rules.urlProblem(text) { causes.append(.init(field: "url", error: problem)) } else { url = text }
        case nil: if !forwards { causes.append(.init(field: "url", error: "required: the http or https URL that receives the events")) }
        case let other?: causes.append(.init(field: "url", error: "expected a string, found \(other.typeDescription)"))
        }
        var secret = ""
        switch body["secret"] {
        case .string(let text)? where !text.isEmpty: secret = text
        case .string?: causes.append(.init(field: "secret", error: "must not be empty"))
        case nil: if !forwards { causes.append(.init(field: "secret", error: "required: the key that signs every delivery")) }
        case let other?: causes.append(.init(field: "secret", error: "expected a string, found \(other.typeDescription)"))
        }
        let settings = Self.settings(body["settings"], format: format, causes: &causes)
        if forwards, causes.isEmpty { url = WebhookForwarding.endpoint(format, settings) }
        let events = Self.events(body["events"], causes: &causes)
        if !causes.isEmpty { throw APIError.invalid("the webhook is not valid", causes: causes) }
        return WebhookRegistration(url: url, secret: secret, events: events, format: format, settings: settings)
    }

    /// The `events` list: all of them when left out.
    static func events(_ value: JSONValue?, causes: inout [APIError.Cause]) -> [EventKind] {
        let known = EventKind.allCases.map(\.rawValue).joined(separator: ", ")
        var events = EventKind.allCases
        switch value {
        case nil, .null?: break
        case .array(let elements)?:
            events = []
            for (index, element) in elements.enumerated() {
                guard case .string(let name) = element, let kind = EventKind(rawValue: name) else {
                    causes.append(.init(field: "events[\(index)]", error: "expected one of \(known)"))
                    continue
                }
                if !events.contains(kind) { events.append(kind) }
            }
            if elements.isEmpty { causes.append(.init(field: "events", error: "name at least one of \(known), or leave it out for all")) }
        case let other?: causes.append(.init(field: "events", error: "expected an array, found \(other.typeDescription)"))
        }
        return events
    }

    /// The `settings` object of a forwarding format: strings, the required ones present, `base_url` an http(s) URL.
    static func settings(_ value: JSONValue?, format: WebhookFormat, causes: inout [APIError.Cause]) -> [String: String] {
        let known = WebhookForwarding.settings(format)
        let members: [JSONMember]
        switch value {
        case nil, .null?: members = []
        case .object(let object)?: members = object
        case let other?:
            causes.append(.init(field: "settings", error: "expected an object, found \(other.typeDescription)"))
            return [:]
        }
        if known.isEmpty {
            if !members.isEmpty { causes.append(.init(field: "settings", error: "the \(format.rawValue) format takes no settings")) }
            return [:]
        }
        var settings: [String: String] = [:]
        let names = known.map(\.name).joined(separator: ", ")
        for member in members {
            let field = "settings.\(member.key)"
            guard let setting = known.first(where: { $0.name == member.key }) else {
                causes.append(.init(field: field, error: "unknown setting of the \(format.rawValue) format (known: \(names))"))
                continue
            }
            guard case .string(let text) = member.value else {
                causes.append(.init(field: field, error: "expected a string, found \(member.value.typeDescription)"))
                continue
            }
            if text.isEmpty {
                causes.append(.init(field: field, error: "must not be empty"))
            } else if let choices = setting.choices, !choices.contains(text) {
                causes.append(.init(field: field, error: "expected one of \(choices.joined(separator: ", "))"))
            } else if setting.name == "base_url", let problem = Rules.baseURLProblem(text, appended: "the service's API paths") {
                causes.append(.init(field: field, error: problem))
            } else {
                settings[setting.name] = text
            }
        }
        for setting in known where setting.required && members.first(where: { $0.key == setting.name }) == nil {
            causes.append(.init(field: "settings.\(setting.name)", error: "required by the \(format.rawValue) format"))
        }
        for problem in WebhookForwarding.problems(format, settings) where !causes.contains(where: { $0.field == problem.field }) {
            causes.append(.init(field: problem.field, error: problem.error))
        }
        return settings
    }

    /// The URL as answers show it: a password it holds (sent as basic authentication) is a secret, shown as `***`.
    static func shown(url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.percentEncodedPassword = "***"
        return components.string ?? url
    }

    static func encode(_ hook: Webhook) -> JSONValue {
        var members = [
            JSONMember("id", .string(hook.id)),
            JSONMember("url", .string(Self.shown(url: hook.url))),
            JSONMember("events", .array(hook.events.map { .string($0.rawValue) })),
            JSONMember("format", .string(hook.format.rawValue)),
            JSONMember("created_at", .string(hook.createdAt.rfc3339)),
            JSONMember("queued", .int(hook.queued)),
            JSONMember("delivered", .int(hook.delivered)),
        ]
        if WebhookForwarding.forwards(hook.format) {
            let shown = hook.settings.sorted { $0.key < $1.key }.map { JSONMember($0.key, .string($0.value)) }
            members.insert(JSONMember("settings", .object(shown)), at: 4)
        }
        if let error = hook.lastError { members.append(JSONMember("last_error", .string(error))) }
        return .object(members)
    }
}
