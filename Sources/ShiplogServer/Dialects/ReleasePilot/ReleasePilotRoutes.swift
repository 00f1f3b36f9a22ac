import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ShiplogModel
import ShiplogStore

/// Release Pilot's routes (seed `000_…`) over the native ones: `projects/{projectId}` is the page,
/// `products/{productId}` a component, `releases/{releaseId}` a release id, `customer-sites/{customerSiteId}`
/// a site. Each checks what the dialect adds, calls the native handler (same store methods, scopes,
/// webhooks and rebuilds) and wraps its answer in the envelope.
struct ReleasePilotRoutes: Sendable {
    let pages: PageRoutes
    let sites: SiteRoutes

    var snapshots: Snapshots { pages.snapshots }

    func register(on router: Router<ShiplogContext>) {
        let project = router.group("releasepilot/api/v1/projects/:page").add(middleware: FreshSnapshotMiddleware(snapshots: snapshots))
        project.get("products/:product/releases") { request, context in try listReleases(request, context) }
        project.post("products/:product/releases") { request, context in try await createRelease(request, context) }
        project.get("products/:product/releases/:id") { request, context in
            try await releaseCall(request, context) { try pages.showRelease($0, $1) }
        }
        project.patch("products/:product/releases/:id") { request, context in
            try await releaseCall(request, context) { try await pages.updateRelease($0, $1) }
        }
        project.delete("products/:product/releases/:id") { request, context in
            try await releaseCall(request, context) { try await pages.deleteRelease($0, $1) }
        }
        project.get("customer-sites") { request, context in try listSites(request, context) }
        project.post("customer-sites") { request, context in
            try await call(request, context, known: []) { try await sites.createSite($0, $1) }
        }
        project.get("customer-sites/:site") { request, context in
            try await call(request, context, known: []) { try sites.showSite($0, $1) }
        }
        project.patch("customer-sites/:site") { request, context in
            try await call(request, context, known: []) { try await sites.patchSite($0, $1) }
        }
        project.delete("customer-sites/:site") { request, context in
            try await call(request, context, known: []) { try await sites.deleteSite($1) }
        }
        project.get("customer-sites/:site/releases") { request, context in try listSiteReleases(request, context) }
        project.post("customer-sites/:site/releases") { request, context in try await attach(request, context) }
        project.delete("customer-sites/:site/releases/:id") { request, context in try await detach(request, context) }
    }

    typealias Handler = @Sendable (Request, ShiplogContext) async throws -> Response

    /// Refuses query parameters but `known`, runs the native handler, wraps its answer.
    private func call(_ request: Request, _ context: ShiplogContext, known: Set<String>, _ handler: Handler) async throws -> Response {
        try Listing.requireKnownQuery(request, known)
        return try await ReleasePilotDialect.envelope(try await handler(request, context))
    }

    private func access(_ context: ShiplogContext) throws(APIError) -> Access {
        try context.caller.access(try RequestInput.page(context), in: snapshots)
    }

    private func product(_ context: ShiplogContext) throws(APIError) -> String {
        try RequestInput.parameter("product", context, rule: Rules.slugProblem)
    }

    /// The release `{releaseId}` of the product of the path, as this caller may see it (drafts need a key).
    private func release(_ id: String, product: String?, _ access: Access) throws(APIError) -> Release {
        guard Rules.idProblem(id) == nil,
            let release = access.page.data.releases.first(where: { $0.id == id && (product == nil || $0.component == product) }),
            access.hasKey || release.status != .draft
        else { throw APIError.notFound("release \(JSONWriter.quoted(id))") }
        return release
    }

    /// A route on one release of a product: the native route by id, once the release is the product's.
    private func releaseCall(_ request: Request, _ context: ShiplogContext, _ handler: Handler) async throws -> Response {
        let access = try access(context)
        _ = try release(try RequestInput.id(context), product: try product(context), access)
        return try await call(request, context, known: [], handler)
    }

    // MARK: Releases

    /// Newest first, as the native list; `?status=` filters, `?skip=`/`?size=` page.
    func listReleases(_ request: Request, _ context: ShiplogContext) throws -> Response {
        let access = try access(context)
        try Listing.requireKnownQuery(request, ["status", "skip", "size"])
        let product = try product(context)
        let status = try RequestInput.query("status", request) {
            Release.Status(rawValue: $0) == nil ? "expected one of published, draft, yanked" : nil
        }.flatMap(Release.Status.init(rawValue:))
        if status == .draft { try access.require(.read) }
        guard access.page.data.components.contains(where: { $0.slug == product }) else {
            throw APIError.notFound("product \(JSONWriter.quoted(product))")
        }
        let releases = access.page.data.releases.filter { release in
            release.component == product && (status.map { release.status == $0 } ?? (access.hasKey || release.status != .draft))
        }
        let ordered = releases.sorted { ReleaseOrder.Key($0) < ReleaseOrder.Key($1) }
        return try ReleasePilotDialect.page(ordered.map { DataEncoder.release($0, resolvingPrerelease: true) }, request)
    }

    /// The native release body; `component` is the product of the path (a body may repeat it).
    func createRelease(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        _ = try access(context)
        try Listing.requireKnownQuery(request, [])
        let product = try product(context)
        let members = try RequestInput.fixing("component", to: product, in: try await RequestInput.object(request, context))
        let body = Request(head: request.head, body: RequestBody(buffer: ByteBuffer(string: JSONWriter.write(.object(members), pretty: false))))
        return try await ReleasePilotDialect.envelope(try await pages.createRelease(body, context))
    }

    // MARK: Customer sites

    func listSites(_ request: Request, _ context: ShiplogContext) throws -> Response {
        let access = try access(context)
        try Listing.requireKnownQuery(request, ["skip", "size"])
        return try ReleasePilotDialect.page(access.page.data.sites.map { DataEncoder.site(sites.visible($0, access)) }, request)
    }

    func listSiteReleases(_ request: Request, _ context: ShiplogContext) throws -> Response {
        let access = try access(context)
        try Listing.requireKnownQuery(request, ["skip", "size"])
        let slug = try RequestInput.parameter("site", context, rule: Rules.slugProblem)
        guard let site = access.page.data.sites.first(where: { $0.slug == slug }) else {
            throw APIError.notFound("customer site \(JSONWriter.quoted(slug))")
        }
        let releases = sites.visible(site, access).releases.compactMap { access.page.catalog.releaseIndex[$0].map { access.page.data.releases[$0] } }
        return try ReleasePilotDialect.page(releases.map { DataEncoder.release($0, resolvingPrerelease: true) }, request)
    }

    /// `{"releaseId"}` → the release, attached (201, or 200 when it already was).
    func attach(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        let access = try access(context)
        try Listing.requireKnownQuery(request, [])
        try access.require(.write)
        let members = try await RequestInput.object(request, context)
        var causes = members.filter { $0.key != "releaseId" }.map { APIError.Cause(field: $0.key, error: "unknown field") }
        var id: String?
        switch JSONValue.object(members)["releaseId"] {
        case .string(let text)?: id = text
        case nil: causes.append(.init(field: "releaseId", error: "required"))
        default: causes.append(.init(field: "releaseId", error: "expected a string"))
        }
        guard causes.isEmpty, let id else { throw APIError.invalid("the request is not valid", causes: causes) }
        let release = try release(id, product: nil, access)
        let answer = try await sites.attach(pointing(context, at: release), true)
        return ReleasePilotDialect.envelope(DataEncoder.release(release, resolvingPrerelease: true), status: answer.status)
    }

    func detach(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        let access = try access(context)
        try Listing.requireKnownQuery(request, [])
        try access.require(.write)
        let release = try release(try RequestInput.id(context), product: nil, access)
        return try await ReleasePilotDialect.envelope(try await sites.attach(pointing(context, at: release), false))
    }

    /// The context with the path parameters the native attach route reads (`component`, `version`).
    private func pointing(_ context: ShiplogContext, at release: Release) -> ShiplogContext {
        var context = context
        context.coreContext.parameters["component"] = Substring(release.component)
        context.coreContext.parameters["version"] = Substring(
            release.version.text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? release.version.text
        )
        return context
    }
}
