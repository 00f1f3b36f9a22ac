import Crypto
import Foundation
import Hummingbird
import Logging
import ShiplogModel
import ShiplogStore
import Synchronization

/// Reloads the page of the path first when its snapshot is stale (a reload after a write failed),
/// so a read never misses a write that was answered as committed.
struct FreshSnapshotMiddleware: RouterMiddleware {
    typealias Context = ShiplogContext
    let snapshots: Snapshots

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let page = context.parameters.get("page")?.removingPercentEncoding {
            try await snapshots.ensureFresh(page)
        }
        return try await next(request, context)
    }
}
