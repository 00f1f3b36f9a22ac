import HTTPTypes
import Hummingbird
import ShiplogModel

/// Puts `X-ReleasePage-Media-Type` on every answer under `/v1/pages/` (the version fast path sets it itself).
struct ReleasePageHeaderMiddleware: RouterMiddleware {
    typealias Context = ShiplogContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard ReleasePageDialect.owns(request.uri.path) else { return try await next(request, context) }
        var response = try await next(request, context)
        response.headers[.releasePageMediaType] = ReleasePageDialect.mediaType
        return response
    }
}
