import Foundation
import ShiplogModel
import Testing

@testable import ShiplogSite

/// The contexts of the home and component pages (issue 15, "The page").
@Suite struct PageContextTests {
    /// `count` releases of `api` (majors of 60), a release candidate above the latest, and a named release.
    static func data(count: Int) throws -> ReleaseData {
        var releases: [[String: Any]] = (0..<count).map { n in
            ["component": "api", "version": "\(n / 60).\(n / 10 % 6).\(n % 10)", "published_at": "2020-01-01T00:00:00Z", "notes": "Fix \(n)."]
        }
        releases.append(["component": "api", "version": "99.0.0-rc.1", "published_at": "2024-01-01T00:00:00Z", "notes": "RC."])
        releases.append(["component": "api", "version": "spring-24", "published_at": "2019-01-01T00:00:00Z"])
        releases.append([
            "component": "web", "version": "1.0.0", "published_at": "2024-02-01T00:00:00Z",
            "notes": "### Added\n- **Dark** mode ([#4](https://example.com/4))\n<b>more</b>",
        ])
        let json: [String: Any] = [
            "page": ["id": "acme", "title": "Acme", "base_url": "https://acme.example/"],
            "components": [["slug": "api"], ["slug": "web", "description": "The web app."]],
            "releases": releases,
        ]
        let bytes = try [UInt8](JSONSerialization.data(withJSONObject: json))
        return try DataLoader.load([DataSource(name: "data.json", bytes: bytes)]).data
    }

    static func renderer(_ data: ReleaseData) async throws -> (SitePlan, PageRenderer) {
        try await TemplateEngineTests.builder().prepare(data)
    }

    static func list(_ value: TemplateValue?) -> [TemplateObject] {
        guard case .list(let items)? = value else { return [] }
        return items.compactMap { if case .object(let object) = $0 { object } else { nil } }
    }

    static func versions(_ value: TemplateValue?) -> [String] { list(value).compactMap { $0[string: "version"] } }

    @Test func componentPageListsNewestFirstAndGroupsTheRestByMajor() async throws {
        let data = try Self.data(count: 315)
        let (plan, renderer) = try await Self.renderer(data)
        let context = try #require(renderer.htmlPage(.component(0))?.1)
        #expect(context["latest"].map { Self.versions(.list([$0])) } == ["5.1.4"])
        let recent = Self.versions(context["recent_releases"])
        // Newest first in version order (SPEC §4): the pre-release above the latest stays above it.
        #expect(recent.prefix(3) == ["99.0.0-rc.1", "5.1.4", "5.1.3"])
        let marked = Self.list(context["recent_releases"]).map { release in
            if case .bool(true)? = release["is_latest"] { true } else { false }
        }
        #expect(marked.prefix(3) == [false, true, false])
        #expect(recent.count == PageRenderer.fullReleasesPerComponentPage)
        let majors = Self.list(context["earlier_majors"])
        #expect(majors.compactMap { $0[string: "label"] } == ["5.x", "4.x", "3.x", "2.x", "1.x", "0.x", "Other versions"])
        #expect(majors.compactMap { $0[string: "anchor"] }.last == "other-versions")
        // Every visible release is on the page exactly once: in full or in its major's list.
        let listed = recent + majors.flatMap { Self.versions($0["releases"]) }
        let visible = plan.visibleReleases[0].map { data.releases[$0].version.text }
        #expect(listed.count == visible.count && Set(listed) == Set(visible))
        #expect(Self.versions(context["earlier_releases"]) == majors.flatMap { Self.versions($0["releases"]) })
        if case .int(let count)? = majors.first?["count"] { #expect(count == 6) } else { Issue.record("no count") }
    }

    @Test func aComponentWithoutALatestKeepsVersionOrder() async throws {
        var data = try Self.data(count: 0)
        data.releases.removeAll { $0.component == "web" || !$0.isPrerelease }
        let (_, renderer) = try await Self.renderer(data)
        let context = try #require(renderer.htmlPage(.component(0))?.1)
        #expect(context["latest"] == nil)
        #expect(Self.versions(context["recent_releases"]) == ["99.0.0-rc.1"])
        #expect(context["has_earlier_releases"].map { if case .bool(let b) = $0 { b } else { true } } == false)
    }

    @Test func homePageLeadsWithTheNewestReleasesAndTheirFirstLines() async throws {
        let (_, renderer) = try await Self.renderer(try Self.data(count: 12))
        let context = try #require(renderer.htmlPage(.index)?.1)
        let latest = Self.list(context["latest_releases"])
        #expect(latest.count == PageRenderer.latestReleasesOnIndex)
        #expect(latest.first?[string: "version"] == "1.0.0")
        #expect(latest.first?[string: "excerpt"] == "Added · Dark mode (#4) · more")
        #expect(context[string: "page_description"] == "Release notes for Acme.")
        #expect(context[string: "og_type"] == "website")
    }

    @Test func everyPageHasADescriptionAndAnOpenGraphType() async throws {
        let (plan, renderer) = try await Self.renderer(try Self.data(count: 3))
        for planned in plan.outputs {
            guard let (_, context) = renderer.htmlPage(planned.output) else { continue }
            #expect(context[string: "og_type"] != nil, "\(planned.path)")
            if planned.output != .notFound { #expect(!(context[string: "page_description"] ?? "").isEmpty, "\(planned.path)") }
        }
        let web = try #require(renderer.htmlPage(.component(1))?.1)
        #expect(web[string: "page_description"] == "The web app.")
        let release = try #require(plan.outputs.first { $0.path == "components/web/1.0.0/index.html" })
        let page = try #require(renderer.htmlPage(release.output)?.1)
        #expect(page[string: "og_type"] == "article")
        #expect(page[string: "page_description"] == "Added · Dark mode (#4)")
    }

    @Test func theThemeHasAFavicon() async throws {
        let (plan, _) = try await Self.renderer(try Self.data(count: 1))
        #expect(plan.outputs.contains { $0.path == "assets/favicon.svg" })
    }

    @Test(arguments: [
        ("", ""),
        ("Just one line.", "Just one line."),
        ("# Title\n\n- one\n- two\n- three\n- four", "Title · one · two"),
        ("```\ncode\n```\n1. First `thing`\n---\n> quoted _text_", "First thing · quoted text"),
        ("See <https://a.example/x> and ![logo](l.png) [docs](https://d.example)", "See https://a.example/x and logo docs"),
    ])
    func excerptsArePlainText(markdown: String, expected: String) {
        #expect(Excerpt.firstLines(of: markdown) == expected)
    }

    @Test func longExcerptsAreCutAtAWord() {
        let text = Excerpt.firstLines(of: String(repeating: "word ", count: 100), limit: 22)
        #expect(text == "word word word word…")
    }
}
