import ShiplogModel
import Testing

@testable import ShiplogSite

@Suite struct SitePathsTests {
    @Test(arguments: [
        ("v1.0.0", "v1.0.0"),
        ("1.0.0+build.5", "1.0.0+build.5"),
        ("spring 24?#", "spring%2024%3F%23"),
        ("ünï", "%C3%BCn%C3%AF"),
    ])
    func encodesPathSegments(segment: String, encoded: String) {
        #expect(SitePaths.encode(segment) == encoded)
    }

    @Test(
        arguments: [
            (nil, "/"),
            ("https://releases.acme.example", "/"),
            ("https://releases.acme.example/", "/"),
            ("https://acme.example/releases", "/releases/"),
            ("https://acme.example/a/b/?x=1", "/a/b/"),
        ] as [(String?, String)]
    )
    func basePathOfBaseURL(url: String?, path: String) {
        #expect(SitePaths.basePath(url) == path)
    }

    @Test func absoluteLinksJoinWithOneSlash() {
        #expect(SitePaths.absolute("feed.json", base: "https://a.example") == "https://a.example/feed.json")
        #expect(SitePaths.absolute("feed.json", base: "https://a.example/") == "https://a.example/feed.json")
        #expect(SitePaths.absolute("feed.json", base: nil) == "feed.json")
    }

    @Test(arguments: [(0, "0 B"), (999, "999 B"), (1000, "1.0 kB"), (1_234_567, "1.2 MB"), (5_000_000_000, "5.0 GB")])
    func humanSizes(bytes: Int, text: String) {
        #expect(Views.humanSize(bytes) == text)
    }

    @Test func escapesXML() {
        #expect(escapeXML("a < b & \"c\" > d") == "a &lt; b &amp; &quot;c&quot; &gt; d")
        #expect(escapeXML("bell\u{7}") == "bell")
        #expect(escapeXML("plain") == "plain")
    }
}
