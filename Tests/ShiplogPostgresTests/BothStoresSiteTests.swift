import ShiplogModel
import ShiplogStore
import Testing

/// Customer sites: the same tests on every store (SPEC §8).
@Suite struct BothStoresSiteTests {
    @Test(arguments: StoreKind.tested) func sitesAreCreatedRenamedAndDeleted(kind: StoreKind) async throws {
        let (store, _) = try await kind.make()
        await #expect(throws: StoreError.notFound("page \"acme\"")) {
            try await store.createSite(slug: "bigco", name: nil, page: "acme", by: nil)
        }
        try await store.ensurePage(id: "acme")
        try await store.createSite(slug: "bigco", name: "BigCo", page: "acme", by: "k1")
        await #expect(throws: StoreError.conflict("site \"bigco\" already exists")) {
            try await store.createSite(slug: "bigco", name: nil, page: "acme", by: nil)
        }
        #expect(try await store.putSite(slug: "tiny", name: nil, page: "acme", by: "k2"))
        #expect(try await !store.putSite(slug: "tiny", name: "Tiny", page: "acme", by: "k3"))
        try await store.renameSite(slug: "bigco", name: nil, page: "acme")
        await #expect(throws: StoreError.notFound("site \"none\"")) {
            try await store.renameSite(slug: "none", name: "x", page: "acme")
        }
        let sites = try #require(try await store.load(page: "acme")).sites
        #expect(sites.map(\.slug) == ["bigco", "tiny"])
        #expect(sites.map(\.name) == [nil, "Tiny"])
        #expect(sites.map(\.createdBy) == ["k1", "k2"])
        #expect(sites.allSatisfy { $0.createdAt != nil })
        #expect(try await store.deleteSite(slug: "bigco", page: "acme"))
        #expect(try await !store.deleteSite(slug: "bigco", page: "acme"))
        #expect(try await store.load(page: "acme")?.sites.map(\.slug) == ["tiny"])
    }

    @Test(arguments: StoreKind.tested) func releasesAreAttachedAndDetached(kind: StoreKind) async throws {
        let (store, location) = try await kind.make()
        try await store.ensurePage(id: "acme")
        try await store.putComponent(Component(slug: "api"), page: "acme")
        try await kind.execute(
            ["INSERT INTO releases (page_id, component, version, status, id) VALUES ('acme', 'api', '1.0.0', 'published', 'r1')"],
            at: location
        )
        try await store.createSite(slug: "bigco", name: nil, page: "acme", by: nil)
        let release = ReleaseReference(component: "api", version: "1.0.0")
        await #expect(throws: StoreError.notFound("site \"none\"")) { try await store.attach(release, site: "none", page: "acme") }
        await #expect(throws: StoreError.notFound("release \"2.0.0\" of component \"api\"")) {
            try await store.attach(ReleaseReference(component: "api", version: "2.0.0"), site: "bigco", page: "acme")
        }
        #expect(try await store.attach(release, site: "bigco", page: "acme"))
        #expect(try await !store.attach(release, site: "bigco", page: "acme"))
        #expect(try await store.load(page: "acme")?.sites.first?.releases == [release])
        #expect(try await store.detach(release, site: "bigco", page: "acme"))
        #expect(try await !store.detach(release, site: "bigco", page: "acme"))
        try await store.attach(release, site: "bigco", page: "acme")
        #expect(try await store.deleteSite(slug: "bigco", page: "acme"))
        #expect(try await store.load(page: "acme")?.releases.count == 1)
    }
}
