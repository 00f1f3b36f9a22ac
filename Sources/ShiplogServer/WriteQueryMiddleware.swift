import Hummingbird

/// Refuses query parameters on the native API's writes (SPEC §6.1: a query parameter a route does
/// not know is a 400 naming it, never silently ignored). No `POST`, `PUT`, `PATCH` or `DELETE` under
/// `/api/v1/pages/{page}` takes one but `access_token`; each `GET` checks its own, since lists have
/// filters. The 400 is only noted here: the route throws it once it has judged the caller's key for
/// its own scope (``PageGroupRoutes/access(_:requiring:)``), so a request without the right key is
/// answered 401, 403 or 404 as without a query, an admin-only route's 403 included.
struct WriteQueryMiddleware: RouterMiddleware {
    typealias Context = ShiplogContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method != .get, request.method != .head, !request.uri.queryParameters.isEmpty else {
            return try await next(request, context)
        }
        var context = context
        do { try Listing.requireKnownQuery(request, []) } catch { context.refusedQuery = error }
        return try await next(request, context)
    }
}
