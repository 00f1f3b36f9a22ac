import Foundation
import Hummingbird
import Logging

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
