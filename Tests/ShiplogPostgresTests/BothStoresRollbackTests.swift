import ShiplogModel
import ShiplogStore
import Testing

/// Rollbacks: the same tests on every store (SPEC §8).
@Suite struct BothStoresRollbackTests {
    /// The whole environment rolls back every component deployed there, in the page's component
    /// order (not the order they were deployed in).
    @Test(arguments: StoreKind.tested) func theWholeEnvironmentRollsBackEveryComponentInComponentOrder(kind: StoreKind) async throws {
        let (store, _) = try await kind.make()
        try await store.ensurePage(id: "acme")
        for slug in ["api", "web", "cli"] {
            try await store.putComponent(Component(slug: slug), page: "acme")
        }
        try await store.createEnvironment(Environment(name: "production"), page: "acme")
        for slug in ["web", "api"] {
            for version in ["1.0.0", "1.1.0"] {
                try await store.createRelease(Release(component: slug, version: Version(version)), page: "acme", by: nil)
                _ = try await store.addDeployment(Deployment(component: slug, version: version, environment: "production"), page: "acme", by: nil)
            }
        }
        let outcome = try await store.rollback(component: nil, environment: "production", force: false, actor: "ada", page: "acme", by: nil)
        #expect(outcome.created.map(\.deployment.component) == ["api", "web"])
        #expect(outcome.created.map(\.deployment.version) == ["1.0.0", "1.0.0"])
        #expect(outcome.created.map(\.deployment.fromVersion) == ["1.1.0", "1.1.0"])
        #expect(outcome.canceled.isEmpty)
    }
}
