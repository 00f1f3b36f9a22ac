import Foundation
import Testing

/// Drafts are never on the public site, its feeds or version JSON unless `--drafts` (SPEC §1).
@Suite("drafts")
struct DraftTests {
    @Test("drafts are left out unless --drafts")
    func draftsOnlyWithFlag() throws {
        try withExampleData { tmp in
            let draftPage = "components/web/3.8.0/index.html"

            try requireBuild(out: "public", cwd: tmp)
            let site = tmp.appendingPathComponent("public")
            #expect(!fileExists(site.appendingPathComponent(draftPage)))
            for feed in ["feed.json", "components/web/feed.json"] {
                #expect(try !feedItemURLs(site.appendingPathComponent(feed)).contains { $0.contains("/web/3.8.0/") }, "draft in \(feed)")
            }
            #expect(try !readText(site.appendingPathComponent("sitemap.xml")).contains("3.8.0"))
            #expect(try !readText(site.appendingPathComponent("components/web/index.html")).contains("3.8.0"))

            try requireBuild(out: "preview", ["--drafts"], cwd: tmp)
            let preview = tmp.appendingPathComponent("preview")
            #expect(fileExists(preview.appendingPathComponent(draftPage)))
            #expect(try feedItemURLs(preview.appendingPathComponent("feed.json")).contains { $0.contains("/web/3.8.0/") })
            #expect(try readText(preview.appendingPathComponent(draftPage)).contains("Draft"))
        }
    }

    @Test("a draft is nowhere on the public site, even when a group or a deployment names it")
    func draftNowhereOnPublicSite() throws {
        try withTemporaryDirectory { tmp in
            var fixture = DataFixture()
            fixture.addComponent("api", url: "https://github.com/acme/api")
            fixture.addComponent("web")
            fixture.addRelease("api", "1.0.0", publishedAt: "2024-01-01T00:00:00Z", notes: "Public notes.")
            fixture.addRelease(
                "api",
                "7.7.7-unannounced",
                publishedAt: nil,
                notes: "SECRET-API-NOTES",
                ["status": "draft", "title": "SECRET-API-TITLE"]
            )
            // A dated draft: a group it is in must take neither its date nor its author.
            fixture.addRelease(
                "web",
                "5.5.5",
                publishedAt: "2031-05-05T00:00:00Z",
                notes: "SECRET-WEB-NOTES",
                ["status": "draft", "author": "SECRET-WEB-AUTHOR"]
            )
            fixture.groups = [["version": "2024.1", "members": ["api": "1.0.0", "web": "5.5.5"]]]
            // CI deploys a release to staging before it is published.
            fixture.deployments = [
                ["component": "api", "version": "1.0.0", "environment": "production", "status": "success", "started_at": "2024-01-01T01:00:00Z"],
                [
                    "component": "api", "version": "7.7.7-unannounced", "environment": "staging", "status": "success",
                    "started_at": "2024-02-01T00:00:00Z",
                ],
            ]
            let site = try buildSite(fixture, in: tmp)

            let secrets = ["7.7.7", "unannounced", "SECRET", "5.5.5", "2031"]
            var leaks: [String] = []
            for path in try regularFiles(under: site) {
                let text = try readText(site.appendingPathComponent(path))
                leaks += secrets.filter { path.contains($0) || text.contains($0) }.map { "\(path): \($0)" }
            }
            #expect(leaks == [], "the draft shows on the public site")
            // The published parts are there.
            #expect(try readText(site.appendingPathComponent("index.html")).contains("production"))
            #expect(fileExists(site.appendingPathComponent("groups/2024.1/index.html")))

            try requireBuild(out: "preview", ["--drafts"], cwd: tmp)
            let page = try readText(tmp.appendingPathComponent("preview/components/api/7.7.7-unannounced/index.html"))
            #expect(page.contains("SECRET-API-NOTES"))
        }
    }

    @Test("a public build over a --drafts preview leaves no draft behind")
    func publicBuildOverPreview() throws {
        try withExampleData { tmp in
            #expect(try build(["--drafts"], cwd: tmp).status == 0)
            try #require(fileExists(tmp.appendingPathComponent("site/components/web/3.8.0/index.html")))

            try requireBuild(cwd: tmp)
            #expect(!directoryExists(tmp.appendingPathComponent("site/components/web/3.8.0")))
            #expect(try build(out: "fresh", cwd: tmp).status == 0)
            #expect(try differingFiles(tmp.appendingPathComponent("site"), tmp.appendingPathComponent("fresh")) == [])
        }
    }
}
