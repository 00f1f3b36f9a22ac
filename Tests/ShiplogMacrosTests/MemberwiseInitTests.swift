import Foundation
import ShiplogMacroSupport
import Testing

// `@MemberwiseInit` tested through its use, as the package's own types use it. This target depends
// on ShiplogMacroSupport only, never on the macro's implementation (ShiplogMacros): when a test
// target depends on a macro target, SwiftPM builds every test target and all their dependencies a
// second time, for the host, which doubled CI's build (718 s against 319 s). Each `init(…)` reference
// below names the whole parameter list, so a parameter too many or too few does not compile; the
// refusals are compile errors, checked by compiling a snippet with the built plugin.

@MemberwiseInit
public struct PageProbe: Equatable {
    public let id: String
    public var description: String?
    public var feedLimit: Int = 50
    public let kind = "page"
    public internal(set) var isStale = false
}

@MemberwiseInit
struct LeaseProbe: Equatable {
    let owner: String?
    var until: Int?
    private var renewals: Int = 0

    var renewed: Int { renewals }
}

@MemberwiseInit(unlabeled: 2)
public struct HeaderProbe: Equatable {
    public var name: String
    public var value: String
    public var folded: Bool = false
}

@MemberwiseInit
struct CounterProbe {
    static let zero = 0
    var count: Int {
        didSet { changed = true }
    }
    var changed: Bool = false
    var isEmpty: Bool { count == 0 }
    var double: Int {
        get { count * 2 }
        set { count = newValue / 2 }
    }
    lazy var text: String = String(count)
}

@MemberwiseInit
actor SenderProbe {
    let send: @Sendable (String) async -> Void
    let report: (@Sendable (String) -> Void)?
    var a, b: Int
}

@MemberwiseInit
final class BoxProbe: Sendable {
    let value: Int
}

@Suite("@MemberwiseInit")
struct MemberwiseInitTests {
    @Test("a public struct: one parameter per settable stored property, defaults from initial values and nil")
    func publicStruct() {
        let make: (String, String?, Int) -> PageProbe = PageProbe.init(id:description:feedLimit:)
        let page = make("acme", "Acme's releases", 20)
        #expect(page == PageProbe(id: "acme", description: "Acme's releases", feedLimit: 20))
        #expect(page.kind == "page" && !page.isStale)
        let defaults = PageProbe(id: "acme")
        #expect(defaults.description == nil && defaults.feedLimit == 50)
    }

    @Test("an Optional var defaults to nil; a private var with a value is not a parameter")
    func optionalsAndPrivate() {
        let make: (String?, Int?) -> LeaseProbe = LeaseProbe.init(owner:until:)
        #expect(make("replica-1", 30).until == 30)
        let lease = LeaseProbe(owner: nil)
        #expect(lease.owner == nil && lease.until == nil && lease.renewed == 0)
    }

    @Test("unlabeled: N leaves the first N parameters without labels")
    func unlabeled() {
        let make: (String, String, Bool) -> HeaderProbe = HeaderProbe.init(_:_:folded:)
        #expect(make("List-Unsubscribe", "<https://x>", true).folded)
        #expect(HeaderProbe("Name", "value") == make("Name", "value", false))
    }

    @Test("static, computed and lazy properties are skipped; an observed one is stored")
    func skipped() {
        let make: (Int, Bool) -> CounterProbe = CounterProbe.init(count:changed:)
        var counter = make(4, false)
        let text = counter.text
        #expect(counter.count == 4 && !counter.changed && counter.double == 8 && text == "4")
        counter.count = 5
        #expect(counter.changed)
        #expect(CounterProbe(count: 1).changed == false)
    }

    @Test("an actor's closures are escaping, and `var a, b: Int` gives two parameters")
    func actorAndClosures() async {
        let sent = SentLines()
        let sender = SenderProbe(send: { await sent.append($0) }, report: nil, a: 1, b: 2)
        await sender.send("hello")
        #expect(await sent.lines == ["hello"])
        let (a, b) = await (sender.a, sender.b)
        #expect(a == 1 && b == 2)
        #expect(BoxProbe(value: 7).value == 7)
    }

    @Test(
        "what it refuses is a compile error on the attribute",
        arguments: [
            // The compiler expands a member macro when a member it names is looked up: here, `init`.
            ("enum Kind {\n    case a\n}\n_ = Kind.init", "@MemberwiseInit applies to a struct, a class or an actor"),
            ("struct Limits {\n    var count = 5\n}", "@MemberwiseInit needs the type of 'count' written out"),
            ("struct Pair {\n    var (a, b): (Int, Int)\n}", "@MemberwiseInit needs one name per stored property, not a tuple pattern"),
        ]
    )
    func refusals(_ declaration: String, _ message: String) throws {
        let errors = try Self.compile("@MemberwiseInit\n" + declaration)
        #expect(errors.contains("error: \(message)"), "\(errors)")
    }

    @Test("unlabeled: more than the stored properties is refused")
    func tooManyUnlabeled() throws {
        let errors = try Self.compile("@MemberwiseInit(unlabeled: 2)\nstruct Header {\n    var name: String\n}")
        #expect(errors.contains("error: unlabeled: 2 is more than the 1 stored properties"), "\(errors)")
    }

    /// Type-checks `source` (after `import ShiplogMacroSupport`) with the macro plugin this build
    /// made, and returns what the compiler said.
    static func compile(_ source: String) throws -> String {
        let build = try buildDirectory()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("memberwise-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("snippet.swift")
        try Data(("import ShiplogMacroSupport\n" + source + "\n").utf8).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "swiftc", "-typecheck", "-I", build.appendingPathComponent("Modules").path,
            "-load-plugin-executable", build.appendingPathComponent("ShiplogMacros-tool").path + "#ShiplogMacros", file.path,
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus != 0, "the snippet compiled: \(said)")
        return said
    }

    /// The build folder that holds the test bundle, the modules and the macro plugin.
    static func buildDirectory() throws -> URL {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" && !FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
            directory.deleteLastPathComponent()
        }
        let candidates = [".build/debug", ".build/x86_64-unknown-linux-gnu/debug"].map { directory.appendingPathComponent($0) }
        guard let build = candidates.first(where: { FileManager.default.fileExists(atPath: $0.appendingPathComponent("ShiplogMacros-tool").path) })
        else { throw BuildNotFound(searched: candidates.map(\.path)) }
        return build
    }

    struct BuildNotFound: Error, CustomStringConvertible {
        var searched: [String]
        var description: String { "no ShiplogMacros-tool in \(searched.joined(separator: " or ")): run swift build --build-tests first" }
    }
}

/// What a probe's closure was given, in order.
actor SentLines {
    var lines: [String] = []

    func append(_ line: String) { lines.append(line) }
}
