import ShiplogModel
import ShiplogStore
import Testing

/// Components and environments: the same tests on every store (SPEC §8).
@Suite struct BothStoresComponentTests {
    @Test(arguments: StoreKind.tested) func aComponentIsCreatedThenUpdated(kind: StoreKind) async throws {
        let (store, _) = try await kind.make()
        await #expect(throws: StoreError.notFound("page \"acme\"")) {
            try await store.putComponent(Component(slug: "api"), page: "acme")
        }
        try await store.ensurePage(id: "acme")
        #expect(try await store.putComponent(Component(slug: "api", name: "API", repo: "acme/api"), page: "acme"))
        #expect(try await store.putComponent(Component(slug: "web"), page: "acme"))
        #expect(try await !store.putComponent(Component(slug: "api", name: "The API", url: "https://api.example"), page: "acme"))
        let components = try #require(try await store.load(page: "acme")).components
        #expect(components == [Component(slug: "api", name: "The API", url: "https://api.example"), Component(slug: "web")])
    }

    @Test(arguments: StoreKind.tested) func anUpdateWithoutAnActiveVersionKeepsTheActiveOne(kind: StoreKind) async throws {
        let (store, _) = try await kind.make()
        try await store.ensurePage(id: "acme")
        try await store.putComponent(Component(slug: "api", active: "1.0.0"), page: "acme")
        try await store.putComponent(Component(slug: "api", name: "API"), page: "acme")
        #expect(try await store.load(page: "acme")?.components.first?.active == "1.0.0")
    }

    @Test(arguments: StoreKind.tested) func environmentsAreCreatedOnceAndFrozen(kind: StoreKind) async throws {
        let (store, _) = try await kind.make()
        await #expect(throws: StoreError.notFound("page \"acme\"")) {
            try await store.createEnvironment(Environment(name: "production"), page: "acme")
        }
        try await store.ensurePage(id: "acme")
        try await store.createEnvironment(Environment(name: "production"), page: "acme")
        try await store.createEnvironment(Environment(name: "staging", frozen: true), page: "acme")
        await #expect(throws: StoreError.conflict("environment \"production\" already exists")) {
            try await store.createEnvironment(Environment(name: "production"), page: "acme")
        }
        try await store.setFrozen(true, environment: "production", page: "acme")
        try await store.setFrozen(false, environment: "staging", page: "acme")
        await #expect(throws: StoreError.notFound("environment \"qa\"")) {
            try await store.setFrozen(true, environment: "qa", page: "acme")
        }
        #expect(
            try await store.load(page: "acme")?.environments == [
                Environment(name: "production", frozen: true), Environment(name: "staging", frozen: false),
            ]
        )
    }
}
