import ShiplogModel
import ShiplogStore
import Testing

/// Release mail queued by a publication: the same tests on every store (SPEC §8).
@Suite struct BothStoresReleaseMailTests {
    @Test(arguments: StoreKind.tested) func aPublishedReleaseQueuesOneMailPerInterestedSubscriberOnce(kind: StoreKind) async throws {
        let (store, _) = try await kind.make()
        try await store.ensurePage(id: "acme")
        try await store.putComponent(Component(slug: "api"), page: "acme")
        try await store.createRelease(Release(component: "api", version: Version("1.0.0")), page: "acme", by: nil)
        #expect(try await store.importSubscribers(page: "acme", [("a@x.example", [.patch]), ("b@x.example", [.major])]) == 2)
        try await store.createRelease(Release(component: "api", version: Version("1.0.1")), page: "acme", by: nil)
        #expect(try await store.outboxCounts(page: "acme").queued == 1)
        // Published again after a yank: still one mail for that subscriber and release.
        try await store.updateRelease(Release(component: "api", version: Version("1.0.1"), status: .yanked), page: "acme")
        try await store.updateRelease(Release(component: "api", version: Version("1.0.1")), page: "acme")
        #expect(try await store.outboxCounts(page: "acme").queued == 1)
    }
}
