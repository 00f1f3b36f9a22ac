import ShiplogModel
import ShiplogStore
import Testing

/// The rows a replica reads again after another's change (SPEC §8): a release by reference and a
/// deployment by id, with whether it is the newest of its page; the same on every store.
@Suite struct BothStoresChangedRowTests {
    @Test(arguments: StoreKind.tested) func aReleaseIsReadAgainByReferenceWithWhetherItIsTheNewest(kind: StoreKind) async throws {
        let (store, _) = try await kind.make()
        try await store.ensurePage(id: "acme")
        try await store.putComponent(Component(slug: "api"), page: "acme")
        try await store.putComponent(Component(slug: "web"), page: "acme")
        let first = try await store.createRelease(Release(component: "api", version: Version("1.0.0"), title: "One"), page: "acme", by: "k1")
        let second = try await store.createRelease(Release(component: "web", version: Version("2.0.0")), page: "acme", by: nil)
        let one = try #require(try await store.changedRelease(first.reference, page: "acme"))
        #expect(one.value == first)
        #expect(!one.isNewest)
        let two = try #require(try await store.changedRelease(second.reference, page: "acme"))
        #expect(two.value == second)
        #expect(two.isNewest)
        #expect(try await store.changedRelease(ReleaseReference(component: "api", version: "9.9.9"), page: "acme") == nil)
        #expect(try await store.changedRelease(first.reference, page: "other") == nil)
        // A change keeps the row's place: the newest stays the newest.
        var changed = first
        changed.title = "Uno"
        _ = try await store.updateRelease(changed, page: "acme")
        let again = try #require(try await store.changedRelease(first.reference, page: "acme"))
        #expect(again.value.title == "Uno")
        #expect(!again.isNewest)
    }

    @Test(arguments: StoreKind.tested) func aDeploymentIsReadAgainByIDWithWhetherItIsTheNewest(kind: StoreKind) async throws {
        let (store, _) = try await kind.make()
        try await store.ensurePage(id: "acme")
        try await store.putComponent(Component(slug: "api"), page: "acme")
        try await store.createEnvironment(Environment(name: "production"), page: "acme")
        _ = try await store.createRelease(Release(component: "api", version: Version("1.0.0")), page: "acme", by: nil)
        let deployment = Deployment(component: "api", version: "1.0.0", environment: "production")
        let first = try await store.addDeployment(deployment, page: "acme", by: nil).deployment
        let second = try await store.addDeployment(deployment, page: "acme", by: nil).deployment
        let firstID = try #require(first.id)
        let secondID = try #require(second.id)
        let one = try #require(try await store.changedDeployment(id: firstID, page: "acme"))
        #expect(one.value == first)
        #expect(!one.isNewest)
        #expect(try await store.changedDeployment(id: secondID, page: "acme")?.isNewest == true)
        #expect(try await store.changedDeployment(id: firstID, page: "other") == nil)
        try await store.deleteDeployment(id: secondID, page: "acme")
        #expect(try await store.changedDeployment(id: secondID, page: "acme") == nil)
        #expect(try await store.changedDeployment(id: firstID, page: "acme")?.isNewest == true)
    }
}
