import ShiplogModel
import ShiplogStore
import Testing

/// Customer sites complete (SPEC §6.1): create, rename and delete.
@Suite struct SiteTests {
    @Test func createAddsASiteWithoutReleases() async throws {
        let (temporary, data) = try await TemporaryStore.example()
        let page = data.page.id
        try await temporary.store.createSite(slug: "acme", name: "Acme Corp", page: page)
        let stored = try #require(try await temporary.store.load(page: page))
        #expect(stored.sites.last?.withoutStoreFields == CustomerSite(slug: "acme", name: "Acme Corp"))
        #expect(stored.sites.count == data.sites.count + 1)
    }

    @Test func createRefusesASlugThatExists() async throws {
        let (temporary, data) = try await TemporaryStore.example()
        let existing = try #require(data.sites.first)
        await #expect(throws: StoreError.conflict("site \"\(existing.slug)\" already exists")) {
            try await temporary.store.createSite(slug: existing.slug, name: "Other", page: data.page.id)
        }
        #expect(try await temporary.store.load(page: data.page.id)?.withoutStoreFields == data)
        await #expect(throws: StoreError.notFound("page \"nope\"")) {
            try await temporary.store.createSite(slug: "acme", name: nil, page: "nope")
        }
    }

    @Test func renameKeepsTheReleases() async throws {
        let (temporary, data) = try await TemporaryStore.example()
        let site = try #require(data.sites.first { !$0.releases.isEmpty })
        try await temporary.store.renameSite(slug: site.slug, name: "Renamed", page: data.page.id)
        var stored = try #require(try await temporary.store.load(page: data.page.id))
        #expect(
            stored.sites.first { $0.slug == site.slug }?.withoutStoreFields == CustomerSite(slug: site.slug, name: "Renamed", releases: site.releases)
        )
        try await temporary.store.renameSite(slug: site.slug, name: nil, page: data.page.id)
        stored = try #require(try await temporary.store.load(page: data.page.id))
        #expect(stored.sites.first { $0.slug == site.slug }?.name == nil)
        await #expect(throws: StoreError.notFound("site \"ghost\"")) {
            try await temporary.store.renameSite(slug: "ghost", name: "x", page: data.page.id)
        }
    }

    @Test func deleteDetachesTheReleasesAndKeepsThem() async throws {
        let (temporary, data) = try await TemporaryStore.example()
        let site = try #require(data.sites.first { !$0.releases.isEmpty })
        #expect(try await temporary.store.deleteSite(slug: site.slug, page: data.page.id))
        let stored = try #require(try await temporary.store.load(page: data.page.id))
        #expect(!stored.sites.contains { $0.slug == site.slug })
        #expect(stored.releases.map(\.withoutStoreFields) == data.releases)
        #expect(try await !temporary.store.deleteSite(slug: site.slug, page: data.page.id))
        // The slug is free again, and the new site starts with no releases.
        try await temporary.store.createSite(slug: site.slug, name: nil, page: data.page.id)
        let again = try #require(try await temporary.store.load(page: data.page.id))
        #expect(again.sites.first { $0.slug == site.slug }?.releases == [])
    }
}
