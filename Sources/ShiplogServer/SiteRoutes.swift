import Foundation
import HTTPTypes
import Hummingbird
import ShiplogModel
import ShiplogStore

/// Customer sites and the releases attached to them under `/api/v1/pages/{page}/sites` (SPEC §6, §6.1).
struct SiteRoutes: PageAPIRoutes {
    let snapshots: Snapshots
    /// Called after every committed change of a page; it never fails the write.
    let changed: @Sendable (String) async -> Void

    func register(on router: Router<ShiplogContext>) {
        let pages = pageGroup(on: router)
        pages.get("sites") { request, context in try listSites(request, context) }
        pages.post("sites") { request, context in try await createSite(request, context) }
        pages.get("sites/:site") { request, context in try showSite(request, context) }
        pages.put("sites/:site") { request, context in try await putSite(request, context) }
        pages.patch("sites/:site") { request, context in try await patchSite(request, context) }
        pages.delete("sites/:site") { _, context in try await deleteSite(context) }
        pages.get("sites/:site/releases") { request, context in try siteReleases(request, context) }
        pages.put("sites/:site/releases/:component/:version") { _, context in try await attach(context, true) }
        pages.delete("sites/:site/releases/:component/:version") { _, context in try await attach(context, false) }
    }

    private func slug(_ context: ShiplogContext) throws(APIError) -> String {
        try RequestInput.parameter("site", context, rule: Rules.slugProblem)
    }

    /// The site as this caller may see it: without a key, references to drafts are left out (drafts always need a key).
    func visible(_ site: CustomerSite, _ access: Access) -> CustomerSite {
        guard !access.hasKey else { return site }
        var site = site
        site.releases = site.releases.filter { reference in
            access.page.catalog.releaseIndex[reference].map { access.page.data.releases[$0].status != .draft } ?? false
        }
        return site
    }

    private func site(_ slug: String, _ access: Access) throws(APIError) -> CustomerSite {
        guard let site = access.page.data.sites.first(where: { $0.slug == slug }) else { throw APIError.notFound("site \(JSONWriter.quoted(slug))") }
        return visible(site, access)
    }

    /// The `name` of a body: a string, or null / absent for none.
    private static func name(_ members: [JSONMember], allowed: Set<String>, causes: inout [APIError.Cause]) -> String? {
        causes += members.filter { !allowed.contains($0.key) }.map { APIError.Cause(field: $0.key, error: "unknown field") }
        switch JSONValue.object(members)["name"] {
        case nil, .null?: return nil
        case .string(let text)?:
            guard let problem = Rules.nameProblem(text) else { return text }
            causes.append(.init(field: "name", error: problem))
            return nil
        default:
            causes.append(.init(field: "name", error: "expected a string"))
            return nil
        }
    }

    /// The body of a write to the site `slug` of the path, and its `name`: `slug` may only repeat the path's.
    private func body(
        of slug: String,
        _ request: Request,
        _ context: ShiplogContext,
        causes: inout [APIError.Cause]
    ) async throws -> (members: [JSONMember], name: String?) {
        let members = try await RequestInput.object(request, context)
        let name = Self.name(members, allowed: ["slug", "name"], causes: &causes)
        if let given = JSONValue.object(members)["slug"], given != .string(slug) { causes.append(.init(field: "slug", error: "cannot change")) }
        return (members, name)
    }

    /// `site` with the `created_at` and `created_by` the store gave it, read from the page's snapshot
    /// that the committed write refreshed (left out should that refresh have failed).
    private func withCreation(_ site: CustomerSite, page: String) -> CustomerSite {
        var site = site
        if let stored = snapshots[page]?.data.sites.first(where: { $0.slug == site.slug }) {
            (site.createdAt, site.createdBy) = (stored.createdAt, stored.createdBy)
        }
        return site
    }

    // MARK: Sites

    func listSites(_ request: Request, _ context: ShiplogContext) throws -> Response {
        let access = try access(context)
        return try Listing.page(access.page.data.sites.map { DataEncoder.site(visible($0, access)) }, request)
    }

    func showSite(_ request: Request, _ context: ShiplogContext) throws -> Response {
        try show(request, context) { access in DataEncoder.site(try site(try slug(context), access)) }
    }

    /// `{slug, name?}` → 201; 409 when the page has a site of that slug.
    func createSite(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        let access = try access(context, requiring: .write)
        let members = try await RequestInput.object(request, context)
        var causes: [APIError.Cause] = []
        let name = Self.name(members, allowed: ["slug", "name"], causes: &causes)
        var slug: String?
        switch JSONValue.object(members)["slug"] {
        case .string(let text)?:
            if let problem = Rules.slugProblem(text) { causes.append(.init(field: "slug", error: problem)) } else { slug = text }
        case nil: causes.append(.init(field: "slug", error: "required"))
        default: causes.append(.init(field: "slug", error: "expected a string"))
        }
        guard causes.isEmpty, let slug else { throw APIError.invalid("the site is not valid", causes: causes) }
        let page = access.page.data.page.id
        try await write(page) { () async throws(StoreError) in try await store.createSite(slug: slug, name: name, page: page, by: access.keyID) }
        return JSONResponse.make(
            DataEncoder.site(withCreation(CustomerSite(slug: slug, name: name), page: page)),
            status: .created,
            headers: [.location: "/api/v1/pages/\(page)/sites/\(slug)"]
        )
    }

    /// Creates or renames the site of the path (the slug is the path's).
    func putSite(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        let access = try access(context, requiring: .write)
        let slug = try slug(context)
        var causes: [APIError.Cause] = []
        let (_, name) = try await body(of: slug, request, context, causes: &causes)
        if !causes.isEmpty { throw APIError.invalid("the site is not valid", causes: causes) }
        let page = access.page.data.page.id
        let created = try await write(page) { () async throws(StoreError) in
            try await store.putSite(slug: slug, name: name, page: page, by: access.keyID)
        }
        let releases = access.page.data.sites.first { $0.slug == slug }?.releases ?? []
        return JSONResponse.make(
            DataEncoder.site(withCreation(CustomerSite(slug: slug, name: name, releases: releases), page: page)),
            status: created ? .created : .ok
        )
    }

    /// `{name}`: renames an existing site (null clears the name); 404 when there is none.
    func patchSite(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        let access = try access(context, requiring: .write)
        let slug = try slug(context)
        var causes: [APIError.Cause] = []
        let (members, name) = try await body(of: slug, request, context, causes: &causes)
        if !members.contains(where: { $0.key == "name" }) { causes.append(.init(field: "name", error: "required")) }
        if !causes.isEmpty { throw APIError.invalid("the change is not valid", causes: causes) }
        var site = try site(slug, access)
        let page = access.page.data.page.id
        try await write(page) { () async throws(StoreError) in try await store.renameSite(slug: slug, name: name, page: page) }
        site.name = name
        return JSONResponse.make(DataEncoder.site(site))
    }

    /// Deletes the site and its attachments (the releases stay) → 204; 404 when there is none.
    func deleteSite(_ context: ShiplogContext) async throws -> Response {
        let access = try access(context, requiring: .write)
        let slug = try slug(context)
        let page = access.page.data.page.id
        let deleted = try await write(page) { () async throws(StoreError) in try await store.deleteSite(slug: slug, page: page) }
        guard deleted else { throw APIError.notFound("site \(JSONWriter.quoted(slug))") }
        return Response(status: .noContent)
    }

    // MARK: Attached releases

    func siteReleases(_ request: Request, _ context: ShiplogContext) throws -> Response {
        let access = try access(context)
        let site = try site(try slug(context), access)
        let releases = site.releases.compactMap { access.page.catalog.releaseIndex[$0].map { access.page.data.releases[$0] } }
        return try Listing.page(releases.map { DataEncoder.release($0, resolvingPrerelease: true) }, request)
    }

    func attach(_ context: ShiplogContext, _ attach: Bool) async throws -> Response {
        let access = try access(context, requiring: .write)
        let site = try slug(context)
        let reference = ReleaseReference(
            component: try RequestInput.parameter("component", context, rule: Rules.slugProblem),
            version: try RequestInput.parameter("version", context, rule: Rules.versionProblem)
        )
        let page = access.page.data.page.id
        let changedSomething = try await write(page) { () async throws(StoreError) in
            attach ? try await store.attach(reference, site: site, page: page) : try await store.detach(reference, site: site, page: page)
        }
        if !attach {
            guard changedSomething else {
                throw APIError.notFound(
                    "release \(JSONWriter.quoted(reference.version)) of \(JSONWriter.quoted(reference.component)) on site \(JSONWriter.quoted(site))"
                )
            }
            return Response(status: .noContent)
        }
        return JSONResponse.make(DataEncoder.reference(reference), status: changedSomething ? .created : .ok)
    }
}
