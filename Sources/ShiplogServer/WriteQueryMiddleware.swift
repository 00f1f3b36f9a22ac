import Hummingbird
import ShiplogStore

/// Refuses query parameters on the native API's writes (SPEC §6.1: a query parameter a route does
/// not know is a 400 naming it, never silently ignored). No `POST`, `PUT`, `PATCH` or `DELETE` under
/// `/api/v1/pages/{page}` takes one but `access_token`; each `GET` checks its own, since lists have
/// filters. The caller's key is judged first, as the routes do (every write needs at least the
/// `write` scope), so a request without the right key is answered 401, 403 or 404 as without a query.
struct WriteQueryMiddleware: RouterMiddleware {
    typealias Context = ShiplogContext
    let snapshots: Snapshots

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.method != .get, request.method != .head, !request.uri.queryParameters.isEmpty {
            try context.caller.access(try RequestInput.page(context), in: snapshots).require(.write)
            try Listing.requireKnownQuery(request, [])
        }
        return try await next(request, context)
    }
}
