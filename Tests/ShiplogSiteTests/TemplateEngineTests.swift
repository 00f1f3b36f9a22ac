import Foundation
import Mustache
import ShiplogModel
import Testing

@testable import ShiplogSite

/// The compiled template engine against swift-mustache, the reference implementation.
@Suite struct TemplateEngineTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardizedFileURL.path

    /// The example data of the repository (`site/data.json`).
    static func exampleData() throws -> ReleaseData {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: root + "/site/data.json")))
        return try DataLoader.load([DataSource(name: "data.json", bytes: bytes)]).data
    }

    /// A builder with the default theme (`templates/`) that is only asked to plan and render.
    static func builder() -> SiteBuilder {
        SiteBuilder(options: SiteOptions(output: "/nonexistent", templates: root + "/templates"))
    }

    /// Renders `template` with both engines.
    static func both(_ template: String, _ context: TemplateObject, partials: [String: String] = [:]) throws -> (String, String) {
        var ours: [String: CompiledTemplate] = ["main": try TemplateParser.parse(template)]
        var reference = MustacheLibrary()
        try reference.register(template, named: "main")
        for (name, text) in partials {
            ours[name] = try TemplateParser.parse(text)
            try reference.register(text, named: name)
        }
        return (TemplateLibrary(templates: ours).render("main", context), reference.render(plain(.object(context)), withTemplate: "main") ?? "")
    }

    /// A template value as the plain Swift values swift-mustache reads.
    static func plain(_ value: TemplateValue) -> Any {
        switch value {
        case .string(let text): text
        case .lazy(let text): text.value
        case .bool(let flag): flag
        case .int(let number): number
        case .list(let items): items.map(plain)
        case .object(let object): object.dictionary.mapValues(plain)
        }
    }

    @Test(arguments: [
        "Hello {{name}}!",
        "{{{html}}} {{html}} {{&html}}",
        "{{#flag}}yes{{/flag}}{{^flag}}no{{/flag}}",
        "{{#missing}}x{{/missing}}{{^missing}}none{{/missing}}",
        "<ul>\n{{#items}}\n  <li>{{name}}{{^last()}},{{/last()}}</li>\n{{/items}}\n</ul>\n",
        "{{#items}}{{#first()}}[{{/first()}}{{name}}{{/items}}",
        "{{^empty(items)}}has{{/empty(items)}}{{#empty(none)}}empty{{/empty(none)}}",
        "{{#nested}}{{inner.value}} {{name}}{{/nested}}",
        "{{#nested}}{{#.name}}own{{/.name}}{{^.name}}not own{{/.name}}{{/nested}}",
        "  {{! comment }}\nline\n  {{#flag}}\n  inside\n  {{/flag}}\nend",
        "{{#strings}}<{{.}}>{{/strings}}",
        "{{count}} {{flag}}",
        "{{>part}}|{{#items}}{{>part}}{{/items}}",
    ])
    func matchesTheReference(template: String) throws {
        let context: TemplateObject = [
            "name": "Ada & <Bob>", "html": "<b>'x'</b>", "flag": true, "count": 3,
            "items": .objects([["name": "a"], ["name": "b"], ["name": "c"]]),
            "none": .list([]),
            "strings": .strings(["x", "y"]),
            "nested": .object(["inner": .object(["value": "v"])]),
        ]
        let (ours, reference) = try Self.both(template, context, partials: ["part": "({{name}})\n"])
        #expect(ours == reference)
    }

    @Test func inheritanceOverridesBlocks() throws {
        let (ours, reference) = try Self.both(
            "{{<base}}{{$title}}Mine{{/title}}{{/base}}",
            ["x": "1"],
            partials: ["base": "<h1>{{$title}}Default{{/title}}</h1>\n{{$body}}Body {{x}}{{/body}}\n"]
        )
        #expect(ours == "<h1>Mine</h1>\nBody 1\n")
        #expect(ours == reference)
    }

    /// A standalone partial is indented line by line, the lines its sections repeat too, as the
    /// Mustache spec's "Standalone Indentation" asks (swift-mustache indents only the first
    /// iteration's line here, so this is held to the spec rather than to the reference).
    @Test func standalonePartialsAreIndentedLineByLine() throws {
        let (ours, _) = try Self.both(
            "<ul>\n  {{>item}}\n</ul>\n",
            ["name": "a & b", "items": .objects([["name": "x"], ["name": "y"]])],
            partials: ["item": "<li>{{name}}</li>\n{{#items}}\n<li>{{name}}</li>\n{{/items}}\n"]
        )
        #expect(ours == "<ul>\n  <li>a &amp; b</li>\n  <li>x</li>\n  <li>y</li>\n</ul>\n")
    }

    /// Blocks are overridden through two levels of parents, the most derived template winning,
    /// and a block no template overrides keeps its default.
    @Test func nestedParentsRenderLikeTheReference() throws {
        let (ours, reference) = try Self.both(
            "{{<middle}}{{$title}}Leaf{{/title}}{{/middle}}",
            ["name": "a"],
            partials: [
                "middle": "{{<base}}{{$title}}Middle{{/title}}{{$footer}}Middle footer{{/footer}}{{/base}}",
                "base":
                    "<h1>{{$title}}Base{{/title}}</h1>\n<p>{{$body}}Base body {{name}}{{/body}}</p>\n<footer>{{$footer}}Base footer{{/footer}}</footer>\n",
            ]
        )
        #expect(ours == "<h1>Leaf</h1>\n<p>Base body a</p>\n<footer>Middle footer</footer>\n")
        #expect(ours == reference)
    }

    @Test func reportsSyntaxErrorsWithTheirLine() {
        #expect(throws: TemplateSyntaxError.self) { try TemplateParser.parse("a\n{{#open}}\nb") }
        do {
            _ = try TemplateParser.parse("a\n{{#open}}\nb{{/other}}")
        } catch {
            #expect(error.line == 3)
        }
        #expect(throws: TemplateSyntaxError.self) { try TemplateParser.parse("{{unknown(x)}}") }
    }

    /// Every page of the example site, rendered by both engines from the same contexts.
    @Test func defaultThemeRendersLikeTheReference() async throws {
        let (plan, renderer) = try await Self.builder().prepare(try Self.exampleData())
        let reference = try await MustacheLibrary(directory: Self.root + "/templates")
        var pages = 0
        for planned in plan.outputs {
            guard let (template, context) = renderer.htmlPage(planned.output) else { continue }
            let expected = reference.render(Self.plain(.object(context)), withTemplate: template)
            #expect(String(decoding: renderer.render(planned.output), as: UTF8.self) == expected, "\(planned.path)")
            pages += 1
        }
        #expect(pages > 20)
    }
}
