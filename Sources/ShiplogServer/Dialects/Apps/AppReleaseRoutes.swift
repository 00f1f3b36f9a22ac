import Foundation
import Hummingbird
import Logging
import ShiplogModel
import ShiplogStore

/// The app-releases dialect (SPEC §7, seed `004_…`) under
/// `/apps/v1/orgs/{org}/workspaces/{workspace}/apps/{app}/releases`: workspace = page, app =
/// component, org echoed. A thin layer: the native access rules, store methods and write helper.
struct AppReleaseRoutes: PageAPIRoutes {
    let snapshots: Snapshots
    /// Called after every committed change of a page (reload, site rebuild …); it never fails the write.
    let changed: @Sendable (String) async -> Void
    let logger: Logger
    /// Release writes applied to the snapshot in place (the server's); nil reloads the page after each.
    var releaseWrites: InPlaceWrites? = nil

    /// Whether a request path is the dialect's: its errors are then in the dialect's shapes.
    static func owns(_ path: String) -> Bool { path.hasPrefix("/apps/v1/") }

    /// Registers the routes and, for them and unknown routes under `/apps/v1/`, the dialect's error
    /// shapes; call it after the other route groups so that its middleware wraps only these routes.
    func register(on router: Router<ShiplogContext>) {
        router.add(middleware: AppsErrorMiddleware(logger: logger))
        let releases = router.group("apps/v1/orgs/:org/workspaces/:page/apps/:component/releases")
            .add(middleware: FreshSnapshotMiddleware(snapshots: snapshots))
        releases.get { request, context in try list(request, context) }
        releases.post { request, context in try await create(request, context) }
        releases.get("active") { request, context in try showActive(request, context) }
        releases.get(":id") { request, context in try show(request, context) }
        releases.delete(":id") { request, context in try await delete(request, context) }
        releases.post(":id/activate") { request, context in try await activate(request, context, rollback: false) }
        releases.post(":id/rollback") { request, context in try await activate(request, context, rollback: true) }
        releases.post(":id/archive") { request, context in try await archive(request, context) }
    }

    // MARK: Reads

    /// `GET …/releases` → `{total, has_more, next_cursor, releases, active_release_id}`, newest first.
    func list(_ request: Request, _ context: ShiplogContext) throws -> Response {
        let access = try open(context, nil)
        let query = try AppReleaseInput.listQuery(request)
        let view = try view(access, context)
        let all = view.created.reversed().filter { view.isVisible($0) && (query.includeArchived || view.status($0) != "archived") }
        let start = try query.cursor.map { cursor throws(AppsError) in try Self.position(after: cursor, in: all, view) } ?? 0
        let shown = all[start...].prefix(query.limit)
        let last = shown.last
        let next = start + shown.count < all.count ? last.map { Self.cursor(after: $0, view) } : nil
        return JSONResponse.make(
            .object([
                JSONMember("total", .int(all.count)),
                JSONMember("has_more", .bool(next != nil)),
                JSONMember("next_cursor", next.map(JSONValue.string) ?? .null),
                JSONMember("releases", .array(shown.map { view.object($0, full: false) })),
                JSONMember("active_release_id", view.active.flatMap { view.page.data.releases[$0].id }.map(JSONValue.string) ?? .null),
            ])
        )
    }

    /// `GET …/releases/active`: the component's active release (its pinned one, else its latest).
    func showActive(_ request: Request, _ context: ShiplogContext) throws -> Response {
        let access = try open(context, nil)
        try AppReleaseInput.requireKnownQuery(request)
        let view = try view(access, context)
        guard let index = view.active else { throw AppsError.notFound("active_release", view.slug) }
        return JSONResponse.make(view.object(index, full: true))
    }

    /// `GET …/releases/{release_id}`.
    func show(_ request: Request, _ context: ShiplogContext) throws -> Response {
        let access = try open(context, nil)
        try AppReleaseInput.requireKnownQuery(request)
        let view = try view(access, context)
        return JSONResponse.make(view.object(try release(view, context), full: true))
    }

    // MARK: Writes

    /// `POST …/releases` `{release_tag, description?, change_log?}` → 201 with the new draft.
    func create(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        let access = try open(context, .write)
        try AppReleaseInput.requireKnownQuery(request)
        let view = try view(access, context)
        let new = try AppReleaseInput.newRelease(try await RequestInput.json(request, context))
        let release = try AppReleaseInput.release(new, component: view.slug)
        let id = view.workspace
        let stored = try await write(id) { () async throws(StoreError) in try await store.createRelease(release, page: id, by: access.keyID) }
        let after = refreshed(view)
        guard let index = stored.id.flatMap(after.index(of:)) else {
            // Committed, whatever happened to the in-memory copy (SPEC §6.1): answered from the store's row.
            return JSONResponse.make(
                after.object(stored, number: after.created.count + 1, status: "draft", previous: nil, full: true),
                status: .created
            )
        }
        return JSONResponse.make(after.object(index, full: true), status: .created)
    }

    /// `DELETE …/releases/{release_id}` → `{}`.
    func delete(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        let access = try open(context, .write)
        try AppReleaseInput.requireKnownQuery(request)
        let view = try view(access, context)
        let reference = view.page.data.releases[try release(view, context)].reference
        let id = view.workspace
        try await write(id) { () async throws(StoreError) in _ = try await store.deleteRelease(reference, page: id) }
        return JSONResponse.make(.object([]))
    }

    /// `POST …/{release_id}/activate` and `…/rollback` → `{message, release, previous_active_release_id}`:
    /// the native activate (a draft is published first). A rollback must name a release older, in
    /// version order, than the active one (else 409).
    func activate(_ request: Request, _ context: ShiplogContext, rollback: Bool) async throws -> Response {
        let access = try open(context, .write)
        try AppReleaseInput.requireKnownQuery(request)
        let view = try view(access, context)
        let index = try release(view, context)
        let releases = view.page.data.releases
        let previous = view.active
        if rollback {
            guard let previous else { throw AppsError.conflict("app \(JSONWriter.quoted(view.slug)) has no active release to roll back from") }
            guard releases[index].version.compare(releases[previous].version) < 0 else {
                throw AppsError.conflict(
                    "release \(JSONWriter.quoted(releases[index].version.text)) is not older than the active release "
                        + "\(JSONWriter.quoted(releases[previous].version.text)); activate it instead",
                    details: [JSONMember("active_release_id", releases[previous].id.map(JSONValue.string) ?? .null)]
                )
            }
        }
        let reference = releases[index].reference
        let id = view.workspace
        try await write(id) { () async throws(StoreError) in _ = try await store.activate(reference, page: id, by: access.keyID) }
        let after = refreshed(view)
        let releaseID = releases[index].id ?? ""
        let tag = reference.version
        return JSONResponse.make(
            .object([
                JSONMember("message", .string(rollback ? "Rolled back to release \(tag)" : "Release \(tag) activated")),
                JSONMember("release", after.index(of: releaseID).map { after.object($0, full: false) } ?? view.object(index, full: false)),
                JSONMember("previous_active_release_id", previous.flatMap { releases[$0].id }.map(JSONValue.string) ?? .null),
            ])
        )
    }

    /// `POST …/{release_id}/archive`: the native yank → the release, now `archived`.
    func archive(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        let access = try open(context, .write)
        try AppReleaseInput.requireKnownQuery(request)
        let view = try view(access, context)
        let index = try release(view, context)
        let stored = try await PageRoutes(snapshots: snapshots, changed: changed, releaseWrites: releaseWrites).setStatus(
            .yanked,
            of: view.page.data.releases[index],
            access
        )
        let after = refreshed(view)
        guard let now = stored.id.flatMap(after.index(of:)) else {
            return JSONResponse.make(after.object(stored, number: view.numbers[index] ?? 0, status: "archived", previous: nil, full: false))
        }
        return JSONResponse.make(after.object(now, full: false))
    }

    // MARK: Helpers

    /// The caller's access to the workspace (another page's key → 404), with at least `scope` when given.
    func open(_ context: ShiplogContext, _ scope: KeyScope?) throws(AppsError) -> Access {
        let access: Access
        do { access = try self.access(context) } catch {
            if error.status == .notFound { throw AppsError.notFound("workspace", context.parameters.get("page") ?? "") }
            throw AppsError(error)
        }
        if let scope {
            do { try access.require(scope) } catch { throw error.status == .forbidden ? AppsError.forbidden(scope) : AppsError(error) }
        }
        return access
    }

    /// The path's app (a component of the workspace), else 404.
    func view(_ access: Access, _ context: ShiplogContext) throws(AppsError) -> AppReleaseView {
        let raw = context.parameters.get("component") ?? ""
        let slug = raw.removingPercentEncoding ?? raw
        guard let offset = access.page.catalog.componentIndex[slug] else { throw AppsError.notFound("app", slug) }
        let org = context.parameters.get("org").map { $0.removingPercentEncoding ?? $0 } ?? ""
        return AppReleaseView(page: access.page, component: offset, org: org, showDrafts: access.hasKey)
    }

    /// The same view on the page as it is after a write.
    func refreshed(_ view: AppReleaseView) -> AppReleaseView {
        let page = snapshots[view.workspace] ?? view.page
        guard let offset = page.catalog.componentIndex[view.slug] else { return view }
        return AppReleaseView(page: page, component: offset, org: view.org, showDrafts: view.showDrafts)
    }

    /// The index of the path's `release_id` in the view, else 404.
    func release(_ view: AppReleaseView, _ context: ShiplogContext) throws(AppsError) -> Int {
        let raw = context.parameters.get("id") ?? ""
        let id = raw.removingPercentEncoding ?? raw
        guard let index = view.index(of: id) else { throw AppsError.notFound("release", id) }
        return index
    }

    /// The cursor after `index`: its app, its id, and its number should it be deleted before the
    /// next page is asked.
    static func cursor(after index: Int, _ view: AppReleaseView) -> String {
        Cursor.encode(
            .object([
                JSONMember("app", .string(view.slug)), JSONMember("id", .string(view.page.data.releases[index].id ?? "")),
                JSONMember("n", .int(view.numbers[index] ?? 0)),
            ])
        )
    }

    static func position(after cursor: String, in list: [Int], _ view: AppReleaseView) throws(AppsError) -> Int {
        let bad = AppsError.unprocessable([
            AppsError.item(["query", "cursor"], "Not a cursor this server gave out", type: "value_error", input: .string(cursor))
        ])
        // A cursor of another app's list is refused, not read as a position in this one.
        guard let value = try? Cursor.decode(cursor), value["app"] == .string(view.slug), case .string(let id)? = value["id"],
            case .number(let text)? = value["n"], let number = Int(text)
        else { throw bad }
        if let found = list.firstIndex(where: { view.page.data.releases[$0].id == id }) { return found + 1 }
        return list.firstIndex { (view.numbers[$0] ?? 0) < number } ?? list.count
    }
}
