import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ShiplogModel
import ShiplogStore
import Synchronization

/// The request context of every route: the caller (resolved once, by ``GateMiddleware``) and the client's address.
struct ShiplogContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The client as rate limits of anonymous callers count it: its IPv4 address, or the /64 of its
    /// IPv6 address (``ClientAddress/rateLimitKey(_:)``).
    let clientAddress: String
    var caller: Caller = .anonymous

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = ClientAddress.rateLimitKey(of: source.channel)
    }

    /// Bodies larger than this are refused with 413.
    var maxUploadSize: Int { ServerLimits.maximumBodySize }
}

enum ServerLimits {
    /// The largest request body taken (release notes are Markdown, rarely more than some KiB).
    static let maximumBodySize = 1 << 20
}

/// One log line per request: method, path (never the query, which may hold a key), status, duration.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = ShiplogContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        if logger.logLevel <= .info {
            let elapsed = (ContinuousClock.now - start).components
            let milliseconds = Double(elapsed.seconds) * 1000 + Double(elapsed.attoseconds) / 1e15
            logger.info("\(request.method) \(request.uri.path) \(response.status.code) \(String(format: "%.2f", milliseconds))ms")
        }
        return response
    }
}

/// Turns every error into a JSON answer in the shape of SPEC §6, so no request ends without a body
/// (unknown routes, bodies too large, and bugs included).
struct JSONErrorMiddleware: RouterMiddleware {
    typealias Context = ShiplogContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch let error as StoreError {
            if case .database(let message) = error { logger.error("store: \(message)") }
            return try APIError.from(error).response(from: request, context: context)
        } catch let error as HTTPError {
            return try Self.translate(error).response(from: request, context: context)
        } catch {
            logger.error("\(request.method) \(request.uri.path): \(String(describing: error))")
            return try APIError(.internalServerError, "internal_error", "the server failed to answer; this is a bug")
                .response(from: request, context: context)
        }
    }

    static func translate(_ error: HTTPError) -> APIError {
        switch error.status {
        case .notFound: APIError(.notFound, "not_found", "no such route")
        case .contentTooLarge:
            APIError(.contentTooLarge, "body_too_large", "the request body is larger than \(ServerLimits.maximumBodySize) bytes")
        case .methodNotAllowed: APIError(.methodNotAllowed, "method_not_allowed", "this route does not take that method")
        default: APIError(error.status, "http_error", error.body ?? error.status.reasonPhrase)
        }
    }
}

/// Lets browsers on other origins read the headers that matter (`ETag`, the rate-limit headers …) on
/// every answer; Hummingbird's CORS middleware names them on preflight answers only.
struct ExposeHeadersMiddleware: RouterMiddleware {
    typealias Context = ShiplogContext
    static let names = [
        "ETag", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After", "Location", "X-ReleasePage-Media-Type",
    ]
    static let exposed = names.joined(separator: ", ")

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        if request.headers[.origin] != nil, response.headers[.accessControlExposeHeaders] == nil {
            response.headers[.accessControlExposeHeaders] = Self.exposed
        }
        return response
    }
}

/// Resolves the caller's key, and applies the rate limit per key (or per client address without one),
/// with `X-RateLimit-*` headers on every answer and 429 + `Retry-After` when the limit is reached.
struct GateMiddleware: RouterMiddleware {
    typealias Context = ShiplogContext
    let keys: KeyRing
    let limiter: RateLimiter?
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // Load balancers probe health often, from few addresses: never limited (SPEC §6.2). Nor are
        // scrapes of `/metrics`, which judges its own token (not a page's key).
        if request.uri.path == "/health" || request.uri.path == "/metrics" { return try await next(request, context) }
        var context = context
        do {
            context.caller = try await keys.caller(request)
        } catch {
            logger.error("store: \(error)")
            return try APIError.from(error).response(from: request, context: context)
        }
        guard let limiter else { return try await next(request, context) }
        let decision = limiter.take(Self.identity(context.caller, clientAddress: context.clientAddress))
        let headers = limiter.headers(decision)
        guard decision.allowed else {
            var fields = headers
            fields[.retryAfter] = String(decision.retryAfterSeconds)
            return try APIError(
                .tooManyRequests,
                "rate_limited",
                "too many requests: \(limiter.limit) a minute are allowed; retry in \(decision.retryAfterSeconds) s",
                headers: fields
            ).response(from: request, context: context)
        }
        var response = try await next(request, context)
        response.headers.append(contentsOf: headers)
        return response
    }
}

extension GateMiddleware {
    /// Whom rate limits count: the key, else the client's address (see ``ShiplogContext/clientAddress``).
    static func identity(_ caller: Caller, clientAddress: String) -> String {
        switch caller {
        case .key(let key): "key " + key.id
        default: "ip " + clientAddress
        }
    }
}

extension RateLimiter {
    /// The `X-RateLimit-*` headers of a decision.
    func headers(_ decision: Decision) -> HTTPFields {
        [
            .rateLimitLimit: String(limit),
            .rateLimitRemaining: String(decision.remaining),
            .rateLimitReset: String(decision.resetEpochSeconds),
        ]
    }
}

extension HTTPField.Name {
    static let rateLimitLimit = HTTPField.Name("X-RateLimit-Limit")!
    static let rateLimitRemaining = HTTPField.Name("X-RateLimit-Remaining")!
    static let rateLimitReset = HTTPField.Name("X-RateLimit-Reset")!
}

/// A fixed one-minute window per identity: `limit` requests, then 429 until the window ends.
final class RateLimiter: Sendable {
    struct Decision {
        var allowed: Bool
        var remaining: Int
        var resetEpochSeconds: Int
        var retryAfterSeconds: Int
    }

    private struct Window {
        var start: Int
        var used: Int
    }

    let limit: Int
    private let windows = Mutex<[String: Window]>([:])

    init(limit: Int) {
        self.limit = limit
    }

    func take(_ identity: String, now: Int = Int(Date().timeIntervalSince1970)) -> Decision {
        let minute = now - now % 60
        return windows.withLock { windows in
            if windows.count > 100_000 { windows = windows.filter { $0.value.start == minute } }
            var window = windows[identity] ?? Window(start: minute, used: 0)
            if window.start != minute { window = Window(start: minute, used: 0) }
            let allowed = window.used < limit
            if allowed { window.used += 1 }
            windows[identity] = window
            let reset = minute + 60
            return Decision(allowed: allowed, remaining: limit - window.used, resetEpochSeconds: reset, retryAfterSeconds: max(1, reset - now))
        }
    }
}
