import Foundation
import Testing

/// Every link the site makes to itself — in pages, feeds, the sitemap and `latest.json` — leads to one of its files.
@Suite("links")
struct LinkTests {
    @Test("the example site has no broken internal link")
    func exampleSite() throws {
        try withExampleSite { _, site in
            let broken = try LinkChecker(site: site, baseURL: "https://releases.nimbus.example/").brokenLinks()
            #expect(broken == [])

            // The checker itself notices a page that is gone.
            try FileManager.default.removeItem(at: site.appendingPathComponent("components/api/v1.8.0/index.html"))
            let afterRemoval = try LinkChecker(site: site, baseURL: "https://releases.nimbus.example/").brokenLinks()
            #expect(afterRemoval.contains("sitemap.xml: https://releases.nimbus.example/components/api/v1.8.0/"))
            #expect(
                afterRemoval.contains("components/api/index.html: v1.8.0/") || afterRemoval.contains { $0.hasPrefix("components/api/index.html: ") }
            )
        }
    }

    @Test("links work with awkward versions, with a base URL below the host root and without one", arguments: [nil, "https://acme.example/releases"])
    func awkwardVersions(baseURL: String?) throws {
        try withTemporaryDirectory { tmp in
            var fixture = DataFixture(baseURL: baseURL)
            fixture.addComponent("api", url: "https://github.com/acme/api")
            fixture.addComponent("web.app", name: "Web")
            fixture.addRelease(
                "api",
                "1.0.0+build.5",
                publishedAt: "2024-01-01T00:00:00Z",
                notes: "See #1 and [the docs](https://docs.acme.example/)."
            )
            fixture.addRelease("api", "2.0#x", publishedAt: "2024-02-01T00:00:00Z")
            fixture.addRelease("api", "3.0%20y?z", publishedAt: "2024-03-01T00:00:00Z")
            fixture.addRelease("web.app", "spring-24", publishedAt: "2024-03-02T00:00:00Z")
            fixture.addRelease("web.app", "v1.0.0", publishedAt: "2024-03-03T00:00:00Z")
            fixture.groups = [
                ["version": "2024.1", "members": ["api": "1.0.0+build.5", "web.app": "v1.0.0"]],
                ["version": "g#1&2", "members": ["api": "3.0%20y?z"]],
            ]
            fixture.deployments = [["component": "api", "version": "2.0#x", "environment": "production", "status": "success"]]
            let site = try buildSite(fixture, in: tmp)
            for path in ["components/api/2.0#x/index.html", "components/api/3.0%20y?z/index.html", "groups/g#1&2/index.html"] {
                #expect(fileExists(site.appendingPathComponent(path)), "missing \(path)")
            }
            let broken = try LinkChecker(site: site, baseURL: baseURL).brokenLinks()
            #expect(broken == [])
        }
    }
}

/// Resolves links the way a browser or feed reader does, against the URL each file is served at.
struct LinkChecker {
    let site: URL
    /// Where the site is served: the page's `base_url`, else a stand-in host.
    let base: URL
    let hasBaseURL: Bool

    init(site: URL, baseURL: String?) {
        self.site = site
        hasBaseURL = baseURL != nil
        let text = baseURL ?? "https://site.invalid/"
        base = URL(string: text.hasSuffix("/") ? text : text + "/")!
    }

    /// `FILE: LINK` for every link that leads nowhere, or to the wrong kind of file.
    func brokenLinks() throws -> [String] {
        var broken: [String] = []
        for path in try regularFiles(under: site) {
            let file = site.appendingPathComponent(path)
            var links: [(link: String, wants: Target)] = []
            switch (path as NSString).lastPathComponent {
            case let name where name.hasSuffix(".html"):
                let html = try readText(file)
                for match in html.matches(of: #/(?:href|src)="([^"]*)"/#) where !match.output.1.isEmpty {
                    links.append((unescapeHTML(String(match.output.1)), .anyFile))
                }
            case "feed.json":
                let feed = try readJSONObject(file)
                links.append((feed["home_page_url"] as? String ?? "", .page))
                links.append((feed["feed_url"] as? String ?? "", .itself))
                for item in feed["items"] as? [[String: Any]] ?? [] { links.append((item["url"] as? String ?? "", .page)) }
            case "atom.xml":
                let atom = try AtomFeed(file)
                for link in atom.feedLinks { links.append((link.href, link.rel == "self" ? .itself : .page)) }
                links += atom.entryLinks.map { ($0, .page) }
            case "sitemap.xml" where hasBaseURL:
                // sitemaps.org wants absolute URLs, which only a base URL can give.
                let xml = try readText(file)
                links += xml.matches(of: #/<loc>([^<]*)</loc>/#).map { (unescapeHTML(String($0.output.1)), .page) }
            case "search.json" where path == "search.json":
                // The search index's links are relative to the site root, as the index itself is.
                for component in try readJSONObject(file)["components"] as? [[String: Any]] ?? [] {
                    let folder = component["path"] as? String ?? ""
                    let index = component["index"] as? String ?? ""
                    links += [(folder, .page), (index, .anyFile)]
                    let releases = try readJSONObject(site.appendingPathComponent(index))["releases"] as? [[String]] ?? []
                    for release in releases {
                        let version = release.first?.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? ""
                        links.append((folder + version + "/", .page))
                    }
                }
            case "latest.json":
                if let url = try readJSONObject(file)["url"] as? String { links.append((url, .page)) }
            default:
                break
            }
            for (link, wants) in links where !leadsWhereItShould(link, from: path, wants: wants) {
                broken.append("\(path): \(link.isEmpty ? "(empty)" : link)")
            }
        }
        return broken
    }

    enum Target { case anyFile, page, itself }

    private func leadsWhereItShould(_ link: String, from source: String, wants: Target) -> Bool {
        let encodedSource = source.split(separator: "/").map { String($0).addingPercentEncoding(withAllowedCharacters: .urlPathAllowed)! }
        guard let page = URL(string: encodedSource.joined(separator: "/"), relativeTo: base) else { return false }
        guard let resolved = link.isEmpty ? page.absoluteURL : URL(string: link, relativeTo: page)?.absoluteURL else { return false }
        // Links elsewhere (other hosts, mailto:, data:) are not the site's business.
        guard resolved.scheme == base.scheme, resolved.host == base.host else { return true }
        let basePath = base.path.hasSuffix("/") ? base.path : base.path + "/"
        let fullPath = resolved.path + (resolved.hasDirectoryPath && !resolved.path.hasSuffix("/") ? "/" : "")
        guard fullPath.hasPrefix(basePath) || fullPath + "/" == basePath else { return false }
        var target = String(fullPath.dropFirst(min(basePath.count, fullPath.count)))
        if target.isEmpty || target.hasSuffix("/") { target += "index.html" }
        guard fileExists(site.appendingPathComponent(target)) else { return false }
        switch wants {
        case .anyFile: return true
        case .page: return target.hasSuffix(".html")
        case .itself: return target == source
        }
    }

    private func unescapeHTML(_ text: String) -> String {
        text.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
    }
}
