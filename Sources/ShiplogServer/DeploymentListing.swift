import Hummingbird
import ShiplogModel

/// Lists of deployments, newest first, in the list shape of ``Listing`` (SPEC §6.1): a page's
/// (`GET /deployments`) and an environment's (`GET /environments/{env}/deployments`).
enum DeploymentListing {
    /// The deployments of the page that `matching` keeps and the caller may see, `?limit=` at a
    /// time from `?cursor=` on (query parameters are checked by the caller).
    ///
    /// Without a key, deployments of drafts are left out (drafts always need a key).
    static func answer(_ access: Access, _ request: Request, matching: (Deployment) -> Bool) throws(APIError) -> Response {
        let limit = try RequestInput.limit(request)
        let data = access.page.data
        var start = data.deployments.count
        if let cursor = request.uri.queryParameters.get("cursor"), !cursor.isEmpty {
            guard case .number(let text)? = try Cursor.decode(cursor)["before"], let position = Int(text),
                (0...data.deployments.count).contains(position)
            else {
                throw APIError.invalid("the query is not valid", causes: [.init(field: "cursor", error: "not a cursor this server gave out")])
            }
            start = position
        }
        func shown(_ deployment: Deployment) -> Bool {
            matching(deployment) && isVisible(deployment, access)
        }
        var items: [JSONValue] = []
        var position = start
        var last = start
        while position > 0 && items.count < limit {
            position -= 1
            let deployment = data.deployments[position]
            guard shown(deployment) else { continue }
            items.append(DataEncoder.deployment(deployment, answer: true))
            last = position
        }
        let hasMore = items.count == limit && data.deployments[..<last].contains(where: shown)
        return Listing.answer(
            items,
            nextCursor: hasMore ? Cursor.encode(.object([JSONMember("before", .int(last))])) : nil,
            total: data.deployments.reduce(0) { shown($1) ? $0 + 1 : $0 }
        )
    }

    /// Whether the caller may see `deployment`: not one of a draft without a key.
    static func isVisible(_ deployment: Deployment, _ access: Access) -> Bool {
        guard !access.hasKey else { return true }
        let reference = ReleaseReference(component: deployment.component, version: deployment.version)
        return access.page.catalog.releaseIndex[reference].map { access.page.data.releases[$0].status != .draft } ?? true
    }
}
