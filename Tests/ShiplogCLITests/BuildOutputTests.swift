import Foundation
import Testing

/// `shiplog build` on the example data and on small fixtures: the files of SPEC §4 and what they hold.
@Suite("build output")
struct BuildOutputTests {
    @Test("every fixed path of SPEC §4 exists for the example data")
    func everyFixedPathExists() throws {
        try withExampleSite { tmp, site in

            var expected = [
                "index.html", "version.json", "feed.json", "atom.xml", "sitemap.xml", "404.html", "assets/style.css", "assets/search.js",
                "search.json",
            ]
            let data = try exampleObject()
            for component in try #require(data["components"] as? [[String: Any]]) {
                let slug = try #require(component["slug"] as? String)
                expected += ["index.html", "latest.json", "feed.json", "atom.xml", "search.json"].map { "components/\(slug)/\($0)" }
            }
            for release in try #require(data["releases"] as? [[String: Any]]) where release["status"] as? String != "draft" {
                expected.append("components/\(release["component"]!)/\(release["version"]!)/index.html")
            }
            for group in try #require(data["groups"] as? [[String: Any]]) {
                expected.append("groups/\(group["version"]!)/index.html")
            }
            for path in expected {
                #expect(fileExists(site.appendingPathComponent(path)), "missing \(path)")
            }
            // The build cache lives beside the site, never inside it.
            #expect(try regularFiles(under: site).allSatisfy { !$0.contains("shiplog-cache") })
        }
    }

    @Test("version.json has the SPEC §4 shape and the latest releases computed by hand")
    func versionJSON() throws {
        try withExampleSite { _, site in
            let version = try readJSONObject(site.appendingPathComponent("version.json"))
            #expect(Set(version.keys) == ["latest", "latestGrouped"])

            let latest = try #require(version["latest"] as? [[String: Any]])
            for entry in latest { #expect(Set(entry.keys) == ["repo", "version", "author", "published_at", "name"]) }
            // api: v1.10.1 is yanked and v2.0.0-rc.1 a pre-release; web: 3.8.0 is a draft.
            let expected: [[String: String]] = [
                ["repo": "nimbus/api", "version": "v1.10.2", "author": "mfrost", "published_at": "2026-01-15T08:10:00Z", "name": "Nimbus API"],
                ["repo": "nimbus/web", "version": "3.7.0", "author": "priya_r", "published_at": "2026-04-21T10:15:00Z", "name": "Nimbus Web"],
                ["repo": "nimbus/desktop", "version": "1.2.1", "author": "nadia", "published_at": "2026-04-28T08:45:00Z", "name": "Nimbus Desktop"],
                ["repo": "nimbus/cli", "version": "v1.1.0", "author": "lee.chen", "published_at": "2026-03-10T16:30:00Z", "name": "nimbus CLI"],
            ]
            #expect(latest.map { $0.compactMapValues { $0 as? String } } == expected)

            let grouped = try #require(version["latestGrouped"] as? [String: Any])
            #expect(Set(grouped.keys) == ["version", "authors", "published_at", "repos"])
            #expect(grouped["version"] as? String == "2026.2")
            #expect(grouped["published_at"] as? String == "2026-05-05T12:00:00Z")
            #expect(grouped["authors"] as? [String] == ["mfrost", "priya_r", "nadia", "lee.chen"])
            #expect(grouped["repos"] as? [String] == ["nimbus/api", "nimbus/web", "nimbus/desktop", "nimbus/cli"])
        }
    }

    @Test("version.json falls back to the slug, skips components without a latest, omits latestGrouped")
    func versionJSONFallbacks() throws {
        try withTemporaryDirectory { tmp in
            var fixture = DataFixture()
            fixture.addComponent("engine")
            fixture.addComponent("beta-only", name: "Beta", repo: "acme/beta")
            fixture.addRelease("engine", "1.0.0", publishedAt: "2024-01-01T10:00:00+02:00", author: "ann")
            fixture.addRelease("engine", "1.1.0", publishedAt: "2024-02-01T00:00:00Z", author: "bob", ["status": "yanked"])
            fixture.addRelease("beta-only", "0.1.0-rc.1", publishedAt: "2024-03-01T00:00:00Z")
            fixture.groups = [["version": "2024.1", "members": ["engine": "1.1.0"]]]
            let site = try buildSite(fixture, in: tmp)

            let version = try readJSONObject(site.appendingPathComponent("version.json"))
            #expect(version["latestGrouped"] == nil, "the only group has a yanked member")
            let latest = try #require(version["latest"] as? [[String: Any]])
            let expected: [[String: String]] = [
                ["repo": "engine", "version": "1.0.0", "author": "ann", "published_at": "2024-01-01T08:00:00Z", "name": "engine"]
            ]
            #expect(latest.map { $0.compactMapValues { $0 as? String } } == expected)
        }
    }

    @Test("feed.json is JSON Feed 1.1, newest first, at most feed_limit items; atom.xml has the same entries")
    func feedsRespectLimitAndOrder() throws {
        try withTemporaryDirectory { tmp in
            var fixture = DataFixture(feedLimit: 3)
            fixture.addComponent("api")
            fixture.addComponent("web")
            fixture.addRelease("api", "1.1.0", publishedAt: "2024-03-01T00:00:00Z")
            fixture.addRelease("web", "1.0.0", publishedAt: "2024-02-01T00:00:00Z")
            fixture.addRelease("api", "1.0.0", publishedAt: "2024-01-01T00:00:00Z")
            fixture.addRelease("web", "1.1.0", publishedAt: "2024-05-01T00:00:00Z")
            fixture.addRelease("api", "1.2.0", publishedAt: "2024-04-01T00:00:00Z")
            let site = try buildSite(fixture, in: tmp)

            let feed = try readJSONObject(site.appendingPathComponent("feed.json"))
            #expect(feed["version"] as? String == "https://jsonfeed.org/version/1.1")
            #expect(feed["title"] as? String == "Acme releases")
            let items = try #require(feed["items"] as? [[String: Any]])
            for item in items {
                #expect(item["id"] is String)
                #expect(item["content_html"] is String || item["content_text"] is String)
            }
            let base = "https://releases.acme.example/components/"
            let newest = [base + "web/1.1.0/", base + "api/1.2.0/", base + "api/1.1.0/"]
            #expect(items.compactMap { $0["url"] as? String } == newest)
            #expect(items.compactMap { $0["date_published"] as? String } == ["2024-05-01T00:00:00Z", "2024-04-01T00:00:00Z", "2024-03-01T00:00:00Z"])

            let atom = try AtomFeed(site.appendingPathComponent("atom.xml"))
            #expect(atom.rootName == "feed" && atom.rootNamespace == "http://www.w3.org/2005/Atom")
            #expect(atom.entryLinks == newest)

            #expect(
                try feedItemURLs(site.appendingPathComponent("components/api/feed.json")) == [
                    base + "api/1.2.0/", base + "api/1.1.0/", base + "api/1.0.0/",
                ]
            )
            #expect(try AtomFeed(site.appendingPathComponent("components/web/atom.xml")).entryLinks == [base + "web/1.1.0/", base + "web/1.0.0/"])
        }
    }

    @Test("the example's feeds: JSON and Atom list the same releases, components' feeds too")
    func exampleFeedsAgree() throws {
        try withExampleSite { tmp, site in
            for prefix in ["", "components/api/", "components/web/", "components/desktop/", "components/cli/"] {
                let json = try feedItemURLs(site.appendingPathComponent(prefix + "feed.json"))
                let atom = try AtomFeed(site.appendingPathComponent(prefix + "atom.xml"))
                #expect(!json.isEmpty)
                #expect(atom.entryLinks == json, "\(prefix)atom.xml and \(prefix)feed.json disagree")
            }
        }
    }

    @Test("components/<slug>/latest.json fields")
    func latestJSON() throws {
        try withExampleSite { tmp, site in

            let api = try readJSONObject(site.appendingPathComponent("components/api/latest.json"))
            #expect(api["component"] as? String == "api")
            #expect(api["version"] as? String == "v1.10.2")
            #expect(api["published_at"] as? String == "2026-01-15T08:10:00Z")
            #expect(api["author"] as? String == "mfrost")
            #expect(api["url"] as? String == "https://releases.nimbus.example/components/api/v1.10.2/")
            #expect(api["bump"] as? String == "patch")
            let notes = try #require(api["notes_html"] as? String)
            #expect(notes.contains(#"<a href="https://github.com/nimbus/api/issues/531">#531</a>"#))
            let pre = try #require(api["latest_prerelease"] as? [String: Any])
            #expect(pre["version"] as? String == "v2.0.0-rc.1")
            #expect(pre["bump"] as? String == "prerelease")
            #expect(pre["published_at"] as? String == "2026-10-20T13:00:00Z")

            let cli = try readJSONObject(site.appendingPathComponent("components/cli/latest.json"))
            #expect(cli["version"] as? String == "v1.1.0")
            #expect(cli["bump"] as? String == "minor")
            #expect(cli["latest_prerelease"] == nil)
            let desktop = try readJSONObject(site.appendingPathComponent("components/desktop/latest.json"))
            #expect(desktop["version"] as? String == "1.2.1")
            #expect(desktop["bump"] as? String == "patch")
        }
    }

    @Test("yanked and pre-release pages are marked; index.html advertises both feeds")
    func statusMarkersAndAutodiscovery() throws {
        try withTemporaryDirectory { tmp in
            var fixture = DataFixture()
            fixture.addComponent("api")
            fixture.addRelease("api", "1.0.0", publishedAt: "2024-01-01T00:00:00Z", notes: "First.")
            fixture.addRelease("api", "1.0.1", publishedAt: "2024-01-02T00:00:00Z", notes: "Second.", ["status": "yanked"])
            fixture.addRelease("api", "1.1.0-rc.1", publishedAt: "2024-01-03T00:00:00Z", notes: "Third.")
            fixture.addRelease("api", "spring-24", publishedAt: "2024-01-04T00:00:00Z", notes: "Fourth.")
            let site = try buildSite(fixture, in: tmp)
            func page(_ version: String) throws -> String { try readText(site.appendingPathComponent("components/api/\(version)/index.html")) }

            #expect(try page("1.0.1").contains("Yanked"))
            #expect(try page("1.1.0-rc.1").contains("Pre-release"))
            #expect(try !page("1.0.0").contains("Yanked"))
            #expect(try !page("1.0.0").contains("Pre-release"))
            #expect(try !page("spring-24").contains("Pre-release"), "spring-24 is not numeric, so not a pre-release")

            try copyExampleData(to: tmp, as: "example.json")
            #expect(try build(data: "example.json", out: "example", cwd: tmp).status == 0)
            let example = tmp.appendingPathComponent("example/components/api")
            #expect(try readText(example.appendingPathComponent("v1.10.1/index.html")).contains("Yanked"))
            #expect(try readText(example.appendingPathComponent("v2.0.0-rc.1/index.html")).contains("Pre-release"))

            let index = try readText(site.appendingPathComponent("index.html"))
            #expect(index.contains("application/feed+json"))
            #expect(index.contains("application/atom+xml"))
            #expect(index.contains("Acme releases"))
        }
    }

    @Test("notes are rendered safely and #N links to the GitHub issue")
    func notesRenderedSafely() throws {
        try withTemporaryDirectory { tmp in
            var fixture = DataFixture()
            fixture.addComponent("api", url: "https://github.com/acme/api")
            let notes = """
                <script>alert(1)</script>

                See [x](javascript:alert(1)), [y](JavaScript:alert(2)) and <img src=x onerror=alert(3)>.

                Fixes #12.
                """
            fixture.addRelease("api", "1.0.0", publishedAt: "2024-01-01T00:00:00Z", notes: notes, ["title": "<script>alert(4)</script>"])
            let site = try buildSite(fixture, in: tmp)

            let page = try readText(site.appendingPathComponent("components/api/1.0.0/index.html"))
            #expect(page.contains(#"href="https://github.com/acme/api/issues/12""#))
            for path in try regularFiles(under: site) where path.hasSuffix(".html") {
                let html = try readText(site.appendingPathComponent(path)).lowercased()
                #expect(!html.contains("<script>alert"), "\(path) runs script from data")
                #expect(!html.contains("javascript:"), "\(path) has a javascript: link")
                #expect(!html.contains("onerror"), "\(path) has an event handler from data")
            }
            // Feeds carry HTML too: what a reader would render must be just as safe.
            var fragments: [String] = []
            for feed in ["feed.json", "components/api/feed.json"] {
                let items = try #require(try readJSONObject(site.appendingPathComponent(feed))["items"] as? [[String: Any]])
                fragments += items.compactMap { $0["content_html"] as? String }
            }
            fragments += try AtomFeed(site.appendingPathComponent("atom.xml")).contents
            fragments.append(try #require(try readJSONObject(site.appendingPathComponent("components/api/latest.json"))["notes_html"] as? String))
            #expect(fragments.count >= 4)
            for fragment in fragments.map({ $0.lowercased() }) {
                #expect(!fragment.contains("<script"))
                #expect(!fragment.contains("javascript:"))
                #expect(!fragment.contains("onerror"))
                #expect(fragment.contains("https://github.com/acme/api/issues/12"))
            }
        }
    }

    @Test(
        "a version named like a component's own file is either rejected by check or builds",
        arguments: ["feed.json", "index.html", "latest.json", "atom.xml", "search.json"]
    )
    func versionNamedLikeAFixedFile(version: String) throws {
        try withTemporaryDirectory { tmp in
            var fixture = DataFixture.oneRelease()
            fixture.addRelease("api", version, publishedAt: "2024-01-02T00:00:00Z")
            try fixture.write(to: tmp.appendingPathComponent("data.json"))

            let check = try run(["check", "--data", "data.json"], cwd: tmp)
            let result = try build(cwd: tmp)
            if check.status == 0 {
                // Valid data must build, with both the component's file and the release's page.
                try #require(result.status == 0, "check accepts the data but build fails: \(result.stderr)")
                #expect(fileExists(tmp.appendingPathComponent("site/components/api/\(version)")))
                #expect(fileExists(tmp.appendingPathComponent("site/components/api/1.0.0/index.html")))
            } else {
                #expect(check.status == 65)
                #expect(check.stderr.contains("data.json: releases[1].version: "), "stderr: \(check.stderr)")
                #expect(result.status == 65)
            }
        }
    }
}
