import Foundation
import HTTPTypes
import Hummingbird
import ShiplogModel
import ShiplogStore

/// Environments, deployments and rollbacks under `/api/v1/pages/{page}` (SPEC §6).
struct DeploymentRoutes: PageAPIRoutes {
    let snapshots: Snapshots
    /// Called after every committed change of a page; it never fails the write.
    let changed: @Sendable (String) async -> Void
    /// Deployment writes, put in the snapshot in place, then the site rebuilt and webhooks sent.
    let writes: InPlaceWrites

    func register(on router: Router<ShiplogContext>) {
        let pages = pageGroup(on: router)
        pages.get("environments") { request, context in try listEnvironments(request, context) }
        pages.post("environments") { request, context in try await createEnvironment(request, context) }
        pages.patch("environments/:environment") { request, context in try await patchEnvironment(request, context) }
        pages.get("environments/:environment/deployments") { request, context in try listDeployments(request, context) }
        pages.post("environments/:environment/deployments") { request, context in try await createDeployment(request, context) }
        pages.patch("environments/:environment/deployments") { request, context in try await updateDeployment(request, context) }
        pages.post("environments/:environment/rollback") { request, context in try await rollback(request, context) }
    }

    private func environmentName(_ context: ShiplogContext) throws(APIError) -> String {
        try RequestInput.parameter("environment", context, rule: Rules.environmentProblem)
    }

    // MARK: Environments

    func listEnvironments(_ request: Request, _ context: ShiplogContext) throws -> Response {
        let access = try access(context)
        return try Listing.page(access.page.data.environments.map(DataEncoder.environment), request)
    }

    /// Needs `write`: CI creates the environments it deploys to (`shiplog deploy --create-environment`);
    /// freezing one (PATCH) stays `admin`.
    func createEnvironment(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        let access = try access(context, requiring: .write)
        let body = try await RequestInput.json(request, context)
        let environment: ShiplogModel.Environment
        do { environment = try ValueDecoding.environment(body, source: "request body") } catch { throw APIError.invalid(error) }
        // Creating it frozen is freezing it: admin only.
        if environment.frozen { try access.require(.admin) }
        let page = access.page.data.page.id
        try await write(page) { () async throws(StoreError) in try await store.createEnvironment(environment, page: page) }
        return JSONResponse.make(DataEncoder.environment(environment), status: .created)
    }

    /// `{"frozen": true}` freezes: rollbacks then need `force`.
    func patchEnvironment(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        let access = try access(context, requiring: .admin)
        let name = try environmentName(context)
        let members = try await RequestInput.object(request, context)
        var causes = members.filter { $0.key != "frozen" && $0.key != "name" }.map { APIError.Cause(field: $0.key, error: "unknown field") }
        if let given = members.first(where: { $0.key == "name" }), given.value != .string(name), given.value != .null {
            causes.append(.init(field: "name", error: "cannot change"))
        }
        guard case .bool(let frozen)? = JSONValue.object(members)["frozen"] else {
            throw APIError.invalid("the change is not valid", causes: causes + [.init(field: "frozen", error: "expected true or false")])
        }
        if !causes.isEmpty { throw APIError.invalid("the change is not valid", causes: causes) }
        let page = access.page.data.page.id
        try await write(page) { () async throws(StoreError) in try await store.setFrozen(frozen, environment: name, page: page) }
        return JSONResponse.make(DataEncoder.environment(ShiplogModel.Environment(name: name, frozen: frozen)))
    }

    // MARK: Deployments

    func listDeployments(_ request: Request, _ context: ShiplogContext) throws -> Response {
        let access = try access(context)
        let name = try environmentName(context)
        try Listing.requireKnownQuery(request, ["component", "limit", "cursor"])
        let component = try RequestInput.query("component", request, rule: Rules.slugProblem)
        guard access.page.data.environments.contains(where: { $0.name == name }) else {
            throw APIError.notFound("environment \(JSONWriter.quoted(name))")
        }
        return try DeploymentListing.answer(access, request) { deployment in
            deployment.environment == name && component.map { deployment.component == $0 } ?? true
        }
    }

    func createDeployment(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        let access = try access(context, requiring: .write)
        let name = try environmentName(context)
        let members = try RequestInput.fixing("environment", to: name, in: try await RequestInput.object(request, context))
        try RequestInput.refuseStoreSet(members, DeploymentByIDRoutes.storeSetFields)
        let deployment: Deployment
        do { deployment = try ValueDecoding.deployment(.object(members), source: "request body") } catch { throw APIError.invalid(error) }
        let page = access.page.data.page.id
        let stored = try await writes.deployments(page) { () async throws(StoreError) in
            let stored = try await store.addDeployment(deployment, page: page, by: access.keyID)
            return (stored, [stored.deployment])
        }
        return JSONResponse.make(DataEncoder.deployment(stored.deployment, answer: true), status: .created)
    }

    /// `{component, version, status}`: updates the newest matching deployment, or records one.
    func updateDeployment(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        let access = try access(context, requiring: .write)
        let name = try environmentName(context)
        let body = JSONValue.object(try await RequestInput.object(request, context))
        guard case .object(let members) = body else { throw APIError.notFound("route") }
        var causes = members.filter { !["component", "version", "status"].contains($0.key) }.map {
            APIError.Cause(field: $0.key, error: "unknown field")
        }
        func string(_ key: String, _ rule: (String) -> String?) -> String? {
            guard case .string(let text)? = body[key] else {
                causes.append(.init(field: key, error: "expected a string"))
                return nil
            }
            if let problem = rule(text) {
                causes.append(.init(field: key, error: problem))
                return nil
            }
            return text
        }
        let component = string("component", Rules.slugProblem)
        let version = string("version", Rules.versionProblem)
        let status = string("status") {
            Deployment.Status(rawValue: $0) == nil ? "expected one of \(Deployment.Status.allCases.map(\.rawValue).joined(separator: ", "))" : nil
        }.flatMap(Deployment.Status.init(rawValue:))
        guard causes.isEmpty, let component, let version, let status else {
            throw APIError.invalid("the deployment update is not valid", causes: causes)
        }
        let page = access.page.data.page.id
        let (stored, _) = try await writes.deployments(page) { () async throws(StoreError) in
            let result = try await store.updateDeployment(
                ReleaseReference(component: component, version: version),
                environment: name,
                status: status,
                page: page,
                by: access.keyID
            )
            return (result, [result.0.deployment])
        }
        return JSONResponse.make(DataEncoder.deployment(stored.deployment, answer: true))
    }

    /// `{component?, force?, actor?}` (SPEC §6.1): cancels the active deployments of the components it
    /// rolls back, then records one `pending` deployment each. With a component → 201 with the new
    /// deployment; without → 201 `{"items": [the new deployments]}`. Frozen without force → 400;
    /// nothing to roll back to → 404.
    func rollback(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        let access = try access(context, requiring: .write)
        let name = try environmentName(context)
        let body = JSONValue.object(try await RequestInput.object(request, context))
        var causes: [APIError.Cause] = []
        if case .object(let members) = body {
            causes += members.filter { !["component", "force", "actor"].contains($0.key) }.map { .init(field: $0.key, error: "unknown field") }
        }
        var component: String?
        switch body["component"] {
        case nil, .null?: break
        case .string(let slug)? where Rules.slugProblem(slug) == nil: component = slug
        default: causes.append(.init(field: "component", error: "expected a component slug, or null for every component"))
        }
        var force = false
        switch body["force"] {
        case nil, .null?: break
        case .bool(let flag)?: force = flag
        default: causes.append(.init(field: "force", error: "expected true or false"))
        }
        var actor: String?
        switch body["actor"] {
        case nil, .null?: break
        case .string(let text)?: actor = text
        default: causes.append(.init(field: "actor", error: "expected a string"))
        }
        guard causes.isEmpty else { throw APIError.invalid("the rollback is not valid", causes: causes) }
        let page = access.page.data.page.id
        let outcome = try await writes.deployments(page) { () async throws(StoreError) in
            let outcome = try await store.rollback(component: component, environment: name, force: force, actor: actor, page: page, by: access.keyID)
            return (outcome, outcome.changed.map(\.deployment))
        }
        let created = outcome.created.map { DataEncoder.deployment($0.deployment, answer: true) }
        if component != nil, let only = created.first { return JSONResponse.make(only, status: .created) }
        return JSONResponse.make(.object([JSONMember("items", .array(created))]), status: .created)
    }
}
