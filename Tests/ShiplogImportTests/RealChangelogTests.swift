import Foundation
import ShiplogMarkdown
import ShiplogModel
import Testing

@testable import ShiplogImport

/// Real changelogs, read from the local package mirror (CI has the same): each converts without
/// a hand edit, and no reference-style link is left unresolved in any release's notes.
@Suite struct RealChangelogTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var repository: String
        var path = "CHANGELOG.md"
        var count: Int
        /// Version → published_at.
        var dates: [String: String]
        /// Whether a non-empty unreleased section became the draft `unreleased`.
        var draft = false
        var testDescription: String { repository }
    }

    static let cases: [Case] = [
        // Keep a Changelog, definitions once at the end of the file, an Unreleased section holding only `---`.
        Case(
            repository: "apple/swift-argument-parser",
            count: 45,
            dates: ["1.8.2": "2026-06-04T00:00:00Z", "1.0.0": "2021-09-10T00:00:00Z", "0.0.1": "2020-02-27T00:00:00Z"]
        ),
        // Level-1 releases with "(31 July 2022)" dates and level-2 sections.
        Case(
            repository: "CoreOffice/XMLCoder",
            count: 21,
            dates: ["0.14.0": "2022-07-31T00:00:00Z", "0.13.1": "2021-11-07T00:00:00Z", "0.1.0": "2018-11-08T00:00:00Z"]
        ),
        // Keep a Changelog with a non-empty Unreleased section.
        Case(
            repository: "apple/swift-algorithms",
            count: 13,
            dates: ["1.2.1": "2025-02-10T00:00:00Z", "1.2.0": "2023-11-14T00:00:00Z", "0.0.1": "2020-10-07T00:00:00Z"],
            draft: true
        ),
        // Level-1 releases with ISO dates in brackets.
        Case(
            repository: "attaswift/BigInt",
            count: 24,
            dates: ["5.3.0": "2021-09-06T00:00:00Z", "5.2.1": "2020-11-15T00:00:00Z", "1.0.0": "2016-01-04T00:00:00Z"]
        ),
        // Linked headings with a date after the link: `## [0.6.0](https://…) - 2024-01-03`.
        Case(
            repository: "LebJe/TOMLKit",
            count: 18,
            dates: ["0.6.0": "2024-01-03T00:00:00Z", "0.5.6": "2023-12-10T00:00:00Z", "0.0.1": "2021-06-10T00:00:00Z"]
        ),
        // Level-1 releases with `(23 Apr 2023)` and level-3 sections.
        Case(
            repository: "OpenCombine/OpenCombine",
            count: 16,
            dates: ["0.14.0": "2023-04-23T00:00:00Z", "0.13.0": "2022-02-01T00:00:00Z", "0.1.0": "2019-07-04T00:00:00Z"]
        ),
        // Keep a Changelog with an empty Unreleased section.
        Case(
            repository: "onevcat/Rainbow",
            count: 12,
            dates: ["4.2.2": "2026-09-22T00:00:00Z", "4.2.1": "2025-12-19T00:00:00Z", "1.1.0": "2016-03-24T00:00:00Z"]
        ),
        // `Released February 15, 2025` lines under the headings, 7,000 lines.
        Case(
            repository: "groue/GRDB.swift",
            count: 325,
            dates: ["7.10.0": "2025-02-15T00:00:00Z", "5.7.3": "2021-04-05T00:00:00Z", "v0.1.0": "2015-07-09T00:00:00Z"]
        ),
    ]

    @Test(arguments: cases)
    func converts(_ test: Case) throws {
        let text = try mirrorFile(test.repository, test.path)
        let target = try ImportTarget.make(component: "c", repo: test.repository).get()
        let result = try ChangelogConverter(file: test.path, target: target).convert(text)
        _ = try result.json()
        let releases = result.data.releases
        #expect(releases.count == test.count)
        for (version, date) in test.dates {
            #expect(releases.first { $0.version.text == version }?.publishedAt?.rfc3339 == date, "\(version)")
        }
        #expect(releases.contains { $0.version.text == ChangelogConverter.unreleasedVersion && $0.status == .draft } == test.draft)
        // Every label the file defines renders as a link wherever a release uses it.
        let labels = Set(
            text.split(separator: "\n").compactMap { LinkDefinition(line: $0) }.map { MarkdownLinks.normalizedLabel(Substring($0.label)) }
        )
        let renderer = MarkdownRenderer()
        for release in releases {
            let html = renderer.html(release.notes ?? "").lowercased()
            for label in labels where html.contains("[\(label)]") {
                Issue.record("\(test.repository) \(release.version.text): [\(label)] is left unresolved")
            }
            #expect(!(release.notes ?? "").contains("](Documentation/"), "\(release.version.text): a relative link is left")
        }
    }

    @Test func argumentParserLinksResolveIntoEachRelease() throws {
        let text = try mirrorFile("apple/swift-argument-parser", "CHANGELOG.md")
        let target = try ImportTarget.make(component: "argument-parser", repo: "apple/swift-argument-parser").get()
        let releases = try ChangelogConverter(file: "CHANGELOG.md", target: target).convert(text).data.releases
        let release = try #require(releases.first { $0.version.text == "1.8.2" })
        #expect(release.url == "https://github.com/apple/swift-argument-parser/compare/1.8.1...1.8.2")
        let html = MarkdownRenderer().html(release.notes ?? "")
        #expect(html.contains("<a href=\"https://github.com/apple/swift-argument-parser/"))
        #expect(!html.contains("]</"))
    }

    /// SWXMLHash (`## v8.1.1 (July 1, 2025)`) gives v2.4.0 twice: the one problem, with both lines.
    @Test func swxmlhashGivesAVersionTwice() throws {
        let text = try mirrorFile("drmohundro/SWXMLHash", "CHANGELOG.md")
        let target = try ImportTarget.make(component: "swxmlhash", repo: "drmohundro/SWXMLHash").get()
        let error = try #require(throws: ImportError.self) { try ChangelogConverter(file: "CHANGELOG.md", target: target).convert(text) }
        #expect(error.problems.map(\.description) == ["CHANGELOG.md:223: version v2.4.0 is given twice (first at line 218); keep one"])
    }

    /// Yams has no dates and gives 5.3.1 twice: reported with lines, all at once; the mirror's
    /// two tags date their releases.
    @Test func yamsIsReportedWhole() throws {
        let text = try mirrorFile("jpsim/Yams", "CHANGELOG.md")
        let target = try ImportTarget.make(component: "yams", repo: "jpsim/Yams").get()
        let tags = GitTag.parse(try git(["-C", mirror("jpsim/Yams")] + GitTag.forEachRefArguments()))
        #expect(Set(tags.map(\.name)) == ["5.0.1", "6.2.2"])
        let error = try #require(throws: ImportError.self) {
            try ChangelogConverter(file: "CHANGELOG.md", target: target, tags: tags).convert(text)
        }
        let lines = error.problems.map(\.description)
        #expect(lines.contains("CHANGELOG.md:153: version 5.3.1 is given twice (first at line 123); keep one"))
        #expect(lines.contains { $0.hasPrefix("CHANGELOG.md:23: release 6.2.1 has no date") })
        #expect(!lines.contains { $0.hasPrefix("CHANGELOG.md:3: ") }, "6.2.2 is dated by its tag")
        #expect(error.problems.count == 55 - 2)
    }
}

/// The mirror's bare repository of `repository`.
func mirror(_ repository: String) -> String { "/opt/swift-packages/\(repository).git" }

/// A file at HEAD of a mirrored repository.
func mirrorFile(_ repository: String, _ path: String) throws -> String {
    try git(["-C", mirror(repository), "show", "HEAD:\(path)"])
}

/// Runs git and returns its output; fails the test when git does.
func git(_ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git"] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    try #require(process.terminationStatus == 0, "git \(arguments.joined(separator: " ")) failed")
    return String(decoding: data, as: UTF8.self)
}
