import Hummingbird
import Logging
import ShiplogStore

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
            if error.code == .database { logger.error("store: \(error.message)\(error.cause.map { " (\($0))" } ?? "")") }
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
