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
        ("in progress → the last successful one", [("3", .inProgress), ("2", .success)], false, false, .success("2")),
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
        let temporary = try TemporaryStore()
        let data = try exampleData()
        let store = temporary.store
        try await store.importData(data)
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
        let rolledBack = try await store.rollback(component: "api", environment: "canary", force: true, actor: "ops", page: data.page.id)
        #expect(rolledBack.deployment.version == releases[0] && rolledBack.deployment.actor == "ops")
        let stored = try #require(try await store.load(page: data.page.id))
        #expect(stored.environments.contains(Environment(name: "canary", frozen: true)))
        #expect(stored.deployments.last?.version == releases[0])
        await #expect(throws: StoreError.self) {
            try await store.addDeployment(Deployment(component: "api", version: "0.0.0-none", environment: "canary"), page: data.page.id)
        }
    }
}
