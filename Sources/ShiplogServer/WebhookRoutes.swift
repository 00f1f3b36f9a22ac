import Foundation
import HTTPTypes
import Hummingbird
import ShiplogModel
import ShiplogStore

/// Webhooks under `/api/v1/pages/{page}/webhooks` (SPEC §6): admin keys only; secrets are taken, never shown.
struct WebhookRoutes: Sendable {
    let snapshots: Snapshots
    /// `serve --allow-private-webhooks`: URLs of loopback, private and metadata addresses are taken too.
    let allowPrivateAddresses: Bool

    var store: any Store { snapshots.store }

    func register(on router: Router<ShiplogContext>) {
        let pages = router.group("api/v1/pages/:page")
        pages.get("webhooks") { request, context in try await list(request, context) }
        pages.post("webhooks") { request, context in try await create(request, context) }
        pages.delete("webhooks/:webhook") { _, context in try await delete(context) }
    }

    private func admin(_ context: ShiplogContext) throws(APIError) -> String {
        let access = try context.caller.access(try RequestInput.page(context), in: snapshots)
        try access.require(.admin)
        return access.page.data.page.id
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
        if !allowPrivateAddresses, let problem = await WebhookTarget.registrationProblem(registration.url) {
            throw APIError.invalid("the webhook is not valid", causes: [.init(field: "url", error: problem)])
        }
        let hook = try await call { () async throws(StoreError) in try await store.createWebhook(registration, page: page) }
        return JSONResponse.make(Self.encode(hook), status: .created, headers: [.location: "/api/v1/pages/\(page)/webhooks/\(hook.id)"])
    }

    func delete(_ context: ShiplogContext) async throws -> Response {
        let page = try admin(context)
        let id = try RequestInput.parameter("webhook", context) { _ in nil }
        let deleted = try await call { () async throws(StoreError) in try await store.deleteWebhook(id: id, page: page) }
        guard deleted else { throw APIError.notFound("webhook \(JSONWriter.quoted(id))") }
        return Response(status: .noContent)
    }

    /// Reads `{url, secret, events?, format?}`, reporting every problem at once.
    static func registration(_ body: JSONValue) throws(APIError) -> WebhookRegistration {
        guard case .object(let members) = body else { throw APIError.invalid("the body must be a JSON object", causes: []) }
        var causes = members.filter { !["url", "secret", "events", "format"].contains($0.key) }.map {
            APIError.Cause(field: $0.key, error: "unknown field (known: url, secret, events, format)")
        }
        var url = ""
        switch body["url"] {
        case .string(let text)?:
            if let problem = Rules.urlProblem(text) { causes.append(.init(field: "url", error: problem)) } else { url = text }
        case nil: causes.append(.init(field: "url", error: "required: the http or https URL that receives the events"))
        case let other?: causes.append(.init(field: "url", error: "expected a string, found \(other.typeDescription)"))
        }
        var secret = ""
        switch body["secret"] {
        case .string(let text)? where !text.isEmpty: secret = text
        case .string?: causes.append(.init(field: "secret", error: "must not be empty"))
        case nil: causes.append(.init(field: "secret", error: "required: the key that signs every delivery"))
        case let other?: causes.append(.init(field: "secret", error: "expected a string, found \(other.typeDescription)"))
        }
        let known = EventKind.allCases.map(\.rawValue).joined(separator: ", ")
        var events = EventKind.allCases
        switch body["events"] {
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
        if !causes.isEmpty { throw APIError.invalid("the webhook is not valid", causes: causes) }
        return WebhookRegistration(url: url, secret: secret, events: events, format: format)
    }

    static func encode(_ hook: Webhook) -> JSONValue {
        var members = [
            JSONMember("id", .string(hook.id)),
            JSONMember("url", .string(hook.url)),
            JSONMember("events", .array(hook.events.map { .string($0.rawValue) })),
            JSONMember("format", .string(hook.format.rawValue)),
            JSONMember("created_at", .string(hook.createdAt.rfc3339)),
            JSONMember("queued", .int(hook.queued)),
            JSONMember("delivered", .int(hook.delivered)),
        ]
        if let error = hook.lastError { members.append(JSONMember("last_error", .string(error))) }
        return .object(members)
    }
}
