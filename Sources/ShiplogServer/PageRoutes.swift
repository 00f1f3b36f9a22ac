import Foundation
import HTTPTypes
import Hummingbird
import ShiplogModel
import ShiplogStore

/// The native API of SPEC §6 under `/api/v1/pages/{page}`: the page, components, releases and groups.
struct PageRoutes: PageAPIRoutes {
    let snapshots: Snapshots
    /// Called after every committed change of a page (reload, site rebuild …); it never fails the write.
    let changed: @Sendable (String) async -> Void
    /// Release writes applied to the snapshot in place (the server's); nil reloads the page after each.
    var releaseWrites: InPlaceWrites? = nil

    func register(on router: Router<ShiplogContext>) {
        let pages = pageGroup(on: router)
        pages.get { request, context in try showPage(request, context) }
        pages.put("components/:component") { request, context in try await putComponent(request, context) }
        pages.get("releases") { request, context in try listReleases(request, context) }
        pages.post("releases") { request, context in try await createRelease(request, context) }
        // One release by component and version, or by its id (SPEC §6.1): the same handlers, the same rules.
        for path in ["components/:component/releases/:version", "releases/:id"] {
            pages.get(RouterPath(path)) { request, context in try showRelease(request, context) }
            pages.patch(RouterPath(path)) { request, context in try await updateRelease(request, context) }
            pages.delete(RouterPath(path)) { request, context in try await deleteRelease(request, context) }
        }
        pages.post("components/:component/releases/:version/publish") { request, context in
            try await setStatus(.published, request, context)
        }
        pages.post("components/:component/releases/:version/yank") { request, context in
            try await setStatus(.yanked, request, context)
        }
        pages.get("groups") { request, context in try listGroups(request, context) }
        pages.post("groups") { request, context in try await createGroup(request, context) }
    }

    // MARK: Page and components

    func showPage(_ request: Request, _ context: ShiplogContext) throws -> Response {
        try show(request, context) { access in
            .object([
                JSONMember("page", DataEncoder.page(access.page.data.page)),
                JSONMember("components", .array(access.page.data.components.map(DataEncoder.component))),
            ])
        }
    }

    func putComponent(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        let access = try access(context, requiring: .admin)
        let slug = try RequestInput.parameter("component", context, rule: Rules.slugProblem)
        let members = try RequestInput.fixing("slug", to: slug, in: try await RequestInput.object(request, context))
        var component: Component
        do { component = try ValueDecoding.component(.object(members), source: "request body") } catch { throw APIError.invalid(error) }
        // The active release has its own routes; a body may repeat it (as GET shows it), not change it.
        let pinned = access.page.data.components.first { $0.slug == slug }?.active
        if let active = component.active, active != pinned {
            throw APIError.invalid(
                "the active release is not set here",
                causes: [.init(field: "active", error: "activate a release with POST …/components/\(slug)/releases/{version}/activate")]
            )
        }
        // Stored without it, so the store keeps whatever pin it holds now (the snapshot may be older).
        component.active = nil
        let id = access.page.data.page.id
        var created = false
        let stored = component
        try await write(id) { () async throws(StoreError) in created = try await store.putComponent(stored, page: id) }
        component.active = (snapshots[id] ?? access.page).data.components.first { $0.slug == slug }?.active
        return JSONResponse.make(DataEncoder.component(component), status: created ? .created : .ok)
    }

    // MARK: Releases

    func listReleases(_ request: Request, _ context: ShiplogContext) throws -> Response {
        let access = try access(context)
        try Listing.requireKnownQuery(request, ["component", "status", "limit", "cursor"])
        let limit = try RequestInput.limit(request)
        let component = try RequestInput.query("component", request, rule: Rules.slugProblem)
        let status = try RequestInput.query("status", request) {
            Release.Status(rawValue: $0) == nil ? "expected one of published, draft, yanked" : nil
        }.flatMap(Release.Status.init(rawValue:))
        if status == .draft { try access.require(.read) }
        var after: ReleaseOrder.Key?
        if let cursor = request.uri.queryParameters.get("cursor"), !cursor.isEmpty {
            after = try ReleaseOrder.Key(cursor: Cursor.decode(cursor))
        }
        let data = access.page.data
        if let component, !data.components.contains(where: { $0.slug == component }) {
            throw APIError.notFound("component \(JSONWriter.quoted(component))")
        }
        let releases = data.releases.filter { release in
            (component == nil || release.component == component)
                && (status.map { release.status == $0 } ?? (access.hasKey || release.status != .draft))
        }
        let ordered = releases.map(ReleaseOrder.Key.init).enumerated().sorted { $0.element < $1.element }
        let start = after.map { cursor in ordered.firstIndex { cursor < $0.element } ?? ordered.count } ?? 0
        let page = ordered[start...].prefix(limit)
        let hasMore = start + page.count < ordered.count
        return Listing.answer(
            page.map { DataEncoder.release(releases[$0.offset], resolvingPrerelease: true) },
            nextCursor: hasMore ? page.last.map { Cursor.encode($0.element.cursor) } : nil,
            total: ordered.count
        )
    }

    /// The release of the path (`{id}`, or `{component}/{version}`), as this caller may see it.
    private func release(_ access: Access, _ context: ShiplogContext) throws(APIError) -> Release {
        if context.parameters.get("id") != nil {
            let id = try RequestInput.id(context)
            let releases = access.page.data.releases
            // Without a key a draft answers exactly as a missing release, so drafts cannot be probed (SPEC §6.2).
            guard let release = releases.first(where: { $0.id == id }), access.hasKey || release.status != .draft else {
                throw APIError.notFound("release \(JSONWriter.quoted(id))")
            }
            return release
        }
        let component = try RequestInput.parameter("component", context, rule: Rules.slugProblem)
        let version = try RequestInput.parameter("version", context, rule: Rules.versionProblem)
        let reference = ReleaseReference(component: component, version: version)
        // Without a key a draft answers exactly as a missing release, so drafts cannot be probed (SPEC §6.2).
        guard let index = access.page.catalog.releaseIndex[reference], access.hasKey || access.page.data.releases[index].status != .draft else {
            throw APIError.notFound("release \(JSONWriter.quoted(version)) of component \(JSONWriter.quoted(component))")
        }
        return access.page.data.releases[index]
    }

    func showRelease(_ request: Request, _ context: ShiplogContext) throws -> Response {
        try show(request, context) { access in DataEncoder.release(try release(access, context), resolvingPrerelease: true) }
    }

    func createRelease(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        let access = try access(context, requiring: .write)
        let body = try await RequestInput.json(request, context)
        if case .object(let members) = body { try RequestInput.refuseStoreSet(members, Self.storeSetFields) }
        let release: Release
        do { release = try ValueDecoding.release(body, source: "request body") } catch { throw APIError.invalid(error) }
        let id = access.page.data.page.id
        let stored = try await writeRelease(id) { () async throws(StoreError) in
            let stored = try await store.createRelease(release, page: id, by: access.keyID)
            return (stored, .stored(stored))
        }
        return JSONResponse.make(
            DataEncoder.release(stored, resolvingPrerelease: true),
            status: .created,
            headers: [.location: Self.location(id, release.reference)]
        )
    }

    func updateRelease(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        let access = try access(context, requiring: .write)
        let current = try release(access, context)
        let updated = try await MergePatch.decode(request, context, current, by: Self.releasePatch)
        let id = access.page.data.page.id
        let stored = try await writeRelease(id) { () async throws(StoreError) in
            let stored = try await store.updateRelease(updated, page: id)
            return (stored, .stored(stored))
        }
        return JSONResponse.make(DataEncoder.release(stored, resolvingPrerelease: true))
    }

    /// The fields of a release that the store sets, never the client (SPEC §1).
    static let storeSetFields: Set<String> = ["id", "created_at", "created_by"]
    /// What a `PATCH` of a release may change: all but its identity and what the store set.
    static var releasePatch: MergePatch.Rules<Release> {
        MergePatch.Rules(
            encode: DataEncoder.release(_:resolvingPrerelease:),
            decode: ValueDecoding.release(_:source:),
            invalid: "the release's identity cannot change",
            locked: MergePatch.Locked(identity: ["component", "version"], instead: "create a new release", storeSet: storeSetFields)
        )
    }

    func deleteRelease(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        let access = try access(context, requiring: .write)
        let current = try release(access, context)
        let id = access.page.data.page.id
        try await writeRelease(id) { () async throws(StoreError) in
            _ = try await store.deleteRelease(current.reference, page: id)
            return ((), .removed(current.reference))
        }
        return Response(status: .noContent)
    }

    func setStatus(_ status: Release.Status, _ request: Request, _ context: ShiplogContext) async throws -> Response {
        let access = try access(context, requiring: .write)
        let stored = try await setStatus(status, of: try release(access, context), access)
        return JSONResponse.make(DataEncoder.release(stored, resolvingPrerelease: true))
    }

    /// Publishes or yanks `current` (dated now when it has no date yet); the app-releases dialect's archive too.
    func setStatus(_ status: Release.Status, of current: Release, _ access: Access) async throws(APIError) -> Release {
        var release = current
        release.status = status
        if release.publishedAt == nil {
            release.publishedAt = Timestamp(seconds: Int64(Date().timeIntervalSince1970))
        }
        let id = access.page.data.page.id
        let updated = release
        return try await writeRelease(id) { () async throws(StoreError) in
            let stored = try await store.updateRelease(updated, page: id)
            return (stored, .stored(stored))
        }
    }

    /// A release write: its change put in the snapshot in place when ``releaseWrites`` is set, else
    /// the page reloaded after it (as ``write(_:_:)``).
    func writeRelease<T: Sendable>(_ page: String, _ body: () async throws(StoreError) -> (T, ReleaseChange)) async throws(APIError) -> T {
        if let releaseWrites { return try await releaseWrites.release(page, body) }
        return try await write(page) { () async throws(StoreError) in try await body().0 }
    }

    static func location(_ page: String, _ reference: ReleaseReference) -> String {
        let version = reference.version.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? reference.version
        return "/api/v1/pages/\(page)/components/\(reference.component)/releases/\(version)"
    }

    // MARK: Groups

    func listGroups(_ request: Request, _ context: ShiplogContext) throws -> Response {
        let access = try access(context)
        var groups = access.page.data.groups
        if !access.hasKey {
            // Anonymous readers see what the site shows: no draft member, and no group of drafts only (SPEC §6.2).
            let page = access.page
            groups = groups.compactMap { group in
                var group = group
                group.members = group.members.filter { page.catalog.releaseIndex[$0].map { page.data.releases[$0].status != .draft } ?? false }
                return group.members.isEmpty ? nil : group
            }
        }
        return try Listing.page(groups.map(DataEncoder.group), request)
    }

    func createGroup(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        let access = try access(context, requiring: .admin)
        let body = try await RequestInput.json(request, context)
        let group: ReleaseGroup
        do { group = try ValueDecoding.group(body, source: "request body") } catch { throw APIError.invalid(error) }
        let id = access.page.data.page.id
        try await write(id) { () async throws(StoreError) in try await store.createGroup(group, page: id) }
        return JSONResponse.make(DataEncoder.group(group), status: .created)
    }
}

/// The order of release lists: newest first by date (undated drafts last), then by version, component and text.
enum ReleaseOrder {
    struct Key: Comparable {
        var published: Int64
        var version: Version
        var component: String

        init(_ release: Release) {
            published = release.publishedAt?.seconds ?? .min
            version = release.version
            component = release.component
        }

        init(cursor: JSONValue) throws(APIError) {
            guard case .string(let component)? = cursor["c"], case .string(let version)? = cursor["v"],
                case .number(let published)? = cursor["t"], let seconds = Int64(published)
            else {
                throw APIError.invalid("the query is not valid", causes: [.init(field: "cursor", error: "not a cursor this server gave out")])
            }
            self.published = seconds
            self.version = Version(version)
            self.component = component
        }

        var cursor: JSONValue {
            .object([
                JSONMember("t", .number(String(published))), JSONMember("c", .string(component)), JSONMember("v", .string(version.text)),
            ])
        }

        /// Whether `a` comes before `b` in the list.
        static func < (a: Key, b: Key) -> Bool {
            if a.published != b.published { return a.published > b.published }
            let rank = a.version.compare(b.version)
            if rank != 0 { return rank > 0 }
            if a.component != b.component { return a.component < b.component }
            return a.version.text < b.version.text
        }

        static func == (a: Key, b: Key) -> Bool {
            a.published == b.published && a.component == b.component && a.version.text == b.version.text
        }
    }
}
