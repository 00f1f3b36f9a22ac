import Foundation
import HTTPTypes
import Hummingbird
import ShiplogModel
import ShiplogStore

/// Every deployment of a page, and one deployment by its id, under `/api/v1/pages/{page}` (SPEC §6.1).
struct DeploymentByIDRoutes: PageAPIRoutes {
    let snapshots: Snapshots
    /// Called after every committed change of a page; it never fails the write.
    let changed: @Sendable (String) async -> Void
    /// Deployment writes, put in the snapshot in place, then the site rebuilt and webhooks sent.
    let writes: InPlaceWrites

    /// The fields of a deployment that the store sets, never the client (SPEC §1, §6.1).
    static let storeSetFields: Set<String> = ["id", "created_at", "created_by", "from_version"]
    /// The fields that name what was deployed where: fixed once recorded.
    static let identityFields: Set<String> = ["component", "version", "environment"]
    /// What a `PATCH` of a deployment may change: what CI may, and `status` never to null.
    static var deploymentPatch: MergePatch.Rules<Deployment> {
        MergePatch.Rules(
            encode: DataEncoder.deployment(_:answer:),
            decode: ValueDecoding.deployment(_:source:),
            required: ["status"],
            invalid: "the change is not valid",
            locked: MergePatch.Locked(identity: identityFields, instead: "record a new deployment", storeSet: storeSetFields)
        )
    }

    func register(on router: Router<ShiplogContext>) {
        let pages = pageGroup(on: router)
        pages.get("deployments") { request, context in try listDeployments(request, context) }
        pages.get("deployments/:id") { request, context in try showDeployment(request, context) }
        pages.patch("deployments/:id") { request, context in try await updateDeployment(request, context) }
        pages.delete("deployments/:id") { request, context in try await deleteDeployment(request, context) }
    }

    /// `?component=&environment=&status=&limit=&cursor=`: every deployment of the page, newest first.
    func listDeployments(_ request: Request, _ context: ShiplogContext) throws -> Response {
        let access = try access(context)
        try Listing.requireKnownQuery(request, ["component", "environment", "status", "limit", "cursor"])
        let component = try RequestInput.query("component", request, rule: Rules.slugProblem)
        let environment = try RequestInput.query("environment", request, rule: Rules.environmentProblem)
        let status = try RequestInput.query("status", request) {
            Deployment.Status(rawValue: $0) == nil ? "expected one of \(Deployment.Status.allCases.map(\.rawValue).joined(separator: ", "))" : nil
        }.flatMap(Deployment.Status.init(rawValue:))
        let data = access.page.data
        if let component, !data.components.contains(where: { $0.slug == component }) {
            throw APIError.notFound("component \(JSONWriter.quoted(component))")
        }
        if let environment, !data.environments.contains(where: { $0.name == environment }) {
            throw APIError.notFound("environment \(JSONWriter.quoted(environment))")
        }
        return try DeploymentListing.answer(access, request) { deployment in
            (component.map { deployment.component == $0 } ?? true) && (environment.map { deployment.environment == $0 } ?? true)
                && (status.map { deployment.status == $0 } ?? true)
        }
    }

    /// The deployment of the path's `{id}`, as this caller may see it (404 for one of a draft without a key).
    private func deployment(_ access: Access, _ context: ShiplogContext) throws(APIError) -> Deployment {
        let id = try RequestInput.id(context)
        guard let deployment = access.page.data.deployments.last(where: { $0.id == id }), DeploymentListing.isVisible(deployment, access) else {
            throw APIError.notFound("deployment \(JSONWriter.quoted(id))")
        }
        return deployment
    }

    func showDeployment(_ request: Request, _ context: ShiplogContext) throws -> Response {
        try show(request, context) { access in DataEncoder.deployment(try deployment(access, context), answer: true) }
    }

    /// Changes what CI may change (status, started_at, finished_at, host, actor, commit, meta,
    /// error_message; null clears one); the identity and what the store set may be repeated, never changed.
    func updateDeployment(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        let access = try access(context, requiring: .write)
        let current = try deployment(access, context)
        var updated = try await MergePatch.decode(request, context, current, by: Self.deploymentPatch)
        updated.id = current.id
        let page = access.page.data.page.id
        let change = updated
        let stored = try await writes.deployments(page) { () async throws(StoreError) in
            let stored = try await store.replaceDeployment(change, page: page)
            return (stored, [stored])
        }
        return JSONResponse.make(DataEncoder.deployment(stored, answer: true))
    }

    /// Deletes one deployment (admin) → 204; a release none refers to any more may then be deleted.
    func deleteDeployment(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        let access = try access(context, requiring: .admin)
        let current = try deployment(access, context)
        let page = access.page.data.page.id
        guard let id = current.id else { throw APIError.notFound("deployment") }
        let deleted = try await write(page) { () async throws(StoreError) in try await store.deleteDeployment(id: id, page: page) }
        guard deleted else { throw APIError.notFound("deployment \(JSONWriter.quoted(id))") }
        return Response(status: .noContent)
    }
}
