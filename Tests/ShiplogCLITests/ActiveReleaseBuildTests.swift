import Foundation
import Testing

/// A component's active release (SPEC §3, `components[].active`) is its latest everywhere the
/// built site says "latest": `version.json`, `latest.json`, the index and the component page.
@Suite("active release")
struct ActiveReleaseBuildTests {
    static func fixture(active: String?) -> DataFixture {
        var fixture = DataFixture()
        fixture.addComponent("api", repo: "acme/api")
        for (version, date) in [("1.0.0", "2024-01-01"), ("1.1.0", "2024-02-01"), ("1.2.0-rc.1", "2024-03-01"), ("1.3.0-rc.1", "2024-04-01")] {
            fixture.addRelease("api", version, publishedAt: "\(date)T00:00:00Z")
        }
        if let active { fixture.components[0]["active"] = active }
        return fixture
    }

    /// The version of `latest` in version.json and latest.json, and latest.json's `latest_prerelease`.
    static func latest(_ site: URL) throws -> (String?, String?, String?) {
        let document = try readJSONObject(site.appendingPathComponent("version.json"))
        let entries = try #require(document["latest"] as? [[String: Any]])
        let latest = try readJSONObject(site.appendingPathComponent("components/api/latest.json"))
        let prerelease = latest["latest_prerelease"] as? [String: Any]
        return (entries.first?["version"] as? String, latest["version"] as? String, prerelease?["version"] as? String)
    }

    @Test("the active release is the latest in version.json, latest.json, the index and the component page")
    func activeIsLatest() throws {
        try withTemporaryDirectory { tmp in
            let site = try buildSite(Self.fixture(active: "1.0.0"), in: tmp)
            let (version, latest, prerelease) = try Self.latest(site)
            #expect(version == "1.0.0")
            #expect(latest == "1.0.0")
            #expect(prerelease == "1.3.0-rc.1")

            let index = try readText(site.appendingPathComponent("index.html"))
            let card = try #require(index.components(separatedBy: "<dt>Latest</dt>").dropFirst().first)
            #expect(card.prefix(200).contains(#"href="components/api/1.0.0/""#))
            let page = try readText(site.appendingPathComponent("components/api/index.html"))
            #expect(page.components(separatedBy: "badge--pinned").count == 2, "one release is marked pinned")
            let pinned = try readText(site.appendingPathComponent("components/api/1.0.0/index.html"))
            #expect(pinned.contains(#"<li class="badge badge--latest">Latest</li>"#))
            #expect(pinned.contains("badge--pinned"))
            let newer = try readText(site.appendingPathComponent("components/api/1.1.0/index.html"))
            #expect(!newer.contains("badge--latest") && !newer.contains("badge--pinned"))
        }
    }

    @Test("clearing the active release rebuilds what says latest")
    func clearingRebuilds() throws {
        try withTemporaryDirectory { tmp in
            let data = tmp.appendingPathComponent("data.json")
            try Self.fixture(active: "1.0.0").write(to: data)
            try #require(try build(cwd: tmp).status == 0)
            try Self.fixture(active: nil).write(to: data)
            try requireBuild(cwd: tmp)
            let site = tmp.appendingPathComponent("site")
            let (version, latest, prerelease) = try Self.latest(site)
            #expect(version == "1.1.0")
            #expect(latest == "1.1.0")
            #expect(prerelease == "1.3.0-rc.1")
            #expect(try !readText(site.appendingPathComponent("components/api/1.0.0/index.html")).contains("badge--pinned"))
            #expect(try readText(site.appendingPathComponent("components/api/1.1.0/index.html")).contains("badge--latest"))
        }
    }

    @Test("an active pre-release is the latest, with no pre-release above it but the newer one")
    func activePrerelease() throws {
        try withTemporaryDirectory { tmp in
            try Self.fixture(active: "1.3.0-rc.1").write(to: tmp.appendingPathComponent("data.json"))
            try #require(try build(cwd: tmp).status == 0)
            let (version, latest, prerelease) = try Self.latest(tmp.appendingPathComponent("site"))
            #expect(version == "1.3.0-rc.1" && latest == "1.3.0-rc.1" && prerelease == nil)
        }
    }
}
