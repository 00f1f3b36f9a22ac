import HTTPTypes
import Hummingbird

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
