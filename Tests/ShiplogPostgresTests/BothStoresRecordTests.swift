import ShiplogModel
import ShiplogStore
import Testing

/// Rows go through one GRDB record per table on every store: every field of every table the page
/// has is written and read back unchanged, and a field that is no longer given is cleared.
@Suite struct BothStoresRecordTests {
    static func everything() -> ReleaseData {
        let asset = Release.Asset(
            name: "app.dmg",
            url: "https://example.com/app.dmg",
            platform: "darwin-aarch64",
            signature: "sig==",
            size: 1234,
            sha512: String(repeating: "A", count: 86) + "==",
            sha256: String(repeating: "b", count: 64),
            sha1: String(repeating: "c", count: 40),
            minimumSystemVersion: "12.0"
        )
        return ReleaseData(
            page: Page(
                id: "acme",
                title: "Acme",
                description: "What changed",
                baseURL: "https://releases.example.com/",
                grouping: .byVersion,
                isPublic: false,
                feedLimit: 7,
                serverURL: "https://api.example.com"
            ),
            components: [Component(slug: "api", name: "API", repo: "acme/api", url: "https://example.com/api", description: "The API")],
            releases: [
                Release(
                    component: "api",
                    version: Version("1.0.0"),
                    title: "One",
                    publishedAt: Timestamp(seconds: 1_700_000_000),
                    author: "ann",
                    notes: "## Notes\n- a\n",
                    status: .published,
                    prereleaseFlag: false,
                    commit: "abc123",
                    tag: "api-v1.0.0",
                    url: "https://example.com/r/1",
                    codeName: "Otter",
                    assets: [asset],
                    id: "rel-1",
                    createdAt: Timestamp(seconds: 1_699_999_000),
                    createdBy: "k1",
                    channel: "stable",
                    build: "101"
                )
            ],
            groups: [
                ReleaseGroup(
                    version: Version("2026.1"),
                    title: "January",
                    publishedAt: Timestamp(seconds: 1_700_000_100),
                    notes: "All of it",
                    members: [ReleaseReference(component: "api", version: "1.0.0")]
                )
            ],
            environments: [Environment(name: "production", frozen: true)],
            deployments: [
                Deployment(
                    component: "api",
                    version: "1.0.0",
                    environment: "production",
                    status: .failure,
                    startedAt: Timestamp(seconds: 1_700_000_200),
                    finishedAt: Timestamp(seconds: 1_700_000_300),
                    host: "web-1",
                    actor: "ci",
                    commit: "abc123",
                    meta: .object([JSONMember("run", .number("42"))]),
                    id: "dep-1",
                    createdAt: Timestamp(seconds: 1_700_000_200),
                    createdBy: "k2",
                    fromVersion: "0.9.0",
                    errorMessage: "health check failed"
                )
            ],
            sites: [
                CustomerSite(
                    slug: "big-bank",
                    name: "Big Bank",
                    releases: [ReleaseReference(component: "api", version: "1.0.0")],
                    createdAt: Timestamp(seconds: 1_700_000_400),
                    createdBy: "k3"
                )
            ]
        )
    }

    @Test(arguments: StoreKind.tested) func everyFieldOfEveryTableIsReadBackAsWritten(kind: StoreKind) async throws {
        let (store, _) = try await kind.make()
        let data = Self.everything()
        try await store.importData(data)
        #expect(try await store.load(page: "acme") == data)
    }

    @Test(arguments: StoreKind.tested) func aFieldNoLongerGivenIsCleared(kind: StoreKind) async throws {
        let (store, _) = try await kind.make()
        var data = Self.everything()
        try await store.importData(data)
        data.page.description = nil
        data.page.baseURL = nil
        data.components[0].repo = nil
        let release = data.releases[0]
        data.releases[0] = Release(
            component: release.component,
            version: release.version,
            status: .draft,
            id: release.id,
            createdAt: release.createdAt,
            createdBy: release.createdBy
        )
        data.groups[0].title = nil
        data.groups[0].notes = nil
        data.environments[0].frozen = false
        data.deployments[0].host = nil
        data.deployments[0].meta = nil
        data.deployments[0].errorMessage = nil
        try await store.importData(data)
        #expect(try await store.load(page: "acme") == data)
    }
}
