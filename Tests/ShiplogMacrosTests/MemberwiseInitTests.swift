import SwiftSyntaxMacros
import SwiftSyntaxMacrosGenericTestSupport
import SwiftSyntaxMacrosTestSupport
import XCTest

@testable import ShiplogMacros

final class MemberwiseInitTests: XCTestCase {
    func testPublicStructGetsAPublicInitWithDefaults() {
        assertInit(
            "public init",
            ["id: String", "description: String? = nil", "feedLimit: Int = 50"],
            of: """
                public struct Page {
                    public let id: String
                    public var description: String?
                    public var feedLimit: Int = 50
                    public let kind = "page"
                    public internal(set) var isStale = false
                }
                """
        )
    }

    func testAnOptionalVarDefaultsToNilAndAnOptionalLetHasNoDefault() {
        assertInit(
            "init",
            ["owner: String?", "until: Int? = nil"],
            of: """
                struct Lease {
                    let owner: String?
                    var until: Int?
                    private var renewals: Int = 0
                }
                """
        )
    }

    func testUnlabeledLeadingParameters() {
        assertInit(
            "public init",
            ["_ name: String", "_ value: String", "folded: Bool = false"],
            of: """
                public struct MailHeader {
                    public var name: String
                    public var value: String
                    public var folded: Bool = false
                }
                """,
            attribute: "@MemberwiseInit(unlabeled: 2)"
        )
    }

    func testStaticComputedAndLazyPropertiesAreSkipped() {
        assertInit(
            "init",
            ["count: Int", "changed: Bool = false"],
            of: """
                struct Counter {
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
                """
        )
    }

    func testClosuresAreEscapingAndActorsAreSupported() {
        assertInit(
            "init",
            ["send: @escaping @Sendable (String) async -> Void", "report: (@Sendable (String) -> Void)?", "a: Int", "b: Int"],
            of: """
                actor Sender {
                    let send: @Sendable (String) async -> Void
                    let report: (@Sendable (String) -> Void)?
                    var a, b: Int
                }
                """
        )
    }

    func testAnEnumIsRefused() {
        assertRefusal("@MemberwiseInit applies to a struct, a class or an actor", of: "enum Kind {\n    case a\n}")
    }

    func testAPropertyWithoutATypeIsRefused() {
        assertRefusal("@MemberwiseInit needs the type of 'count' written out", of: "struct Limits {\n    var count = 5\n}")
    }

    func testTooManyUnlabeledParametersAreRefused() {
        assertRefusal(
            "unlabeled: 2 is more than the 1 stored properties",
            of: "struct Header {\n    var name: String\n}",
            attribute: "@MemberwiseInit(unlabeled: 2)"
        )
    }

    private let macros: [String: any Macro.Type] = ["MemberwiseInit": MemberwiseInitMacro.self]

    /// Asserts that `attribute` on `declaration` adds, after its members, the init `head(parameters)`
    /// that sets each property from the parameter of its name.
    private func assertInit(
        _ head: String,
        _ parameters: [String],
        of declaration: String,
        attribute: String = "@MemberwiseInit",
        file: StaticString = #filePath,
        line: UInt = #line
    ) {
        let names = parameters.map { $0.split(separator: ":")[0].split(separator: " ").last! }
        let initializer =
            ["", "    \(head)("] + parameters.enumerated().map { "        \($1)\($0 < parameters.count - 1 ? "," : "")" }
            + ["    ) {"] + names.map { "        self.\($0) = \($0)" } + ["    }", "}"]
        let members = declaration.dropLast(1)  // up to the closing brace
        assertMacroExpansion(
            attribute + "\n" + declaration,
            expandedSource: members + initializer.joined(separator: "\n"),
            macros: macros,
            file: file,
            line: line
        )
    }

    /// Asserts that `attribute` on `declaration` adds nothing and says `message` on the attribute.
    private func assertRefusal(
        _ message: String,
        of declaration: String,
        attribute: String = "@MemberwiseInit",
        file: StaticString = #filePath,
        line: UInt = #line
    ) {
        assertMacroExpansion(
            attribute + "\n" + declaration,
            expandedSource: declaration,
            diagnostics: [DiagnosticSpec(message: message, line: 1, column: 1)],
            macros: macros,
            file: file,
            line: line
        )
    }
}
