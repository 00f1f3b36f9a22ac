import Testing

@testable import ShiplogModel

/// A field of the data format that holds a name or title, and a document with `text` in it.
struct NameField: Sendable, CustomTestStringConvertible {
    /// The path its problems print, subject included.
    let path: String
    let document: @Sendable (String) -> String

    var testDescription: String { path }

    static let all: [NameField] = [
        NameField(path: "page.title") { dataFile(page: #"{"id": "acme", "title": \#($0)}"#) },
        NameField(path: "components[0].name") { dataFile(components: #"[{"slug": "api", "name": \#($0)}]"#) },
        NameField(path: "components[0].repo") { dataFile(components: #"[{"slug": "api", "repo": \#($0)}]"#) },
        release("title"), release("author"), release("tag"), release("code_name"),
        NameField(path: "releases[0].assets[0].name") {
            dataFile(releasesMember(releaseJSON("1.0.0", #""assets": [{"name": \#($0)}]"#)))
        },
        NameField(path: "groups[0].title") { other(#""groups": [{"version": "1", "title": \#($0)}]"#) },
        NameField(path: "sites[0].name") { other(#""sites": [{"slug": "globex", "name": \#($0)}]"#) },
        NameField(path: "deployments[0].host") {
            other(#""deployments": [{"component": "api", "version": "1.0.0", "environment": "prod", "host": \#($0)}]"#)
        },
        NameField(path: "deployments[0].actor") {
            other(#""deployments": [{"component": "api", "version": "1.0.0", "environment": "prod", "actor": \#($0)}]"#)
        },
    ]

    private static func release(_ key: String) -> NameField {
        NameField(path: "releases[0].\(key)") { dataFile(releasesMember(releaseJSON("1.0.0", #""\#(key)": \#($0)"#))) }
    }

    /// A document with release `api` 1.0.0 and `member`.
    private static func other(_ member: String) -> String { dataFile(releasesMember(releaseJSON()), member) }
}

/// Control and bidi control characters never get into names, titles, versions or slugs (SPEC §6.2).
@Suite struct TextRuleTests {
    /// C0 (tab and line breaks too), DEL, C1, and the bidi embedding, override and isolate controls,
    /// as code points (readable test names). U+0000 is refused by the JSON reader already.
    static let controls: [UInt32] = [0x1, 0x7, 0x9, 0xA, 0xD, 0x1B, 0x1F, 0x7F, 0x85, 0x9F]
    static let bidi: [UInt32] = [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069]

    private static func character(_ codePoint: UInt32) -> Character { Character(Unicode.Scalar(codePoint)!) }

    @Test(arguments: NameField.all, controls + bidi)
    func namesRefuseControls(field: NameField, codePoint: UInt32) {
        let text = "Evil \(Self.character(codePoint))title"
        let problems = loadProblems(field.document(JSONWriter.quoted(text)))
        #expect(problems.count == 1, "\(problems)")
        let problem = problems.first
        #expect(problem?.description.hasPrefix("data.json: \(field.path): \(JSONWriter.quoted(text)) contains a") == true, "\(problems)")
        #expect(problem?.message.contains(Self.controls.contains(codePoint) ? "control character" : "bidi control character") == true)
    }

    /// A problem quotes the refused text with the character escaped: printed raw, a control could
    /// act on the terminal and a bidi control could reorder the line that reports it.
    @Test(arguments: controls + bidi)
    func problemsShowControlsEscaped(codePoint: UInt32) throws {
        let problems = loadProblems(try #require(NameField.all.first).document(JSONWriter.quoted("Evil \(Self.character(codePoint))title")))
        let lines = problems.map(\.description).joined(separator: "\n")
        #expect(!problems.isEmpty)
        #expect(!lines.unicodeScalars.contains { Rules.isBidiControl($0) || ($0.value != 0x0A && Rules.isControl($0)) }, "\(lines)")
        #expect(try JSONParser.parse(Array(JSONWriter.quoted("a\(Self.character(codePoint))b").utf8)) == .string("a\(Self.character(codePoint))b"))
    }

    @Test func theWriterEscapesBidiAndC1Controls() {
        #expect(JSONWriter.quoted("a\u{202E}b\u{2066}c\u{85}d\u{7F}e\u{2028}é©") == #""a\u202eb\u2066c\u0085d\u007fe\u2028é©""#)
        // Other characters that start with the byte C2 are written as they are.
        #expect(JSONWriter.quoted("\u{A0}©°«\u{9F}") == "\"\u{A0}©°«\\u009f\"")
        #expect(JSONWriter.quoted("\u{A0}©°«") == "\"\u{A0}©°«\"")
    }

    @Test(arguments: NameField.all)
    func namesAcceptOtherText(field: NameField) throws {
        // Letters of any script, emoji, and right-to-left text that needs no override.
        _ = try DataLoader.load([source(field.document(JSONWriter.quoted("Café ✨ שלום 1.0 — «ok» \u{200D}")))])
    }

    @Test(arguments: bidi)
    func versionsRefuseBidiControls(codePoint: UInt32) {
        let version = "1.0.0\(Self.character(codePoint))"
        let problems = loadProblems(dataFile(releasesMember(releaseJSON(version))))
        #expect(problems.map(\.location) == ["releases[0].version"])
        #expect(problems.first?.message.contains("bidi control") == true, "\(problems)")
    }

    @Test(arguments: controls + bidi)
    func slugsRefuseControls(codePoint: UInt32) {
        let problems = loadProblems(dataFile(components: #"[{"slug": \#(JSONWriter.quoted("api\(Self.character(codePoint))"))}]"#))
        #expect(problems.map(\.location) == ["components[0].slug"])
    }

    @Test(arguments: controls + bidi)
    func requestBodiesRefuseThemToo(codePoint: UInt32) {
        let body = JSONValue.object([
            JSONMember("component", .string("api")), JSONMember("version", .string("1.0.0")),
            JSONMember("published_at", .string("2024-01-01T00:00:00Z")), JSONMember("title", .string("a\(Self.character(codePoint))b")),
        ])
        do {
            _ = try ValueDecoding.release(body, source: "request body")
            Issue.record("expected the release to be refused")
        } catch {
            // The API names the field plainly: no subject at the root of a request body.
            #expect(error.problems.map(\.location) == ["title"])
        }
    }
}

/// Problems inside a release name it by component and version, after the message: the path stays a JSON path.
@Suite struct ReleaseSubjectTests {
    @Test func aReleaseIsNamedAfterItsIndex() {
        let releases = (0..<3).map { releaseJSON("7.0.0-beta.\($0)") } + [releaseJSON("7.0.0-beta.3", component: "web", date: nil)]
        let problems = loadProblems(dataFile(releasesMember(releases.joined(separator: ", "))))
        #expect(
            problems.map(\.description) == [#"data.json: releases[3].published_at: missing required field "published_at" (release web 7.0.0-beta.3)"#]
        )
        #expect(problems.first?.path.description == "releases[3].published_at", "the JSON path itself stays a path")
    }

    @Test func anInvalidIdentityIsNotUsedAsAName() {
        let problems = loadProblems(dataFile(releasesMember(releaseJSON("1..2", #""url": "ftp://x""#))))
        #expect(problems.map(\.location) == ["releases[0].version", "releases[0].url"])
    }

    @Test func subjectsPrintBeforeEveryKindOfStep() {
        let subject = DataProblem.Subject(depth: 2, text: "api 1.0.0")
        func location(_ steps: [JSONPath.Component]) -> String {
            JSONPath(components: [.key("releases"), .index(4)] + steps).description(naming: subject)
        }
        #expect(location([]) == "releases[4] (api 1.0.0)")
        #expect(location([.key("notes")]) == "releases[4] (api 1.0.0).notes")
        #expect(location([.key("assets"), .index(0), .key("url")]) == "releases[4] (api 1.0.0).assets[0].url")
        #expect(location([.key("a b")]) == #"releases[4] (api 1.0.0)["a b"]"#)
    }
}
