import ShiplogModel
import Testing

@testable import ShiplogImport

/// Relative links against the component URL, definitions, destinations replaced in place.
@Suite struct LinkTests {
    let base = LinkBase(componentURL: "https://github.com/acme/api", document: "CHANGELOG.md")

    @Test(arguments: [
        ("Documentation/01 Getting Started.md", false, "https://github.com/acme/api/blob/HEAD/Documentation/01%20Getting%20Started.md"),
        ("docs/a.md#usage", false, "https://github.com/acme/api/blob/HEAD/docs/a.md#usage"),
        ("./README.md", false, "https://github.com/acme/api/blob/HEAD/README.md"),
        ("/Sources/x.swift", false, "https://github.com/acme/api/blob/HEAD/Sources/x.swift"),
        ("#1-2-0", false, "https://github.com/acme/api/blob/HEAD/CHANGELOG.md#1-2-0"),
        ("images/shot.png", true, "https://github.com/acme/api/raw/HEAD/images/shot.png"),
        ("//cdn.example/x", false, "https://cdn.example/x"),
    ])
    func relative(destination: String, isImage: Bool, expected: String) {
        #expect(base.absolute(destination, isImage: isImage) == expected)
    }

    @Test(arguments: ["https://x.example/a", "mailto:a@b.example", "", "HTTP://X.EXAMPLE"])
    func absoluteStays(destination: String) {
        #expect(base.absolute(destination, isImage: false) == nil)
    }

    @Test func definitions() throws {
        let plain = try #require(LinkDefinition(line: "[#911]: https://github.com/apple/swift-argument-parser/pull/911"))
        #expect(plain.label == "#911")
        #expect(plain.destination == "https://github.com/apple/swift-argument-parser/pull/911")
        let titled = try #require(LinkDefinition(line: "  [Docs]: <docs/a b.md> \"The docs\""))
        #expect(titled.destination == "docs/a b.md")
        #expect(titled.title == "\"The docs\"")
        #expect(titled.markdown == "[Docs]: <docs/a b.md> \"The docs\"")
        #expect(LinkDefinition(line: "    [x]: indented-is-code") == nil)
        #expect(LinkDefinition(line: "[x] not a definition") == nil)
    }

    @Test func labelsAndReplacements() {
        #expect(MarkdownLinks.bracketedLabels(in: "Thanks [ Compnerd ] and [#911][], see [docs][Guide]") == ["compnerd", "#911", "docs", "guide"])
        let text = "See [a](docs/a.md) and ![b](img.png \"t\") and [c](<docs/c d.md>)\n[d]: docs/a.md"
        let replaced = MarkdownLinks.replacingDestinations(
            in: text,
            ["docs/a.md": "https://x.example/a.md", "docs/c d.md": "https://x.example/c%20d.md"]
        )
        #expect(
            replaced == "See [a](https://x.example/a.md) and ![b](img.png \"t\") and [c](<https://x.example/c%20d.md>)\n[d]: https://x.example/a.md"
        )
    }
}
