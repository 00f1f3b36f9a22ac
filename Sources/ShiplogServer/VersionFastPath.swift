import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOHTTPTypes
import ShiplogModel

/// Answers `GET /v1/pages/{id}/version` and the dynamic update routes, what apps poll, on the
/// connection's event loop without going through the router, when it can answer exactly as the route would
/// (``VersionAnswerer``); every other request, and every case it is unsure of, goes on to the
/// router untouched.
///
/// It sits after Hummingbird's connection state handler and ``ConnectionGuard``, so timeouts,
/// keep-alive and `Connection: close` treat its answers like any other. Answers leave in the order
/// of the requests: it answers only while no request passed on is still unanswered.
///
/// Why it exists (bench/serve-vs-nginx, release build, 2 cores): through the router the version
/// endpoint served 28,900 requests/s against nginx's 57,600 (0.50); through this path 42,500
/// against 59,100 (0.72), p99 4.2 ms. The bar is ≥ 0.5 × nginx.
final class VersionFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let answerer: VersionAnswerer
    /// Requests passed on to the router whose answer has not been written whole.
    private var passedOn = 0
    /// The head of a request to answer here and what it asks, held until its end arrives.
    private var held: (head: HTTPRequest, asked: FastQuestion)?
    /// The client as rate limits count it (one per connection).
    private var clientAddress: String?
    private var date = HTTPDate()

    init(_ answerer: VersionAnswerer) {
        self.answerer = answerer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            if passedOn == 0, let asked = VersionAnswerer.question(askedBy: head) {
                held = (head, asked)
                return
            }
            passedOn += 1
            context.fireChannelRead(data)
        case .body:
            // A body on a GET after all: the router decides what it means.
            if let (head, _) = held { passOn(head, context: context) }
            context.fireChannelRead(data)
        case .end:
            guard let (head, asked) = held else {
                context.fireChannelRead(data)
                return
            }
            held = nil
            let address = clientAddress ?? ClientAddress.rateLimitKey(of: context.channel)
            clientAddress = address
            guard let (response, body) = answerer.answer(head, asked, clientAddress: address, date: date.now()) else {
                passOn(head, context: context)
                context.fireChannelRead(data)
                return
            }
            context.write(wrapOutboundOut(.head(response)), promise: nil)
            if let body { context.write(wrapOutboundOut(.body(body)), promise: nil) }
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }

    private func passOn(_ head: HTTPRequest, context: ChannelHandlerContext) {
        held = nil
        passedOn += 1
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { passedOn = max(0, passedOn - 1) }
        context.write(data, promise: promise)
    }
}

@available(*, unavailable)
extension VersionFastPath: Sendable {}

/// What ``VersionFastPath`` answers: what the router's chain would for the same request
/// (``VersionRoute``, ``GateMiddleware``'s rate limit, CORS and exposed headers, the request log),
/// or nil whenever the router must answer — a key the key cache does not know yet, a page that is
/// missing, private to this caller or stale, a spent rate limit, any query.
struct VersionAnswerer: Sendable {
    let snapshots: Snapshots
    let keys: KeyRing
    let limiter: RateLimiter?
    let logger: Logger
    /// Counts its answers in `/metrics` when metrics are on (an atomic increment each).
    var counter: FastPathCounter? = nil

    /// What `head` asks in the plain forms this path answers: `GET /v1/pages/{slug}/version` with no
    /// query, or an update route (``FastQuestion/update(path:)``), no body announced; else nil.
    static func question(askedBy head: HTTPRequest) -> FastQuestion? {
        guard head.method == .get, let path = head.path, (head.headerFields[.contentLength] ?? "0") == "0",
            head.headerFields[.transferEncoding] == nil
        else { return nil }
        if let id = pageID(path) { return .version(page: id) }
        return FastQuestion.update(path: path)
    }

    private static let prefix = Array("/v1/pages/".utf8)
    private static let suffix = Array("/version".utf8)

    /// The page of `/v1/pages/{id}/version`; nil for any other path (a percent-encoded id or a
    /// query included: the router decodes those).
    static func pageID(_ path: String) -> String? {
        let bytes = path.utf8
        guard bytes.count > prefix.count + suffix.count, bytes.starts(with: prefix), bytes.suffix(suffix.count).elementsEqual(suffix) else {
            return nil
        }
        // The slug rule refuses `%`, `?` and `/`: encoded ids, queries and longer paths.
        let id = String(Substring(bytes.dropFirst(prefix.count).dropLast(suffix.count)))
        return Rules.slugProblem(id) == nil ? id : nil
    }

    /// The answer to a request that asks `asked` (see ``question(askedBy:)``), or nil when the router
    /// must give it (an unknown component too: the router says 404 in its words).
    func answer(_ head: HTTPRequest, _ asked: FastQuestion, clientAddress: String, date: String) -> (HTTPResponse, ByteBuffer?)? {
        let start = logger.logLevel <= .info ? ContinuousClock.now : nil
        var caller = Caller.anonymous
        if let authorization = head.headerFields[.authorization], let secret = KeyRing.presentedKey(authorization: authorization) {
            guard let known = keys.cachedCaller(secret: secret) else { return nil }
            caller = known
        }
        guard !snapshots.isStale(asked.page), let access = try? caller.access(asked.page, in: snapshots) else { return nil }
        var (status, headers, body): (HTTPResponse.Status, HTTPFields, ByteBuffer?)
        switch asked {
        case .version:
            (status, headers, body) = VersionRoute.answer(access.page, ifNoneMatch: head.headerFields[.ifNoneMatch])
        case .updates(_, let question):
            guard let answer = try? UpdateRoutes.answer(access.page, question, ifNoneMatch: head.headerFields[.ifNoneMatch]) else { return nil }
            (status, headers, body) = answer
        }
        if let body { headers[.contentLength] = String(body.readableBytes) }
        if let limiter {
            let decision = limiter.take(GateMiddleware.identity(caller, clientAddress: clientAddress))
            // The router answers 429 (a refused request takes nothing from the limit, so it is not counted twice).
            guard decision.allowed else { return nil }
            headers.append(contentsOf: limiter.headers(decision))
        }
        // As ``ExposeHeadersMiddleware`` sends them: on every answer, Origin or not.
        headers[.accessControlExposeHeaders] = ExposeHeadersMiddleware.exposed
        headers[.accessControlAllowOrigin] = "*"
        headers[.date] = date
        counter?.count(status, route: asked.route)
        if let start {
            // As ``RequestLogMiddleware`` writes it.
            let elapsed = (ContinuousClock.now - start).components
            let milliseconds = Double(elapsed.seconds) * 1000 + Double(elapsed.attoseconds) / 1e15
            logger.info("\(head.method) \(head.path ?? "") \(status.code) \(String(format: "%.2f", milliseconds))ms")
        }
        return (HTTPResponse(status: status, headerFields: headers), body)
    }
}

/// The `Date` header's value, formatted once a second (RFC 9110 IMF-fixdate).
struct HTTPDate {
    private var second = 0
    private var text = ""

    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Sun, 06 Dec 2026 16:18:12 GMT` for now.
    mutating func now() -> String {
        var clock = time(nil)
        if clock != second || text.isEmpty {
            second = clock
            var parts = tm()
            gmtime_r(&clock, &parts)
            func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
            text =
                "\(Self.days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(Self.months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
                + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
        }
        return text
    }
}
