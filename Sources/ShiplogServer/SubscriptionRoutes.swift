import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ShiplogMail
import ShiplogModel
import ShiplogSite
import ShiplogStore

/// Release e-mail subscriptions (SPEC §6): the hosted-page-compatible `PATCH …/subscribers`, the
/// static page's form, the confirmation and unsubscribe links, and the admin list.
struct SubscriptionRoutes: Sendable {
    let snapshots: Snapshots
    let messages: MessageRenderer
    /// Subscription requests a minute per client address; nil when `serve --rate-limit 0` turns limits off.
    let limiter: RateLimiter?
    /// Wakes the mail delivery when something was queued.
    let mailQueued: @Sendable () -> Void

    var store: any Store { snapshots.store }

    static let acceptedMessage = "Subscriber request accepted, pending email confirmation"

    func register(on router: Router<ShiplogContext>) {
        router.patch("v1/pages/:page/subscribers") { request, context in try await patch(request, context) }
        router.post("v1/pages/:page/subscribers/form") { request, context in try await form(request, context) }
        router.get("v1/pages/:page/subscribers/confirm") { request, context in try await confirmPage(request, context) }
        router.post("v1/pages/:page/subscribers/confirm") { request, context in try await confirm(request, context) }
        router.get("v1/pages/:page/unsubscribe") { request, context in try await unsubscribePage(request, context) }
        router.post("v1/pages/:page/unsubscribe") { request, context in try await unsubscribe(request, context) }
        router.get("api/v1/pages/:page/subscribers") { request, context in try await list(request, context) }
    }

    // MARK: Subscribing

    /// `{"op": "add"|"remove", "data": {"type": "email", "value": ADDRESS, "preferences": [KIND…], "token": TOKEN}}` → 202.
    ///
    /// Anyone may call it, so it changes nothing that the address's owner has not confirmed (SPEC §6.2):
    /// `add` queues a confirmation mail, also for a confirmed address (whose new preferences apply once
    /// confirmed); `remove` unsubscribes at once only with the `token` of the address's mail links,
    /// else it mails the confirmed address its unsubscribe link. The answer is the same either way.
    func patch(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        let access = try context.caller.access(try RequestInput.page(context), in: snapshots)
        try throttle(context)
        let members = try await RequestInput.object(request, context)
        var causes: [APIError.Cause] = []
        let body = JSONValue.object(members)
        var op: String?
        if case .string(let value)? = body["op"], value == "add" || value == "remove" {
            op = value
        } else {
            causes.append(.init(field: "op", error: "expected \"add\" or \"remove\""))
        }
        for member in members where member.key != "op" && member.key != "data" {
            causes.append(.init(field: member.key, error: "unknown field"))
        }
        var address: String?
        var token: String?
        var preferences: [BumpKind] = []
        if case .object(let data)? = body["data"] {
            for member in data where !["type", "value", "preferences", "token"].contains(member.key) {
                causes.append(.init(field: "data.\(member.key)", error: "unknown field"))
            }
            switch body["data"]?["token"] {
            case nil: break
            case .string(let value)? where !value.isEmpty && value.utf8.count <= 200: token = value
            case _?: causes.append(.init(field: "data.token", error: "expected the token of a mail's unsubscribe link (1–200 characters)"))
            }
            if body["data"]?["type"].map({ $0 != .string("email") }) ?? false {
                causes.append(.init(field: "data.type", error: "expected \"email\""))
            }
            if case .string(let value)? = body["data"]?["value"] {
                if let problem = MailAddress.validate(value) {
                    causes.append(.init(field: "data.value", error: problem))
                } else {
                    address = value
                }
            } else {
                causes.append(.init(field: "data.value", error: "expected the e-mail address as a string"))
            }
            if let given = body["data"]?["preferences"] {
                switch Self.preferences(given) {
                case .success(let kinds): preferences = kinds
                case .failure(let cause): causes.append(cause)
                }
            }
        } else {
            causes.append(.init(field: "data", error: "expected an object with type, value and preferences"))
        }
        guard causes.isEmpty, let op, let address else {
            throw APIError.invalid("the subscription request is not valid", causes: causes)
        }
        let page = access.page.data.page.id
        do {
            if op == "add" {
                if try await store.subscribe(page: page, email: address, preferences: preferences) == .confirmationQueued { mailQueued() }
            } else if let token, let subscriber = try await store.subscriber(unsubscribeToken: token), subscriber.page == page,
                subscriber.email.lowercased() == address.lowercased()
            {
                _ = try await store.unsubscribe(token: token)
            } else if try await store.requestUnsubscribe(page: page, email: address) == .confirmationQueued {
                mailQueued()
            }
        } catch {
            throw APIError.from(error)
        }
        var data: [JSONMember] = [JSONMember("type", .string("email")), JSONMember("value", .string(address))]
        if op == "add" {
            data.append(
                JSONMember("preferences", .array((preferences.isEmpty ? Subscriptions.defaultPreferences : preferences).map { .string($0.rawValue) }))
            )
        }
        return JSONResponse.make(
            .object([
                JSONMember("message", .string(op == "add" ? Self.acceptedMessage : "Subscriber removal accepted")),
                JSONMember("pageId", .string(page)),
                JSONMember("data", .object(data)),
            ]),
            status: .accepted
        )
    }

    /// The static page's form (`application/x-www-form-urlencoded`: `email`, `preferences`…): a page, never JSON.
    func form(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        let access = try context.caller.access(try RequestInput.page(context), in: snapshots)
        try throttle(context)
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: 64 * 1024)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "body_too_large", "the form is larger than 65536 bytes")
        }
        let fields = Self.formFields(String(buffer: buffer))
        let address = fields.first { $0.0 == "email" }?.1.trimmingCharacters(in: .whitespaces) ?? ""
        let page = access.page.data.page
        if let problem = MailAddress.validate(address) {
            return html(.subscribed, page, ["email": address, "problem": problem], status: .badRequest)
        }
        let kinds = fields.filter { $0.0 == "preferences" }.compactMap { BumpKind(rawValue: $0.1) }
        do {
            if try await store.subscribe(page: page.id, email: address, preferences: kinds) == .confirmationQueued { mailQueued() }
        } catch {
            throw APIError.from(error)
        }
        return html(.subscribed, page, ["email": address])
    }

    /// The confirmation link: a page with a button that POSTs to it. Opening it changes nothing, so
    /// mail link scanners cannot confirm for a person.
    func confirmPage(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        let (page, link) = try await confirmationLink(request, context) { token, page throws(StoreError) in
            try await store.confirmation(token: token, page: page)
        }
        guard let link else { return html(.invalidLink, page, [:], status: .notFound) }
        let action = "?token=" + (link.token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? link.token)
        let preferences = link.subscriber.preferences.map(\.rawValue).joined(separator: ", ")
        return html(.confirm, page, ["email": link.subscriber.email, "action": action, "preferences": preferences])
    }

    /// The confirmation page's button: confirms the subscription (or the new preferences).
    func confirm(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        let (page, link) = try await confirmationLink(request, context) { token, page throws(StoreError) in
            try await store.confirm(token: token, page: page)
        }
        guard let link else { return html(.invalidLink, page, [:], status: .notFound) }
        return html(.confirmed, page, ["email": link.subscriber.email])
    }

    /// The page of the path, and the token of a confirmation link with the subscriber `find` gives
    /// for it on that page; no link when there is no token or it names a subscriber of another page.
    private func confirmationLink(
        _ request: Request,
        _ context: ShiplogContext,
        _ find: (_ token: String, _ page: String) async throws(StoreError) -> Subscriber?
    ) async throws -> (Page?, (token: String, subscriber: Subscriber)?) {
        let page = snapshots[try RequestInput.page(context)]?.data.page
        guard let token = Self.token(request) else { return (page, nil) }
        let subscriber: Subscriber?
        do { subscriber = try await find(token, page?.id ?? "") } catch { throw APIError.from(error) }
        guard let subscriber, subscriber.page == page?.id else { return (page, nil) }
        return (page, (token, subscriber))
    }

    func unsubscribePage(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        let page = snapshots[try RequestInput.page(context)]?.data.page
        guard let token = request.uri.queryParameters.get("token"), !token.isEmpty, token.utf8.count <= 200,
            let subscriber = try await lookUp(token), subscriber.page == page?.id
        else {
            return html(.invalidLink, page, [:], status: .notFound)
        }
        let action = "?token=" + (token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? token)
        if subscriber.state == .unsubscribed { return html(.unsubscribed, page, ["email": subscriber.email]) }
        return html(.unsubscribe, page, ["email": subscriber.email, "action": action])
    }

    /// One-click unsubscribe (RFC 8058): a POST to the link in `List-Unsubscribe` unsubscribes at once.
    func unsubscribe(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        let page = snapshots[try RequestInput.page(context)]?.data.page
        // Looked up first, so a link used under another page's path changes nothing.
        guard let token = request.uri.queryParameters.get("token"), !token.isEmpty, token.utf8.count <= 200,
            try await lookUp(token)?.page == page?.id
        else {
            return html(.invalidLink, page, [:], status: .notFound)
        }
        let subscriber: Subscriber?
        do { subscriber = try await store.unsubscribe(token: token) } catch { throw APIError.from(error) }
        guard let subscriber, subscriber.page == page?.id else { return html(.invalidLink, page, [:], status: .notFound) }
        return html(.unsubscribed, page, ["email": subscriber.email])
    }

    /// `GET /api/v1/pages/{page}/subscribers` (admin): every subscriber with state and preferences.
    func list(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        let access = try context.caller.access(try RequestInput.page(context), in: snapshots)
        try access.require(.admin)
        let subscribers: [Subscriber]
        do { subscribers = try await store.subscribers(page: access.page.data.page.id) } catch { throw APIError.from(error) }
        return try Listing.page(subscribers.map(Self.json), request)
    }

    static func json(_ subscriber: Subscriber) -> JSONValue {
        .object([
            JSONMember("email", .string(subscriber.email)),
            JSONMember("state", .string(subscriber.state.rawValue)),
            JSONMember("preferences", .array(subscriber.preferences.map { .string($0.rawValue) })),
            JSONMember("created_at", .string(subscriber.createdAt.rfc3339)),
            JSONMember("confirmed_at", .optional(subscriber.confirmedAt?.rfc3339)),
            JSONMember("unsubscribed_at", .optional(subscriber.unsubscribedAt?.rfc3339)),
        ])
    }

    // MARK: Helpers

    /// The `token` query parameter of a mail link, when it may be one.
    static func token(_ request: Request) -> String? {
        guard let token = request.uri.queryParameters.get("token"), !token.isEmpty, token.utf8.count <= 200 else { return nil }
        return token
    }

    private func lookUp(_ token: String) async throws -> Subscriber? {
        do { return try await store.subscriber(unsubscribeToken: token) } catch { throw APIError.from(error) }
    }

    private func throttle(_ context: ShiplogContext) throws(APIError) {
        guard let limiter else { return }
        let decision = limiter.take("subscribe " + context.clientAddress)
        guard decision.allowed else {
            throw APIError(
                .tooManyRequests,
                "rate_limited",
                "too many subscription requests from this address; retry in \(decision.retryAfterSeconds) s",
                headers: [.retryAfter: String(decision.retryAfterSeconds)]
            )
        }
    }

    private func html(_ kind: ServerPage, _ page: Page?, _ values: [String: String], status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: messages.serverPage(kind, page: page, values: values)))
        )
    }

    static func preferences(_ value: JSONValue) -> Result<[BumpKind], APIError.Cause> {
        guard case .array(let items) = value, !items.isEmpty else {
            return .failure(.init(field: "data.preferences", error: "expected a non-empty array of major, minor, patch, prerelease"))
        }
        var kinds: [BumpKind] = []
        for (offset, item) in items.enumerated() {
            guard case .string(let text) = item, let kind = BumpKind(rawValue: text) else {
                return .failure(.init(field: "data.preferences[\(offset)]", error: "expected one of major, minor, patch, prerelease"))
            }
            if !kinds.contains(kind) { kinds.append(kind) }
        }
        return .success(kinds)
    }

    /// The fields of a URL-encoded form, in order, with `+` as space.
    static func formFields(_ body: String) -> [(String, String)] {
        body.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                $0.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            return (parts.first ?? "", parts.count > 1 ? parts[1] : "")
        }
    }
}
