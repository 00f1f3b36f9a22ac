import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ShiplogModel
import ShiplogStore

/// Renders every error of the dialect's paths in its shapes: what handlers throw, unknown routes
/// (Hummingbird throws them inside the router's middleware) and bugs.
struct AppsErrorMiddleware: RouterMiddleware {
    typealias Context = ShiplogContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard AppReleaseRoutes.owns(request.uri.path) else { return try await next(request, context) }
        do {
            return try await next(request, context)
        } catch let error as AppsError {
            return try error.response(from: request, context: context)
        } catch let error as APIError {
            return try AppsError(error).response(from: request, context: context)
        } catch let error as StoreError {
            if error.code == .database { logger.error("store: \(error.message)\(error.cause.map { " (\($0))" } ?? "")") }
            return try AppsError(APIError.from(error)).response(from: request, context: context)
        } catch let error as HTTPError where error.status == .notFound {
            // No route of the dialect has this path and method.
            return try AppsError.notFound("route", "\(request.method) \(request.uri.path)").response(from: request, context: context)
        } catch let error as HTTPError {
            return try AppsError(JSONErrorMiddleware.translate(error)).response(from: request, context: context)
        } catch {
            logger.error("\(request.method) \(request.uri.path): \(String(describing: error))")
            return try AppsError(.internalServerError, "INTERNAL_SERVER_ERROR", "An unexpected error occurred")
                .response(from: request, context: context)
        }
    }
}
