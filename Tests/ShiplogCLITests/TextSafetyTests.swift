import Foundation
import Testing

/// Text from the data never breaks an output, and text that could mislead is refused (SPEC §6.2).
@Suite("hostile text in the data")
struct TextSafetyTests {
    /// A page whose every feed-bound text holds what XML 1.0 cannot carry.
    private func hostileFixture() -> DataFixture {
        var fixture = DataFixture(title: "Acme \u{FFFF}releases")
        fixture.page["description"] = "Every \u{FFFE}release\u{1}."
        fixture.addComponent("api", name: "Public \u{FFFE}API")
        fixture.addRelease(
            "api",
            "1.0.0",
            publishedAt: "2024-01-01T00:00:00Z",
            author: "lee\u{FFFF}",
            notes: "Fixes \u{FFFE}crash\u{FFFF} and \u{1B}escape\u{7}s.",
            ["title": "Broken \u{FFFE}\u{FFFF} title"]
        )
        fixture.addRelease("api", "1.1.0-rc.1", publishedAt: "2024-02-01T00:00:00Z", notes: "ok")
        return fixture
    }

    @Test("atom.xml and sitemap.xml stay well-formed with U+FFFE, U+FFFF and controls in titles and notes")
    func feedsStayWellFormed() throws {
        try withTemporaryDirectory { tmp in
            let site = try buildSite(hostileFixture(), in: tmp)
            for path in ["atom.xml", "components/api/atom.xml"] {
                let atom = try AtomFeed(site.appendingPathComponent(path))
                #expect(atom.rootName == "feed")
                #expect(atom.contents.count == 2)
                #expect(atom.contents.joined().contains("crash and escapes."), "\(atom.contents)")
            }
            let sitemap = try AtomFeed(site.appendingPathComponent("sitemap.xml"))
            #expect(sitemap.rootName == "urlset")
            let atom = try readText(site.appendingPathComponent("atom.xml"))
            #expect(atom.contains("Broken  title"))
            #expect(!atom.unicodeScalars.contains { $0.value == 0xFFFE || $0.value == 0xFFFF || $0.value == 0x1B })
        }
    }

    @Test("a control or bidi control character in a name is refused with exit 65 and its path")
    func namesAreValidatedAtTheDoor() throws {
        try withTemporaryDirectory { tmp in
            var fixture = DataFixture(title: "Acme\nreleases")
            fixture.addComponent("api", name: "Public \u{202E}IPA")
            fixture.addRelease("api", "1.0.0\u{2066}", publishedAt: "2024-01-01T00:00:00Z")
            fixture.addRelease("api", "1.0.1", publishedAt: "2024-01-01T00:00:00Z", ["title": "Tab\there"])
            try fixture.write(to: tmp.appendingPathComponent("data.json"))
            let result = try build(cwd: tmp)
            #expect(result.status == 65)
            for expected in [
                "data.json: page.title: ", "data.json: components[0].name: ", "data.json: releases[0].version: ",
                "data.json: releases[1].title: ",
            ] {
                #expect(result.stderr.contains(expected), "\(expected) missing from: \(result.stderr)")
            }
            #expect(!fileExists(tmp.appendingPathComponent("site")))
        }
    }

    @Test("a pre-release shows one pre-release badge, not a second 'prerelease' bump badge")
    func oneBadgeForPreReleases() throws {
        try withTemporaryDirectory { tmp in
            var fixture = DataFixture.oneRelease()
            fixture.addRelease("api", "1.1.0-rc.1", publishedAt: "2024-02-01T00:00:00Z")
            fixture.addRelease("api", "1.2.0-beta.1", publishedAt: "2023-12-01T00:00:00Z")
            let site = try buildSite(fixture, in: tmp)
            for path in ["components/api/1.1.0-rc.1/index.html", "components/api/1.2.0-beta.1/index.html", "components/api/index.html", "index.html"]
            {
                let page = try readText(site.appendingPathComponent(path))
                #expect(!page.contains("badge--prerelease"), "\(path) has a bump badge for a pre-release")
                #expect(!page.localizedCaseInsensitiveContains(">prerelease<"), "\(path) spells it a second way")
            }
            let release = try readText(site.appendingPathComponent("components/api/1.2.0-beta.1/index.html"))
            #expect(release.components(separatedBy: #"class="badge badge--pre""#).count == 2, "exactly one pre-release badge")
            // Final releases keep their bump badge.
            #expect(try readText(site.appendingPathComponent("components/api/1.0.0/index.html")).contains("badge--major"))
        }
    }
}
