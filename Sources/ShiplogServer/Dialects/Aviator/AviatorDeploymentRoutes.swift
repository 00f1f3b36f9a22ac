import Foundation
import HTTPTypes
import Hummingbird
import ShiplogModel
import ShiplogStore

/// Aviator's deployments and rollback (SPEC §7), on the native deployments of the project's component.
extension AviatorRoutes {
    /// The body's `release_candidate_version`, which must be `…-rcN` and name a release of the project.
    func candidate(_ body: JSONValue, _ target: Target) throws(APIError) -> (version: String, release: Release?) {
        guard case .string(let version)? = body["release_candidate_version"], AviatorShapes.candidate(version) != nil else {
            throw AviatorError.invalidCandidate
        }
        let index = target.access.page.catalog.releaseIndex[ReleaseReference(component: target.component.slug, version: version)]
        return (version, index.map { target.access.page.data.releases[$0] })
    }

    /// A store refusal of a deployment write in Aviator's sentences.
    static func translated(_ error: APIError) -> APIError {
        switch error.status {
        case .notFound where error.message.hasPrefix("environment"): AviatorError.environmentNotFound
        case .badRequest where error.causes.contains(where: { $0.field == "version" }): AviatorError.releaseNotFound
        default: error
        }
    }

    /// A store refusal of a rollback in Aviator's sentences.
    static func rollbackTranslated(_ error: APIError) -> APIError {
        if error.status == .notFound {
            return error.message.hasPrefix("environment") ? AviatorError.environmentNotFound : AviatorError.nothingToRollBack
        }
        return error.causes.contains(where: { $0.field == "force" }) ? AviatorError.frozen : error
    }

    /// `GET …/deployments?page=&per_page=` → a bare array, newest first (10 a page, at most 100).
    func listDeployments(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        let target = try await open(context, .read)
        let query = request.uri.queryParameters
        if let unknown = query.first(where: { !["page", "per_page", "access_token"].contains(String($0.key)) }) {
            throw AviatorError.make(.badRequest, "Unknown query parameter: \(unknown.key)")
        }
        func number(_ name: String, _ range: ClosedRange<Int>, _ fallback: Int) throws(APIError) -> Int {
            guard let text = query.get(name) else { return fallback }
            guard let value = Int(text), range.contains(value) else {
                throw AviatorError.make(.badRequest, "Invalid \(name): expected a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return value
        }
        let pageNumber = try number("page", 1...1_000_000, 1)
        let perPage = try number("per_page", 1...100, 10)
        let environment = try environment(target, context)
        let matching = target.access.page.data.deployments.reversed().lazy.filter {
            $0.environment == environment.name && $0.component == target.component.slug
        }
        let items = matching.dropFirst((pageNumber - 1) * perPage).prefix(perPage).map(AviatorShapes.deployment)
        return JSONResponse.make(.array(Array(items)))
    }

    /// `POST …/deployments` `{release_candidate_version}` → 201 with a `pending` deployment.
    func createDeployment(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        let target = try await open(context, .write)
        let body = try await Self.body(request, context, known: ["release_candidate_version"])
        let (version, release) = try candidate(body, target)
        let environment = try environment(target, context)
        guard let release else { throw AviatorError.releaseNotFound }
        let deployment = Deployment(
            component: target.component.slug,
            version: version,
            environment: environment.name,
            status: .pending,
            startedAt: Timestamp(seconds: Int64(Date().timeIntervalSince1970)),
            commit: release.commit
        )
        let page = target.page
        do {
            let stored = try await writes.deployments(page) { () async throws(StoreError) in
                let stored = try await store.addDeployment(deployment, page: page, by: target.access.keyID)
                return (stored, [stored.deployment])
            }
            return JSONResponse.make(AviatorShapes.deployment(stored.deployment), status: .created)
        } catch {
            throw Self.translated(error)
        }
    }

    /// `PATCH …/deployments` `{release_candidate_version, status}` → 200: the native update-or-create.
    func updateDeployment(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        let target = try await open(context, .write)
        let body = try await Self.body(request, context, known: ["release_candidate_version", "status"])
        let (version, release) = try candidate(body, target)
        guard case .string(let text)? = body["status"], let status = Deployment.Status(rawValue: text) else {
            let known = Deployment.Status.allCases.map(\.rawValue).joined(separator: ", ")
            throw AviatorError.make(.badRequest, "Invalid status: expected one of \(known)")
        }
        let environment = try environment(target, context)
        guard release != nil else { throw AviatorError.releaseNotFound }
        let page = target.page
        do {
            let (stored, _) = try await writes.deployments(page) { () async throws(StoreError) in
                let result = try await store.updateDeployment(
                    ReleaseReference(component: target.component.slug, version: version),
                    environment: environment.name,
                    status: status,
                    page: page,
                    by: target.access.keyID
                )
                return (result, [result.0.deployment])
            }
            return JSONResponse.make(AviatorShapes.deployment(stored.deployment))
        } catch {
            throw Self.translated(error)
        }
    }

    /// `POST …/rollback` `{force?}` → 201 with the new deployment: the native rollback of the project's
    /// component in that environment.
    func rollback(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        let target = try await open(context, .write)
        let body = try await Self.body(request, context, known: ["force"], optional: true)
        var force = false
        switch body["force"] {
        case nil, .null?: break
        case .bool(let flag)?: force = flag
        default: throw AviatorError.make(.badRequest, "Invalid force: expected true or false")
        }
        let environment = try environment(target, context)
        if environment.frozen && !force { throw AviatorError.frozen }
        let page = target.page
        let slug = target.component.slug
        let outcome: RollbackOutcome
        do {
            outcome = try await writes.deployments(page) { () async throws(StoreError) in
                let outcome = try await store.rollback(
                    component: slug,
                    environment: environment.name,
                    force: force,
                    actor: nil,
                    page: page,
                    by: target.access.keyID
                )
                return (outcome, outcome.changed.map(\.deployment))
            }
        } catch {
            throw Self.rollbackTranslated(error)
        }
        guard let created = outcome.created.first else { throw AviatorError.nothingToRollBack }
        return JSONResponse.make(AviatorShapes.deployment(created.deployment), status: .created)
    }
}
