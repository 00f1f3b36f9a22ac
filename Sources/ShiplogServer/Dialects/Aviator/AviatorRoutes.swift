import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ShiplogModel
import ShiplogStore

/// Aviator Releases' API (SPEC §7) at `/aviator/api/releases/{project_name}`: the page is the key's,
/// the project a component. Release candidates become releases, deployments are the native ones by
/// `release_candidate_version`; every write goes through the store methods and the deployment gate
/// of the native routes, so keys, scopes, rate limits, webhooks and rebuilds are the same.
struct AviatorRoutes: PageAPIRoutes {
    let snapshots: Snapshots
    /// Called after every committed change of a page; it never fails the write.
    let changed: @Sendable (String) async -> Void
    /// Deployment writes, put in the snapshot in place (shared with the native routes).
    let writes: InPlaceWrites

    func register(on router: Router<ShiplogContext>) {
        let project = router.group("aviator/api/releases/:project")
        project.post("releases/:candidate") { request, context in try await createCandidate(request, context) }
        project.get("environments/:environment/deployments") { request, context in try await listDeployments(request, context) }
        project.post("environments/:environment/deployments") { request, context in try await createDeployment(request, context) }
        project.patch("environments/:environment/deployments") { request, context in try await updateDeployment(request, context) }
        project.post("environments/:environment/rollback") { request, context in try await rollback(request, context) }
    }

    /// What a request works on: the key's page and the path's project (a component).
    struct Target {
        let access: Access
        let component: Component
        var page: String { access.page.data.page.id }
    }

    /// The key's page, opened for `scope`, and the project: 401 without a valid key, 403 for a key too
    /// small, 404 "Release project not found" for a component the page does not have.
    func open(_ context: ShiplogContext, _ scope: KeyScope) async throws -> Target {
        guard case .key(let key) = context.caller else { throw APIError.unauthorized }
        try await snapshots.ensureFresh(key.page)
        let access = try context.caller.access(key.page, in: snapshots)
        try access.require(scope)
        let slug = context.parameters.get("project")?.removingPercentEncoding ?? ""
        guard let component = access.page.data.components.first(where: { $0.slug == slug }) else { throw AviatorError.projectNotFound }
        return Target(access: access, component: component)
    }

    /// The path's environment, which must exist in the page.
    func environment(_ target: Target, _ context: ShiplogContext) throws(APIError) -> ShiplogModel.Environment {
        let name = context.parameters.get("environment")?.removingPercentEncoding ?? ""
        guard let environment = target.access.page.data.environments.first(where: { $0.name == name }) else {
            throw AviatorError.environmentNotFound
        }
        return environment
    }

    /// The body's members, each of `known` (an unknown one is refused by name); an empty body is `{}`
    /// when `optional`.
    static func body(_ request: Request, _ context: ShiplogContext, known: Set<String>, optional: Bool = false) async throws -> JSONValue {
        var request = request
        if optional {
            let buffer: ByteBuffer
            do {
                buffer = try await request.collectBody(upTo: context.maxUploadSize)
            } catch is NIOTooManyBytesError {
                throw APIError(.contentTooLarge, "body_too_large", "the request body is larger than \(ServerLimits.maximumBodySize) bytes")
            }
            if buffer.readableBytes == 0 { return .object([]) }
        }
        let members = try await RequestInput.object(request, context)
        if let unknown = members.first(where: { !known.contains($0.key) }) {
            throw AviatorError.make(.badRequest, "Unknown field: \(unknown.key)")
        }
        return .object(members)
    }

    // MARK: Release candidates

    /// `POST /releases/{release_candidate_version}` `{repo, commit, trigger_build_workflow?}` → 201.
    func createCandidate(_ request: Request, _ context: ShiplogContext) async throws -> Response {
        let target = try await open(context, .write)
        let candidateVersion = context.parameters.get("candidate")?.removingPercentEncoding ?? ""
        guard let split = AviatorShapes.candidate(candidateVersion) else { throw AviatorError.invalidCandidate }
        let body = try await Self.body(request, context, known: ["repo", "commit", "trigger_build_workflow"])
        guard case .string(let commit)? = body["commit"], AviatorShapes.isCommit(commit) else { throw AviatorError.invalidCommit }
        guard case .string(let repo)? = body["repo"], let own = target.component.repo, own.lowercased() == repo.lowercased() else {
            throw AviatorError.repositoryNotFound
        }
        var trigger = false
        switch body["trigger_build_workflow"] {
        case nil, .null?: break
        case .bool(let flag)?: trigger = flag
        default: throw AviatorError.make(.badRequest, "Invalid trigger_build_workflow: expected true or false")
        }
        let slug = target.component.slug
        let now = Timestamp(seconds: Int64(Date().timeIntervalSince1970)).description
        // Parsed by the data format's own rules, as a native `POST /releases` body would be.
        let candidate: Release
        let release: Release
        do {
            candidate = try ValueDecoding.release(
                .object([
                    JSONMember("component", .string(slug)), JSONMember("version", .string(candidateVersion)),
                    JSONMember("status", .string("published")), JSONMember("published_at", .string(now)),
                    JSONMember("prerelease", .bool(true)), JSONMember("commit", .string(commit)),
                ]),
                source: "request"
            )
            release = try ValueDecoding.release(
                .object([
                    JSONMember("component", .string(slug)), JSONMember("version", .string(split.release)),
                    JSONMember("status", .string("draft")), JSONMember("commit", .string(commit)),
                ]),
                source: "request"
            )
        } catch {
            throw AviatorError.invalidCandidate
        }
        let buildRequest: JSONValue? =
            trigger
            ? .object([
                JSONMember("component", .string(slug)), JSONMember("version", .string(split.release)),
                JSONMember("release_candidate", .string(candidateVersion)), JSONMember("commit", .string(commit)),
                JSONMember("repo", .string(repo)),
            ]) : nil
        let page = target.page
        let stored: ReleaseCandidate
        do {
            stored = try await write(page) { () async throws(StoreError) in
                try await store.createReleaseCandidate(candidate, of: release, buildRequest: buildRequest, page: page, by: target.access.keyID)
            }
        } catch {
            throw error.status == .conflict ? AviatorError.make(.conflict, "Release candidate already exists") : error
        }
        return JSONResponse.make(
            .object([
                JSONMember("release_candidate_version", .string(stored.candidate.version.text)),
                JSONMember("release_version", .string(stored.release.version.text)),
                JSONMember("repo", .string(repo)),
                JSONMember("commit", .string(commit)),
                JSONMember("trigger_build_workflow", .bool(trigger)),
                JSONMember("release_candidate_id", stored.candidate.id.map(JSONValue.string) ?? .null),
                JSONMember("release_id", stored.release.id.map(JSONValue.string) ?? .null),
            ]),
            status: .created
        )
    }
}
