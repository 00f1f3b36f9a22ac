import ShiplogModel
import ShiplogStore
import Testing

/// The rollback rules of SPEC §6 as a table: the newest deployment first.
@Suite struct RollbackTests {
    static func history(_ entries: [(String, Deployment.Status)]) -> [Deployment] {
        entries.map { Deployment(component: "api", version: $0.0, environment: "production", status: $0.1) }
    }

    static let cases: [(String, [(String, Deployment.Status)], Bool, Bool, Result<String, Rollback.Refusal>)] = [
        ("success → the successful version before it", [("3", .success), ("2", .success), ("1", .success)], false, false, .success("2")),
        (
            "success → skips failures and the same version", [("3", .success), ("3", .success), ("2", .failure), ("1", .success)], false, false,
            .success("1")
        ),
        ("failure → the last successful one", [("3", .failure), ("2", .success), ("1", .success)], false, false, .success("2")),
        ("error → the last successful one", [("3", .error), ("3", .failure), ("2", .success)], false, false, .success("2")),
        (
            "in progress is canceled, not counted → before the success under it", [("3", .inProgress), ("2", .success), ("1", .success)], false,
            false, .success("1")
        ),
        (
            "in progress over one success → nothing (the success is what runs)", [("3", .inProgress), ("2", .success)], false, false,
            .failure(.nothingToRollBack)
        ),
        ("pending rollback to 1 → 1 again, never the 2 it leaves", [("1", .pending), ("2", .success), ("1", .success)], false, false, .success("1")),
        ("canceled rollback → skipped like any canceled one", [("1", .canceled), ("2", .success), ("1", .success)], false, false, .success("1")),
        (
            "failed redeploy of the running version → another version", [("2", .failure), ("2", .success), ("1", .success)], false, false,
            .success("1")
        ),
        ("failed redeploy of the only version → nothing, not 2 to 2", [("2", .failure), ("2", .success)], true, true, .failure(.nothingToRollBack)),
        ("unknown → skipped", [("3", .unknown), ("2", .success), ("1", .success)], false, false, .success("1")),
        ("frozen → refused", [("3", .success), ("2", .success)], true, false, .failure(.frozen)),
        ("frozen and forced → rolled back", [("3", .success), ("2", .success)], true, true, .success("2")),
        ("frozen with nothing, forced → nothing", [], true, true, .failure(.nothingToRollBack)),
        ("nothing deployed → nothing", [], false, false, .failure(.nothingToRollBack)),
        ("one success → nothing before it", [("1", .success)], false, false, .failure(.nothingToRollBack)),
        ("only failures → nothing", [("2", .failure), ("1", .failure)], false, false, .failure(.nothingToRollBack)),
    ]

    @Test(arguments: cases.indices)
    func rule(_ index: Int) {
        let (name, entries, frozen, force, expected) = Self.cases[index]
        #expect(Rollback.target(newestFirst: Self.history(entries), frozen: frozen, force: force) == expected, "\(name)")
    }

    @Test func aRollbackIsRecordedAndFrozenEnvironmentsNeedForce() async throws {
        let (temporary, data) = try await TemporaryStore.example()
        let store = temporary.store
        let releases = data.releases.filter { $0.component == "api" && $0.status == .published }.map(\.version.text)
        try await store.createEnvironment(Environment(name: "canary"), page: data.page.id)
        await #expect(throws: StoreError.conflict("environment \"canary\" already exists")) {
            try await store.createEnvironment(Environment(name: "canary"), page: data.page.id)
        }
        for version in releases.prefix(2) {
            _ = try await store.addDeployment(Deployment(component: "api", version: version, environment: "canary"), page: data.page.id)
        }
        let (updated, created) = try await store.updateDeployment(
            ReleaseReference(component: "api", version: releases[1]),
            environment: "canary",
            status: .success,
            page: data.page.id
        )
        #expect(!created && updated.deployment.status == .success && updated.deployment.finishedAt != nil)
        try await store.setFrozen(true, environment: "canary", page: data.page.id)
        await #expect(throws: StoreError.self) {
            try await store.rollback(component: "api", environment: "canary", force: false, actor: nil, page: data.page.id)
        }
        let rolledBack = try #require(
            try await store.rollback(component: "api", environment: "canary", force: true, actor: "ops", page: data.page.id).created.first
        )
        #expect(rolledBack.deployment.version == releases[0] && rolledBack.deployment.actor == "ops")
        let stored = try #require(try await store.load(page: data.page.id))
        #expect(stored.environments.contains(Environment(name: "canary", frozen: true)))
        #expect(stored.deployments.last?.version == releases[0])
        await #expect(throws: StoreError.self) {
            try await store.addDeployment(Deployment(component: "api", version: "0.0.0-none", environment: "canary"), page: data.page.id)
        }
    }
}

/// Rollbacks through the store (SPEC §6.1): active deployments canceled first, whole environments,
/// never a no-op, frozen environments, a second rollback while the first is pending; all in one transaction.
@Suite struct StoredRollbackTests {
    let temporary: TemporaryStore
    let page: String
    /// Per component, two published versions, older first.
    let versions: [String: [String]]

    init() async throws {
        let (example, data) = try await TemporaryStore.example()
        (temporary, page) = (example, data.page.id)
        var versions: [String: [String]] = [:]
        for release in data.releases where release.status == .published && !release.isPrerelease {
            versions[release.component, default: []].append(release.version.text)
        }
        self.versions = versions
        try await temporary.store.createEnvironment(Environment(name: "canary"), page: page)
    }

    var store: any Store { temporary.store }

    @discardableResult
    func deploy(_ component: String, _ version: String, _ status: Deployment.Status = .success) async throws -> StoredDeployment {
        try await store.addDeployment(Deployment(component: component, version: version, environment: "canary", status: status), page: page)
    }

    func canary() async throws -> [Deployment] {
        try #require(try await store.load(page: page)).deployments.filter { $0.environment == "canary" }
    }

    @Test func activeDeploymentsAreCanceledFirst() async throws {
        let api = try #require(versions["api"])
        try await deploy("api", api[0])
        try await deploy("api", api[1])
        try await deploy("api", api[0], .pending)
        try await deploy("api", api[1], .inProgress)
        try await deploy("cli", try #require(versions["cli"])[0], .pending)  // another component stays
        let outcome = try await store.rollback(component: "api", environment: "canary", force: false, actor: nil, page: page)
        #expect(outcome.canceled.map(\.deployment.status) == [.canceled, .canceled])
        #expect(outcome.created.map(\.deployment.version) == [api[0]])
        let stored = try await canary()
        #expect(stored.map(\.status) == [.success, .success, .canceled, .canceled, .pending, .pending])
        #expect(stored[2].finishedAt != nil && stored[3].finishedAt != nil)
        #expect(stored.last?.meta == .object([JSONMember("rollback", .bool(true)), JSONMember("from", .string(api[1]))]))
    }

    @Test func aSecondRollbackWhileTheFirstIsPendingNeverTargetsTheVersionItLeaves() async throws {
        let api = try #require(versions["api"])
        try await deploy("api", api[0])
        try await deploy("api", api[1])
        let first = try await store.rollback(component: "api", environment: "canary", force: false, actor: nil, page: page)
        #expect(first.created.map(\.deployment.version) == [api[0]])
        let second = try await store.rollback(component: "api", environment: "canary", force: true, actor: nil, page: page)
        // The first never ran: it is canceled, and the second goes from what runs (api[1]) to api[0] again.
        #expect(second.canceled.map(\.id) == first.created.map(\.id))
        #expect(second.created.map(\.deployment.version) == [api[0]])
        #expect(second.created.first?.deployment.meta?["from"] == .string(api[1]))
        for rollback in try await canary() where rollback.meta?["rollback"] == .bool(true) {
            #expect(rollback.meta?["from"] != .string(rollback.version))
            #expect(rollback.fromVersion == api[1])
        }
    }

    @Test func aFailedRedeployOfTheOnlyVersionIsNotRolledBackToItself() async throws {
        let api = try #require(versions["api"])
        try await deploy("api", api[1])
        try await deploy("api", api[1], .failure)
        await #expect(throws: StoreError.self) {
            try await store.rollback(component: "api", environment: "canary", force: true, actor: nil, page: page)
        }
        try await deploy("api", api[0], .pending)
        // Refused whole: the pending deployment is not canceled either.
        await #expect(throws: StoreError.self) {
            try await store.rollback(component: "api", environment: "canary", force: true, actor: nil, page: page)
        }
        #expect(try await canary().map(\.status) == [.success, .failure, .pending])
    }

    @Test func theWholeEnvironmentRollsBackEveryComponentThatCan() async throws {
        let api = try #require(versions["api"])
        let cli = try #require(versions["cli"])
        try await deploy("cli", cli[0])
        try await deploy("api", api[0])
        try await deploy("cli", cli[1])
        try await deploy("api", api[1], .failure)
        try await deploy("api", api[1], .inProgress)
        let outcome = try await store.rollback(component: nil, environment: "canary", force: false, actor: "ops", page: page)
        // Component order of the page; api failed → its last success, cli succeeded → the version before it.
        #expect(outcome.created.map(\.deployment.component) == ["api", "cli"])
        #expect(outcome.created.map(\.deployment.version) == [api[0], cli[0]])
        #expect(outcome.created.allSatisfy { $0.deployment.actor == "ops" && $0.deployment.status == .pending })
        #expect(outcome.canceled.map(\.deployment.version) == [api[1]])
        // Now cli has a rollback pending and api too; a component with nothing to go back to gets no
        // new deployment, but its active one ends like every other (SPEC §6.1).
        try await store.createEnvironment(Environment(name: "edge"), page: page)
        _ = try await store.addDeployment(Deployment(component: "api", version: api[0], environment: "edge"), page: page)
        _ = try await store.addDeployment(Deployment(component: "api", version: api[1], environment: "edge"), page: page)
        _ = try await store.addDeployment(Deployment(component: "cli", version: cli[0], environment: "edge", status: .pending), page: page)
        let edge = try await store.rollback(component: nil, environment: "edge", force: false, actor: nil, page: page)
        #expect(edge.created.map(\.deployment.version) == [api[0]])
        #expect(edge.canceled.map(\.deployment.component) == ["cli"] && edge.canceled.allSatisfy { $0.deployment.status == .canceled })
    }

    @Test func nothingToRollBackAnywhereChangesNothing() async throws {
        try await deploy("api", try #require(versions["api"])[0])
        try await deploy("cli", try #require(versions["cli"])[0], .pending)
        await #expect(throws: StoreError.self) {
            try await store.rollback(component: nil, environment: "canary", force: false, actor: nil, page: page)
        }
        #expect(try await canary().map(\.status) == [.success, .pending])
    }

    @Test func frozenNeedsForceAndUnknownEnvironmentsAreNotFound() async throws {
        let api = try #require(versions["api"])
        try await deploy("api", api[0])
        try await deploy("api", api[1])
        try await store.setFrozen(true, environment: "canary", page: page)
        await #expect(
            throws: StoreError.invalid(field: "force", message: "environment \"canary\" is frozen; give \"force\": true to roll back anyway")
        ) {
            try await store.rollback(component: nil, environment: "canary", force: false, actor: nil, page: page)
        }
        #expect(try await store.rollback(component: nil, environment: "canary", force: true, actor: nil, page: page).created.count == 1)
        await #expect(throws: StoreError.notFound("environment \"nowhere\"")) {
            try await store.rollback(component: "api", environment: "nowhere", force: true, actor: nil, page: page)
        }
        await #expect(throws: StoreError.notFound("environment \"nowhere\"")) {
            try await store.addDeployment(Deployment(component: "api", version: api[0], environment: "nowhere"), page: page)
        }
        await #expect(throws: StoreError.notFound("environment \"nowhere\"")) {
            try await store.updateDeployment(
                ReleaseReference(component: "api", version: api[0]),
                environment: "nowhere",
                status: .success,
                page: page
            )
        }
        #expect(try #require(try await store.load(page: page)).environments.allSatisfy { $0.name != "nowhere" })
    }
}
