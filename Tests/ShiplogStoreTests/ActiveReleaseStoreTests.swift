import Foundation
import ShiplogModel
import ShiplogStore
import Testing

/// The active release in the store (SPEC §3): set, cleared, dropped when it stops being published,
/// guarded against deletion, and kept through export and import.
@Suite struct ActiveReleaseStoreTests {
    static let page = "acme"

    static func data(active: String? = nil) -> ReleaseData {
        func release(_ version: String, _ day: Int64?, _ status: Release.Status = .published) -> Release {
            Release(
                component: "api",
                version: Version(version),
                publishedAt: day.map { Timestamp(seconds: 1_704_067_200 + $0 * 86_400) },
                status: status
            )
        }
        return ReleaseData(
            page: Page(id: page, title: "Acme"),
            components: [Component(slug: "api", active: active)],
            releases: [release("v1.0.0", 0), release("v1.1.0", 1), release("v1.2.0", 2, .yanked), release("v1.3.0", nil, .draft)]
        )
    }

    static func prepared(active: String? = nil) async throws -> TemporaryStore {
        try await TemporaryStore(importing: data(active: active))
    }

    static func active(_ store: any Store) async throws -> String? {
        try await store.load(page: page)?.components.first?.active
    }

    /// Whether `error` is the store's conflict, with `words` in its message.
    static func isConflict(_ error: any Error, mentioning words: String) -> Bool {
        guard let error = error as? StoreError, error.code == .conflict else { return false }
        return error.message.contains(words)
    }

    static func reference(_ version: String) -> ReleaseReference { ReleaseReference(component: "api", version: version) }

    @Test func activatingSetsTheLatestAndClearingMakesItAutomatic() async throws {
        let temporary = try await Self.prepared()
        let store = temporary.store
        let release = try await store.activate(Self.reference("v1.0.0"), page: Self.page)
        #expect(release.version.text == "v1.0.0" && release.status == .published)
        #expect(try await Self.active(store) == "v1.0.0")
        let catalog = Catalog(data: try #require(try await store.load(page: Self.page)))
        #expect(catalog.latest[0].map { catalog.data.releases[$0].version.text } == "v1.0.0")
        #expect(try await store.clearActive(component: "api", page: Self.page) == "v1.0.0")
        #expect(try await Self.active(store) == nil)
        #expect(try await store.clearActive(component: "api", page: Self.page) == nil)
        await #expect(throws: StoreError.notFound("component \"web\"")) { try await store.clearActive(component: "web", page: Self.page) }
    }

    @Test func activatingADraftPublishesItWithMailAndEvent() async throws {
        let temporary = try await Self.prepared()
        let store = temporary.store
        try await store.importSubscribers(page: Self.page, [(email: "ann@example.com", preferences: BumpKind.allCases)])
        _ = try await store.createWebhook(WebhookRegistration(url: "https://hooks.example/x", secret: "s"), page: Self.page)
        let before = try await store.outboxCounts(page: Self.page).queued
        let release = try await store.activate(Self.reference("v1.3.0"), page: Self.page)
        #expect(release.status == .published && release.publishedAt != nil)
        let stored = try #require(try await store.load(page: Self.page)?.releases.first { $0.version.text == "v1.3.0" })
        #expect(stored == release)
        #expect(try await store.outboxCounts(page: Self.page).queued == before + 1)
        #expect(try await store.dueWebhookDeliveries(limit: 10).map(\.event) == ["release.published"])
        // Activating a release that is published already sends nothing.
        _ = try await store.activate(Self.reference("v1.0.0"), page: Self.page)
        #expect(try await store.outboxCounts(page: Self.page).queued == before + 1)
    }

    @Test func aYankedOrUnknownReleaseCannotBeActivated() async throws {
        let temporary = try await Self.prepared()
        let store = temporary.store
        await #expect {
            try await store.activate(Self.reference("v1.2.0"), page: Self.page)
        } throws: { Self.isConflict($0, mentioning: "yanked") }
        await #expect(throws: StoreError.notFound("release \"v9.0.0\" of component \"api\"")) {
            try await store.activate(Self.reference("v9.0.0"), page: Self.page)
        }
        #expect(try await Self.active(store) == nil)
    }

    @Test func yankingTheActiveReleaseClearsIt() async throws {
        let temporary = try await Self.prepared()
        let store = temporary.store
        var release = try await store.activate(Self.reference("v1.0.0"), page: Self.page)
        release.status = .yanked
        try await store.updateRelease(release, page: Self.page)
        #expect(try await Self.active(store) == nil)
    }

    @Test func theActiveReleaseCannotBeDeleted() async throws {
        let temporary = try await Self.prepared()
        let store = temporary.store
        _ = try await store.activate(Self.reference("v1.0.0"), page: Self.page)
        await #expect {
            try await store.deleteRelease(Self.reference("v1.0.0"), page: Self.page)
        } throws: { Self.isConflict($0, mentioning: "active release") }
        try await store.clearActive(component: "api", page: Self.page)
        #expect(try await store.deleteRelease(Self.reference("v1.0.0"), page: Self.page))
    }

    @Test func theActiveReleaseRoundTripsThroughExportAndImport() async throws {
        let temporary = try await Self.prepared()
        _ = try await temporary.store.activate(Self.reference("v1.0.0"), page: Self.page)
        let stored = try #require(try await temporary.store.load(page: Self.page))
        let text = JSONWriter.write(DataEncoder.document(stored))
        let reloaded = try DataLoader.load([DataSource(name: "export.json", bytes: Array(text.utf8))])
        let other = try await TemporaryStore(importing: reloaded.data)
        #expect(try await Self.active(other.store) == "v1.0.0")
        // When and by whom it was activated is store metadata, which exports do not carry.
        var expected = stored
        for index in expected.components.indices {
            expected.components[index].activatedAt = nil
            expected.components[index].activatedBy = nil
        }
        #expect(try await other.store.load(page: Self.page) == expected)
    }

    @Test func activateRecordsWhenAndByWhomAndClearingForgetsIt() async throws {
        let temporary = try await Self.prepared()
        _ = try await temporary.store.activate(Self.reference("v1.0.0"), page: Self.page, by: "key-1")
        let component = try #require(try await temporary.store.load(page: Self.page)?.components.first { $0.slug == "api" })
        #expect(component.activatedBy == "key-1")
        #expect(component.activatedAt != nil)
        try await temporary.store.clearActive(component: "api", page: Self.page)
        let cleared = try #require(try await temporary.store.load(page: Self.page)?.components.first { $0.slug == "api" })
        #expect(cleared.activatedAt == nil && cleared.activatedBy == nil)
    }

    @Test func anImportWithoutActiveKeepsItAndOneThatYanksItClearsIt() async throws {
        let temporary = try await Self.prepared(active: "v1.1.0")
        let store = temporary.store
        #expect(try await Self.active(store) == "v1.1.0")
        try await store.importData(Self.data())
        #expect(try await Self.active(store) == "v1.1.0")
        var yanking = Self.data()
        yanking.releases[1].status = .yanked
        try await store.importData(yanking)
        #expect(try await Self.active(store) == nil)
    }

    @Test func aComponentPutKeepsTheActiveRelease() async throws {
        let temporary = try await Self.prepared(active: "v1.1.0")
        try await temporary.store.putComponent(Component(slug: "api", name: "Public API"), page: Self.page)
        #expect(try await Self.active(temporary.store) == "v1.1.0")
    }
}
