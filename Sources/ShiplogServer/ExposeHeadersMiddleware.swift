import HTTPTypes
import Hummingbird

/// Lets browsers on other origins read every answer and the headers that matter (`ETag`, the
/// rate-limit headers …). Hummingbird's CORS middleware names the headers on preflight answers only,
/// and allows the origin only when the request has an `Origin`: an answer a shared cache kept from a
/// request without one (and revalidated with a 304) would reach a browser without CORS. Sent on every
/// answer, the headers do not depend on the request, so no `Vary: Origin` is needed.
struct ExposeHeadersMiddleware: RouterMiddleware {
    typealias Context = ShiplogContext
    static let names = [
        "ETag", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After", "Location", "X-ReleasePage-Media-Type",
    ]
    static let exposed = names.joined(separator: ", ")

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        if response.headers[.accessControlAllowOrigin] == nil { response.headers[.accessControlAllowOrigin] = "*" }
        if response.headers[.accessControlExposeHeaders] == nil { response.headers[.accessControlExposeHeaders] = Self.exposed }
        return response
    }
}
