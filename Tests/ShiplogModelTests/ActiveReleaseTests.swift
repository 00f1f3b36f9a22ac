import Testing

@testable import ShiplogModel

/// The active release of SPEC §3: when set it is the component's latest, and `latest_prerelease`
/// is relative to it; data naming an active release that cannot be one is refused with its path.
@Suite struct ActiveReleaseTests {
    private static func release(_ version: String, day: Int64, status: Release.Status = .published) -> Release {
        Release(component: "api", version: Version(version), publishedAt: Timestamp(seconds: 1_704_067_200 + day * 86_400), status: status)
    }

    private static let releases = [
        release("1.0.0", day: 0), release("1.1.0-rc.1", day: 1), release("1.1.0", day: 2), release("1.2.0-beta.1", day: 3),
        release("1.2.0", day: 4), release("1.3.0-rc.1", day: 5), release("1.4.0", day: 6, status: .yanked),
        release("1.5.0", day: 7, status: .draft),
    ]

    private static func catalog(active: String?) -> Catalog {
        Catalog(
            data: ReleaseData(
                page: Page(id: "acme", title: "Acme"),
                components: [Component(slug: "api", active: active), Component(slug: "web")],
                releases: releases
            )
        )
    }

    private static func text(_ catalog: Catalog, _ index: Int?) -> String? { index.map { catalog.data.releases[$0].version.text } }

    @Test func withoutAnActiveReleaseLatestIsAutomatic() {
        let c = Self.catalog(active: nil)
        #expect(Self.text(c, c.latest[0]) == "1.2.0")
        #expect(Self.text(c, c.latestPrerelease[0]) == "1.3.0-rc.1")
        #expect(c.active == [nil, nil])
        #expect(c.latest[1] == nil)
    }

    @Test(
        arguments: [
            ("1.0.0", "1.3.0-rc.1"),  // a rollback: every pre-release above it counts, the highest wins
            ("1.1.0", "1.3.0-rc.1"),
            ("1.2.0", "1.3.0-rc.1"),
            ("1.1.0-rc.1", "1.3.0-rc.1"),  // an active pre-release is the latest; the pre-release above it is still shown
            ("1.3.0-rc.1", nil),  // nothing above it
        ] as [(String, String?)]
    )
    func theActiveReleaseIsTheLatest(active: String, prerelease: String?) {
        let c = Self.catalog(active: active)
        #expect(Self.text(c, c.latest[0]) == active)
        #expect(Self.text(c, c.active[0]) == active)
        #expect(Self.text(c, c.latestPrerelease[0]) == prerelease)
    }

    @Test func theVersionDocumentFollowsTheActiveRelease() {
        let document = JSONWriter.write(Self.catalog(active: "1.0.0").versionDocument(), pretty: false)
        #expect(document.contains(#""version":"1.0.0""#))
        #expect(!document.contains(#""version":"1.2.0""#))
    }

    @Test func bumpKindsDoNotChangeWithTheActiveRelease() {
        #expect(Self.catalog(active: "1.0.0").bumps == Self.catalog(active: nil).bumps)
    }

    @Test(arguments: ["1.4.0", "1.5.0", "9.9.9"])
    func anActiveReleaseThatIsNotPublishedIsNoPin(active: String) {
        // Valid data never holds one (the loader refuses it); the catalog falls back to the automatic latest.
        let c = Self.catalog(active: active)
        #expect(c.active[0] == nil)
        #expect(Self.text(c, c.latest[0]) == "1.2.0")
    }

    // MARK: The data format

    private static func load(_ active: String) throws -> LoadedData {
        let json = """
            {"page": {"id": "acme", "title": "Acme"},
             "components": [{"slug": "api", "active": \(active)}],
             "releases": [
               {"component": "api", "version": "v1.0.0", "published_at": "2024-01-01T00:00:00Z"},
               {"component": "api", "version": "v1.1.0", "published_at": "2024-02-01T00:00:00Z"},
               {"component": "api", "version": "v1.2.0", "status": "yanked", "published_at": "2024-03-01T00:00:00Z"},
               {"component": "api", "version": "v1.3.0", "status": "draft"}]}
            """
        return try DataLoader.load([DataSource(name: "data.json", bytes: Array(json.utf8))])
    }

    @Test func anActiveVersionLoadsAndRoundTrips() throws {
        let loaded = try Self.load(#""v1.0.0""#)
        #expect(loaded.data.components[0].active == "v1.0.0")
        let catalog = Catalog(data: loaded.data)
        #expect(Self.text(catalog, catalog.latest[0]) == "v1.0.0")
        let written = JSONWriter.write(DataEncoder.document(loaded.data), pretty: false)
        #expect(written.contains(#"{"slug":"api","active":"v1.0.0"}"#))
        let again = try DataLoader.load([DataSource(name: "again.json", bytes: Array(written.utf8))])
        #expect(again.data.components == loaded.data.components)
    }

    @Test(arguments: [
        (#""v9.0.0""#, #"data.json: components[0].active: no release "v9.0.0" of component "api""#),
        (#""v1.2.0""#, #"data.json: components[0].active: release "v1.2.0" of component "api" is yanked"#),
        (#""v1.3.0""#, #"data.json: components[0].active: release "v1.3.0" of component "api" is a draft"#),
        ("1", "data.json: components[0].active: expected a string"),
        (#""a/b""#, "data.json: components[0].active: "),
    ])
    func anActiveVersionThatCannotBeActiveIsRefused(active: String, message: String) {
        #expect {
            try Self.load(active)
        } throws: { error in
            guard let error = error as? DataLoadError else { return false }
            return error.problems.count == 1 && error.description.hasPrefix(message)
        }
    }
}
