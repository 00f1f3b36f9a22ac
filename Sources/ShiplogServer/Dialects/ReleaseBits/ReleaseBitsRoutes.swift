import Foundation
import Hummingbird
import ShiplogModel
import ShiplogStore

/// ReleaseBits' API at `/releasebits` (SPEC §7, seed `003`): deployment events of a component, and
/// its deployment list. The page is the key's (`Authorization: KEY`, `Bearer KEY` or
/// `?access_token=KEY`); every route needs one. Writes go through the store and ``DeploymentChanges``
/// as the native deployment routes do; errors are `{"error": sentence}` (``ReleaseBitsErrors``).
struct ReleaseBitsRoutes: PageAPIRoutes {
    let snapshots: Snapshots
    let changed: @Sendable (String) async -> Void
    let writes: InPlaceWrites

    /// The most deployments a list answers (the newest); `?limit=` asks for fewer.
    static let listCap = 1000

    func register(on router: Router<ShiplogContext>) {
        // The router takes `deployments/` for `deployments`: one route answers both.
        let component = router.group("releasebits/components/:component")
        component.post("deployments") { request, context in try await create(request, context) }
        component.get("deployments") { request, context in try await list(request, context) }
    }

    /// The caller's page (a key is needed: 401 without one or with a wrong one) and the component of
    /// the path (404 when the page has none of that slug, as for another page's key).
    private func open(_ context: ShiplogContext) async throws -> (Access, String) {
        guard case .key(let key) = context.caller else { throw APIError.unauthorized }
        try await snapshots.ensureFresh(key.page)
        let access = try context.caller.access(key.page, in: snapshots)
        let slug = context.parameters.get("component")?.removingPercentEncoding ?? ""
        guard Rules.slugProblem(slug) == nil, access.page.data.components.contains(where: { $0.slug == slug }) else {
            throw APIError.notFound("component \(JSONWriter.quoted(slug))")
        }
        return (access, slug)
    }

    /// `POST /components/{slug}/deployments/` → 201 `{"id"}`. A new stage and a new version are
    /// created with the deployment, in one transaction (the version as a draft release).
    func create(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        let (access, slug) = try await open(context)
        try access.require(.write)
        let members = try await ReleaseBitsInput.members(request, context)
        let event = try ReleaseBitsEvent(members, component: slug, now: Timestamp(seconds: Int64(Date().timeIntervalSince1970)))
        let page = access.page.data.page.id
        let recorded = try await writes.deploymentsOrReload(page) { () async throws(StoreError) in
            let recorded = try await store.recordDeployment(event.deployment, draft: event.draft, page: page, by: access.keyID)
            let created = recorded.createdRelease != nil || recorded.createdEnvironment
            return (recorded, created ? nil : [recorded.stored.deployment])
        }
        return JSONResponse.make(.object([JSONMember("id", .string(recorded.stored.deployment.id ?? ""))]), status: .created)
    }

    /// `GET /components/{slug}/deployments/` → a bare array of the component's deployments in every
    /// stage: the newest ``listCap`` (or `?limit=`, 1 to ``listCap``), oldest first, in the order
    /// of the seed's example answer.
    func list(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        let (access, slug) = try await open(context)
        var limit = Self.listCap
        for (key, value) in request.uri.queryParameters {
            switch key {
            case "access_token": continue
            case "limit":
                guard let number = Int(value), (1...Self.listCap).contains(number) else {
                    throw APIError.invalid(
                        "the query is not valid",
                        causes: [.init(field: "limit", error: "expected a whole number from 1 to \(Self.listCap)")]
                    )
                }
                limit = number
            default:
                throw APIError.invalid(
                    "the query is not valid",
                    causes: [.init(field: String(key), error: "unknown parameter (known: limit, access_token)")]
                )
            }
        }
        let data = access.page.data
        var items: [JSONValue] = []
        for deployment in data.deployments.reversed() where deployment.component == slug {
            let release = access.page.catalog.releaseIndex[ReleaseReference(component: slug, version: deployment.version)].map { data.releases[$0] }
            items.append(ReleaseBitsItem.encode(deployment, release: release))
            if items.count == limit { break }
        }
        return JSONResponse.make(.array(items.reversed()))
    }
}
