import Foundation
import ShiplogModel
import Testing

@testable import ShiplogImport

/// GitHub's "list releases" JSON, one page or the pages `gh api --paginate` prints.
@Suite struct GitHubReleasesTests {
    let target = try! ImportTarget.make(component: "api", repo: "acme/api").get()

    static let first = """
        {"tag_name": "v1.1.0-rc.1", "name": "RC", "draft": false, "prerelease": true,
         "published_at": "2021-02-01T10:00:00Z", "html_url": "https://github.com/acme/api/releases/tag/v1.1.0-rc.1",
         "author": {"login": "octocat"}, "target_commitish": "main", "body": "See [docs](docs/a.md)\\r\\n- fix",
         "assets": [{"name": "api.tar.gz", "size": 1234, "browser_download_url": "https://github.com/acme/api/releases/download/v1.1.0-rc.1/api.tar.gz",
                     "digest": "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}]}
        """
    static let second = """
        {"tag_name": "v1.0.0", "name": "", "draft": false, "prerelease": false, "published_at": "2021-01-01T10:00:00Z",
         "target_commitish": "0123456789abcdef0123456789abcdef01234567", "body": null, "assets": []},
        {"tag_name": "v2.0.0", "name": "Next", "draft": true, "prerelease": false, "published_at": null, "body": "wip"}
        """

    @Test(arguments: [
        "[\(first),\(second)]", "[\(first)][\(second)]", "[\(first)]\n[\(second)]\n", "[\(first)]\n\n  [\(second)]", "[[\(first)],[\(second)]]",
    ])
    func pages(text: String) throws {
        let releases = try GitHubReleases(file: "releases.json", target: target).convert(text).data.releases
        #expect(releases.map(\.version.text) == ["v1.1.0-rc.1", "v1.0.0", "v2.0.0"])
        let rc = releases[0]
        #expect(rc.title == "RC")
        #expect(rc.prereleaseFlag == true)
        #expect(rc.author == "octocat")
        #expect(rc.commit == nil)
        #expect(rc.tag == "v1.1.0-rc.1")
        #expect(rc.url == "https://github.com/acme/api/releases/tag/v1.1.0-rc.1")
        #expect(rc.notes == "See [docs](https://github.com/acme/api/blob/HEAD/docs/a.md)\n- fix")
        #expect(rc.publishedAt?.rfc3339 == "2021-02-01T10:00:00Z")
        #expect(
            rc.assets == [
                Release.Asset(
                    name: "api.tar.gz",
                    url: "https://github.com/acme/api/releases/download/v1.1.0-rc.1/api.tar.gz",
                    size: 1234,
                    sha256: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                )
            ]
        )
        #expect(releases[1].title == nil)
        #expect(releases[1].commit == "0123456789abcdef0123456789abcdef01234567")
        #expect(releases[2].status == .draft)
        #expect(releases[2].publishedAt == nil)
    }

    @Test func repositoryFromTheReleaseURLs() {
        #expect(GitHubReleases.repository(in: "[\(Self.first)]") == "acme/api")
        #expect(GitHubReleases.repository(in: "[]") == nil)
    }

    /// A body's relative links without a repository to resolve them against: left as they are, with a warning.
    @Test func relativeLinksWithoutABaseAreWarnedAbout() throws {
        let bare = try ImportTarget.make(component: "api").get()
        let text = #"[{"tag_name": "v1.0.0", "published_at": "2021-01-01T10:00:00Z", "body": "See [docs](docs/a.md)"}]"#
        let result = try GitHubReleases(file: "r.json", target: bare).convert(text)
        #expect(result.data.releases.first?.notes == "See [docs](docs/a.md)")
        #expect(result.warnings.map(\.description) == [#"r.json: [0].body: relative link "docs/a.md" left as it is: give --repo or --url"#])
    }

    @Test func everyProblemWithItsPath() throws {
        let text = try String(contentsOfFile: fixture("bad-releases.json"), encoding: .utf8)
        let error = try #require(throws: ImportError.self) { try GitHubReleases(file: "bad.json", target: target).convert(text) }
        #expect(
            error.problems.map(\.description) == [
                "bad.json: [1].tag_name: \"bad version\" is not a valid version: no '/', '\\', whitespace or control characters",
                "bad.json: [2].published_at: missing for a release that is not a draft",
                "bad.json: [3].tag_name: \"v1.1.0\" is given twice (first at [0])",
                "bad.json: [4].tag_name: missing: every release needs its tag",
            ]
        )
    }

    @Test func aDigestThatIsNotSHA256HexNamesItsPath() throws {
        let text = """
            [{"tag_name": "v1.0.0", "published_at": "2021-01-01T10:00:00Z",
              "assets": [{"browser_download_url": "https://example.com/a", "digest": "sha256:xyz"},
                         {"browser_download_url": "https://example.com/b", "digest": 7},
                         {"browser_download_url": "https://example.com/c", "digest": "sha512:abc"}]}]
            """
        let error = try #require(throws: ImportError.self) { try GitHubReleases(file: "d.json", target: target).convert(text) }
        #expect(
            error.problems.map(\.description) == [
                "d.json: [0].assets[0].digest: expected \"sha256:\" and 64 hex digits",
                "d.json: [0].assets[1].digest: expected a string, found a number",
            ]
        )
    }

    /// `gh api --paginate repos/O/N/releases --jq '.[]'` prints the releases one by one; `…/releases/latest` is one.
    @Test func releaseObjectsOneAfterAnother() throws {
        let text = """
            {"tag_name": "v1.1.0", "published_at": "2021-02-01T10:00:00Z"}
            {"tag_name": "v1.0.0", "published_at": "2021-01-01T10:00:00Z"}
            """
        let releases = try GitHubReleases(file: "r.json", target: target).convert(text).data.releases
        #expect(releases.map(\.version.text) == ["v1.1.0", "v1.0.0"])
        let error = try #require(throws: ImportError.self) {
            try GitHubReleases(file: "r.json", target: target).convert(#"{"message": "Not Found", "status": "404"}"#)
        }
        #expect(
            error.problems.map(\.description) == [#"r.json: line 1: expected an array of releases, found an object (GitHub answered "Not Found")"#]
        )
    }

    /// A monorepo's releases: `--tags 'api/v*'` takes one component's, the version after its prefix.
    @Test func tagsSelectAComponentsReleasesOfAMonorepo() throws {
        let text = """
            [{"tag_name": "api/v1.2.0", "published_at": "2024-02-01T00:00:00Z"},
             {"tag_name": "web/v3.0.0", "published_at": "2024-02-02T00:00:00Z"},
             {"tag_name": "api/v1.1.0", "published_at": "2024-01-01T00:00:00Z"},
             {"tag_name": "@acme/cli@2.0.0", "published_at": "2024-01-01T00:00:00Z"}]
            """
        let result = try GitHubReleases(file: "r.json", target: target, tags: "api/v*").convert(text)
        #expect(result.data.releases.map(\.version.text) == ["v1.2.0", "v1.1.0"])
        #expect(result.data.releases.map(\.tag) == ["api/v1.2.0", "api/v1.1.0"])
        #expect(result.warnings.map(\.description) == [#"r.json: 2 release(s) whose tag does not match "api/v*" left out"#])
        let scoped = try GitHubReleases(file: "r.json", target: target, tags: "@acme/cli@*").convert(text)
        #expect(scoped.data.releases.map(\.version.text) == ["2.0.0"])
        // Without --tags such a tag is no version, and the problem says how to take it.
        let error = try #require(throws: ImportError.self) { try GitHubReleases(file: "r.json", target: target).convert(text) }
        #expect(error.problems[0].description.hasSuffix("count with --tags 'api/v*'"))
    }

    @Test func invalidJSONNamesTheLine() throws {
        let error = try #require(throws: ImportError.self) {
            try GitHubReleases(file: "r.json", target: target).convert("[]\n[\n{\"tag_name\": }]")
        }
        #expect(error.problems.count == 1)
        #expect(error.problems[0].location == "r.json: line 3")
    }
}
