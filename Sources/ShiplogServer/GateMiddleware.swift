import Hummingbird
import Logging
import ShiplogStore

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
