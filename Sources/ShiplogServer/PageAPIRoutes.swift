import Hummingbird
import ShiplogModel
import ShiplogStore

/// What the route groups under `/api/v1/pages/{page}` share: the snapshots, the hook called after
/// every committed change, the caller's access to the path's page, and writes answered as committed.
protocol PageAPIRoutes: Sendable {
    var snapshots: Snapshots { get }
    /// Called after every committed change of a page (reload, site rebuild …); it never fails the write.
    var changed: @Sendable (String) async -> Void { get }
}

extension PageAPIRoutes {
    var store: any Store { snapshots.store }

    /// The routes under `/api/v1/pages/{page}`, each read from a fresh snapshot of the page; their
    /// writes take no query parameter.
    func pageGroup(on router: Router<ShiplogContext>) -> RouterGroup<ShiplogContext> {
        router.group("api/v1/pages/:page")
            .add(middleware: FreshSnapshotMiddleware(snapshots: snapshots))
            .add(middleware: WriteQueryMiddleware(snapshots: snapshots))
    }

    /// The caller's access to the page the path names.
    func access(_ context: ShiplogContext) throws(APIError) -> Access {
        try context.caller.access(try RequestInput.page(context), in: snapshots)
    }

    /// The caller's access to the page the path names, with a key of at least `scope` (401 without
    /// one, 403 when it is too small).
    func access(_ context: ShiplogContext, requiring scope: KeyScope) throws(APIError) -> Access {
        let access = try access(context)
        try access.require(scope)
        return access
    }

    /// A `GET` of one thing of the page (the page, a release, a deployment …): no query parameter is
    /// known, and the answer is `thing` as this caller may see it.
    func show(_ request: Request, _ context: ShiplogContext, _ thing: (Access) throws -> JSONValue) throws -> Response {
        let access = try access(context)
        try Listing.requireKnownQuery(request, [])
        return JSONResponse.make(try thing(access))
    }

    /// Runs a write and, once it committed, refreshes what depends on the page: a committed write is
    /// answered as committed whatever happens to the in-memory copy (SPEC §6.1).
    @discardableResult
    func write<T>(_ page: String, _ body: () async throws(StoreError) -> T) async throws(APIError) -> T {
        let result: T
        do { result = try await body() } catch { throw APIError.from(error) }
        await changed(page)
        return result
    }
}
