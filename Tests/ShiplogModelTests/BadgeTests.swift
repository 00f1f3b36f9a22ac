import Foundation
import Testing

@testable import ShiplogModel

#if canImport(FoundationXML)
import FoundationXML
#endif

/// README badges (SPEC §9): the width table, the SVG and shields' endpoint document.
@Suite struct BadgeTests {
    @Test func theTableCoversPrintableASCII() {
        #expect(VerdanaWidths.table.count == 95)
        // Known advances of Verdana 11px (tenths of a pixel).
        #expect(VerdanaWidths.width(of: " ") == 39)
        #expect(VerdanaWidths.width(of: "0") == 70)
        #expect(VerdanaWidths.width(of: "i") == 30)
        #expect(VerdanaWidths.width(of: "m") == 110)
        #expect(VerdanaWidths.width(of: "W") == 110)
        #expect(VerdanaWidths.width(of: "~") == 90)
        #expect(VerdanaWidths.width(of: "v1.2.3") == 65 + 70 + 40 + 70 + 40 + 70)
    }

    @Test func otherCharactersTakeTheFallbackWidth() {
        #expect(VerdanaWidths.width(of: "日本") == 2 * VerdanaWidths.fallback)
        // One grapheme, however many scalars.
        #expect(VerdanaWidths.width(of: "e\u{301}") == VerdanaWidths.fallback)
        #expect(VerdanaWidths.width(of: "\u{7}") == 0)
    }

    @Test func widthsGrowWithTheText() {
        #expect(Badge.textWidth("1.0.0") < Badge.textWidth("1.0.0-beta.1"))
        #expect(Badge.textWidth("iii") < Badge.textWidth("WWW"))
        #expect(Badge.textWidth("") == 0)
        // Rounded up: 4.3px is 5px.
        #expect(Badge.textWidth("!") == 5)
    }

    @Test func theEndpointDocumentHasExactlyShieldsKeys() throws {
        let badge = Badge(label: "Public \"API\"", message: "v1.2.3", color: .blue)
        #expect(badge.endpointJSON == #"{"schemaVersion":1,"label":"Public \"API\"","message":"v1.2.3","color":"blue"}"# + "\n")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(badge.endpointJSON.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["schemaVersion", "label", "message", "color"])
    }

    @Test func theSVGIsWellFormedAndSizedToItsText() throws {
        let short = Badge(label: "api", message: "1.0", color: .blue)
        let long = Badge(label: "api", message: "1.0.0-beta.12+build.7", color: .orange)
        let shortSVG = try SVGRoot(short.svg)
        let longSVG = try SVGRoot(long.svg)
        #expect(shortSVG.attributes["width"] == String(2 * 10 + Badge.textWidth("api") + Badge.textWidth("1.0")))
        #expect(Int(longSVG.attributes["width"] ?? "") ?? 0 > Int(shortSVG.attributes["width"] ?? "") ?? .max)
        for (badge, root) in [(short, shortSVG), (long, longSVG)] {
            #expect(root.name == "svg")
            #expect(root.attributes["role"] == "img")
            #expect(root.attributes["aria-label"] == "\(badge.label): \(badge.message)")
            #expect(root.title == "\(badge.label): \(badge.message)")
        }
        #expect(long.svg.contains("#fe7d37"))
        // Nothing to load: the only URL is the SVG namespace.
        #expect(short.svg.components(separatedBy: "http").count == 2)
        #expect(!short.svg.contains("href"))
    }

    @Test func labelsAreEscaped() throws {
        let badge = Badge(label: "R&D <tools> 'x\"", message: "1.0", color: .blue)
        let root = try SVGRoot(badge.svg)
        #expect(root.attributes["aria-label"] == "R&D <tools> 'x\": 1.0")
        #expect(root.title == "R&D <tools> 'x\": 1.0")
        #expect(badge.svg.contains("R&amp;D &lt;tools&gt;"))
    }

    /// Text XML cannot carry (U+FFFE, U+FFFF, C0 controls) is left out, as in the feeds (SPEC §6.2):
    /// a badge with it is still an SVG a browser draws.
    @Test func textXMLCannotCarryIsLeftOut() throws {
        let badge = Badge(label: "Core\u{FFFF}\u{1}", message: "2.0.0-x\u{FFFE}", color: .orange)
        let root = try SVGRoot(badge.svg)
        #expect(root.attributes["aria-label"] == "Core: 2.0.0-x")
        #expect(root.title == "Core: 2.0.0-x")
    }
}

/// The root element of an SVG as an XML parser reads it (one that is not well-formed throws), and
/// its `<title>`.
private struct SVGRoot {
    var name: String
    var attributes: [String: String] = [:]
    var title: String

    init(_ svg: String) throws {
        let root = try #require(try XMLDocument(data: Data(svg.utf8)).rootElement())
        name = root.name ?? ""
        for attribute in root.attributes ?? [] { attributes[attribute.name ?? ""] = attribute.stringValue ?? "" }
        title = root.children?.first { $0.name == "title" }?.stringValue ?? ""
    }
}

/// Which version a badge shows (SPEC §9): the latest; what runs in an environment.
@Suite struct CatalogBadgeTests {
    private static func day(_ n: Int64) -> Timestamp { Timestamp(seconds: 1_704_067_200 + n * 86_400) }

    private static let catalog = Catalog(
        data: ReleaseData(
            page: Page(id: "acme", title: "Acme"),
            components: [Component(slug: "api", name: "Public API"), Component(slug: "web"), Component(slug: "cli")],
            releases: [
                Release(component: "api", version: Version("1.0.0"), publishedAt: day(0)),
                Release(component: "api", version: Version("1.1.0"), publishedAt: day(1)),
                Release(component: "api", version: Version("2.0.0-rc.1"), publishedAt: day(2)),
                Release(component: "api", version: Version("2.0.0"), status: .draft),
                Release(component: "web", version: Version("0.1.0-beta.1"), publishedAt: day(0)),
            ],
            environments: [Environment(name: "production"), Environment(name: "staging")],
            deployments: [
                Deployment(component: "api", version: "1.1.0", environment: "production", finishedAt: day(3)),
                Deployment(component: "api", version: "1.0.0", environment: "production", finishedAt: day(4)),
                Deployment(component: "api", version: "1.1.0", environment: "production", status: .failure, finishedAt: day(5)),
                Deployment(component: "api", version: "2.0.0", environment: "staging", finishedAt: day(6)),
                Deployment(component: "api", version: "2.0.0-rc.1", environment: "staging", finishedAt: day(1)),
            ]
        )
    )

    @Test func aComponentShowsItsLatestElseItsPrereleaseElseNone() {
        #expect(Self.catalog.componentBadge(0) == Badge(label: "Public API", message: "1.1.0", color: .blue))
        #expect(Self.catalog.componentBadge(1) == Badge(label: "web", message: "0.1.0-beta.1", color: .orange))
        #expect(Self.catalog.componentBadge(2) == Badge(label: "cli", message: "none", color: .lightgrey))
    }

    @Test func anEnvironmentShowsItsNewestSuccessfulDeploymentOfAShownRelease() {
        // The rollback to 1.0.0 is newer than 1.1.0; the failed one does not count.
        #expect(Self.catalog.environmentBadge(environment: "production", component: 0) == Badge(label: "production", message: "1.0.0", color: .blue))
        // The draft 2.0.0 is never shown: the pre-release deployed before it is what the site knows.
        #expect(Self.catalog.environmentBadge(environment: "staging", component: 0) == Badge(label: "staging", message: "2.0.0-rc.1", color: .orange))
        #expect(Self.catalog.environmentBadge(environment: "staging", component: 1).message == "none")
        #expect(Self.catalog.deployedReleases()["production"]?["api"] == Self.catalog.deployedRelease(component: "api", environment: "production"))
        #expect(Self.catalog.badgeEnvironments == ["production", "staging"])
    }
}
