import Hummingbird
import ShiplogModel
import ShiplogStore

/// The active release of a component (SPEC §3, §6.1), under `/api/v1/pages/{page}/components/{slug}`:
/// activate a release (the app-releases "rollback" when it is an older one), see the latest, and
/// make the latest automatic again.
struct ActiveReleaseRoutes: PageAPIRoutes {
    let snapshots: Snapshots
    /// Called after every committed change of a page (reload, site rebuild …); it never fails the write.
    let changed: @Sendable (String) async -> Void

    func register(on router: Router<ShiplogContext>) {
        let pages = pageGroup(on: router)
        pages.post("components/:component/releases/:version/activate") { request, context in try await activate(request, context) }
        pages.get("components/:component/active") { request, context in try showActive(request, context) }
        pages.delete("components/:component/active") { request, context in try await clearActive(request, context) }
    }

    /// `POST …/releases/{version}/activate` → `{release, previous_active}`; a draft is published first.
    func activate(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        let access = try access(context, requiring: .write)
        let component = try RequestInput.parameter("component", context, rule: Rules.slugProblem)
        let version = try RequestInput.parameter("version", context, rule: Rules.versionProblem)
        let page = access.page
        // What was the latest before: the release clients were told about until now.
        let previous = page.catalog.componentIndex[component].flatMap { page.catalog.latest[$0] }.map { page.data.releases[$0] }
        let id = page.data.page.id
        let reference = ReleaseReference(component: component, version: version)
        let release = try await write(id) { () async throws(StoreError) in try await store.activate(reference, page: id, by: access.keyID) }
        return JSONResponse.make(
            .object([
                JSONMember("release", DataEncoder.release(release, resolvingPrerelease: true)),
                JSONMember("previous_active", previous.map { DataEncoder.release($0, resolvingPrerelease: true) } ?? .null),
            ])
        )
    }

    /// `GET …/active` → `{release, pinned}`: the component's latest, and whether it was activated.
    func showActive(_ request: Request, _ context: ShiplogContext) throws -> Response {
        try show(request, context) { access in
            let component = try RequestInput.parameter("component", context, rule: Rules.slugProblem)
            guard let offset = access.page.catalog.componentIndex[component] else {
                throw APIError.notFound("component \(JSONWriter.quoted(component))")
            }
            guard let answer = Self.answer(access.page, component: offset) else {
                // Neither an active release nor a published one that is not a pre-release (SPEC §3).
                throw APIError.notFound("latest release of component \(JSONWriter.quoted(component))")
            }
            return .object(answer)
        }
    }

    /// `DELETE …/active` → `{release, pinned: false, previous_active}`: the latest is automatic again.
    func clearActive(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        let access = try access(context, requiring: .write)
        let component = try RequestInput.parameter("component", context, rule: Rules.slugProblem)
        let id = access.page.data.page.id
        let previous = try await write(id) { () async throws(StoreError) in try await store.clearActive(component: component, page: id) }
        let page = snapshots[id] ?? access.page
        let offset = page.catalog.componentIndex[component]
        let cleared = previous.flatMap { page.catalog.releaseIndex[ReleaseReference(component: component, version: $0)] }
        var members = offset.flatMap { Self.answer(page, component: $0) } ?? [JSONMember("release", .null), JSONMember("pinned", .bool(false))]
        members.append(JSONMember("previous_active", cleared.map { DataEncoder.release(page.data.releases[$0], resolvingPrerelease: true) } ?? .null))
        return JSONResponse.make(.object(members))
    }

    /// `release` (the component's latest) and `pinned` (whether it is the active release), or nil when it has no latest.
    static func answer(_ page: PageSnapshot, component offset: Int) -> [JSONMember]? {
        guard let index = page.catalog.latest[offset] else { return nil }
        return [
            JSONMember("release", DataEncoder.release(page.data.releases[index], resolvingPrerelease: true)),
            JSONMember("pinned", .bool(page.catalog.active[offset] == index)),
        ]
    }
}
