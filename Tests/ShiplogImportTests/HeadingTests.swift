import ShiplogModel
import Testing

@testable import ShiplogImport

/// The release heading forms of SPEC §10, as real changelogs write them.
@Suite struct HeadingTests {
    /// (heading text, version, date or nil, yanked, title or nil)
    @Test(
        arguments: [
            ("[1.2.0] - 2019-02-15", "1.2.0", "2019-02-15T00:00:00Z", false, nil),
            ("7.10.0", "7.10.0", nil, false, nil),
            ("0.14.0 (31 July 2022)", "0.14.0", "2022-07-31T00:00:00Z", false, nil),
            ("v8.1.1 (July 1, 2025)", "v8.1.1", "2025-07-01T00:00:00Z", false, nil),
            ("[0.9.20](https://github.com/weichsel/ZIPFoundation/releases/tag/0.9.20)", "0.9.20", nil, false, nil),
            ("[1.0.0] - 2018-01-01 [YANKED]", "1.0.0", "2018-01-01T00:00:00Z", true, nil),
            ("0.99.0 (don't use)", "0.99.0", nil, false, "don't use"),
            ("0.81.2 (Swift 2.3)", "0.81.2", nil, false, "Swift 2.3"),
            ("1.0.1 (2021-09-22)", "1.0.1", "2021-09-22T00:00:00Z", false, nil),
            ("<small>1.0.1 (2020-01-01)</small>", "1.0.1", "2020-01-01T00:00:00Z", false, nil),
            ("[2.0.0](https://example.com/compare/v1...v2) (2019-03-04)", "2.0.0", "2019-03-04T00:00:00Z", false, nil),
            ("Version 3.1 / 15.02.2019", "3.1", "2019-02-15T00:00:00Z", false, nil),
            ("1.2.0-rc.1 — Feb 3rd, 2020", "1.2.0-rc.1", "2020-02-03T00:00:00Z", false, nil),
            ("`4.0.0` - 2020-05-06T10:11:12+02:00", "4.0.0", "2020-05-06T08:11:12Z", false, nil),
            ("2.0.0 - Codename Lynx", "2.0.0", nil, false, "Codename Lynx"),
            ("1.6.0 - 2024-03-05 10:20", "1.6.0", "2024-03-05T10:20:00Z", false, nil),
            ("1.8.0 - Tuesday, March 5, 2024", "1.8.0", "2024-03-05T00:00:00Z", false, nil),
        ] as [(String, String, String?, Bool, String?)]
    )
    func versionHeadings(text: String, version: String, date: String?, yanked: Bool, title: String?) throws {
        let heading = try #require(ReleaseHeading.parse(Substring(text)))
        #expect(heading.version == version)
        #expect(heading.date?.rfc3339 == date)
        #expect(heading.isYanked == yanked)
        #expect(heading.title == title)
    }

    @Test(arguments: [
        "[Unreleased]", "Unreleased", "Main", "master", "`main`", "[unreleased]", "Next release", "vNext", "Not released yet", "In development",
    ])
    func unreleasedHeadings(text: String) throws {
        let heading = try #require(ReleaseHeading.parse(Substring(text)))
        #expect(heading.version == nil)
    }

    /// Decorations around the version and date that are no part of them, nor a title.
    @Test func decorationsAroundTheHeading() throws {
        let headings = [
            "**1.4.0** - 2024-01-10": "1.4.0", "🚀 v1.5.0 (2024-01-10)": "v1.5.0", "🔖 [1.5.1] - 2024-01-10": "1.5.1",
            "1.0.0 (2024-01-10) {#v100}": "1.0.0",
        ]
        for (text, version) in headings {
            let heading = try #require(ReleaseHeading.parse(Substring(text)))
            #expect(heading.version == version && heading.title == nil && heading.date?.rfc3339 == "2024-01-10T00:00:00Z")
        }
    }

    /// `[YANKED]` as Keep a Changelog writes it, and the other ways a heading says it.
    @Test(arguments: ["1.1.0 - 2023-12-31 [YANKED]", "1.1.0 - 2023-12-31 (YANKED)", "[1.1.0] - 2023-12-31 - yanked"])
    func yankedMarks(text: String) throws {
        let heading = try #require(ReleaseHeading.parse(Substring(text)))
        #expect(heading.isYanked && heading.title == nil && heading.date?.rfc3339 == "2023-12-31T00:00:00Z")
    }

    /// A version announced before it ships: a draft of that version, not a release without a date.
    @Test(arguments: ["2.1.0 (unreleased)", "[2.0.0] - Unreleased", "v3.0.0 - TBD", "3.0.0 (not yet released)", "4.0.0 - in development"])
    func versionsNotReleasedYet(text: String) throws {
        let heading = try #require(ReleaseHeading.parse(Substring(text)))
        #expect(heading.version != nil)
        #expect(heading.isUnreleased)
        #expect(heading.title == nil)
        #expect(ReleaseHeading.parse("2.0.0 - Codename Lynx")?.isUnreleased == false)
    }

    @Test(arguments: ["CHANGELOG", "Release Notes", "7.x Releases", "Swift 5.6", "2024", "What's Changed", "1.2.0beta", "Fixes"])
    func notReleaseHeadings(text: String) {
        #expect(ReleaseHeading.parse(Substring(text)) == nil)
    }

    @Test func linkedAndReferenceHeadings() throws {
        let linked = try #require(ReleaseHeading.parse("[1.2.0](https://x.example/1.2.0) - 2019-02-15"))
        #expect(linked.link == "https://x.example/1.2.0")
        #expect(linked.referenceLabel == nil)
        let reference = try #require(ReleaseHeading.parse("[1.2.0] - 2019-02-15"))
        #expect(reference.referenceLabel == "1.2.0")
    }

    @Test(arguments: [
        ("Released February 15, 2025", "2025-02-15T00:00:00Z", ""),
        ("Released April 11, 2021 &bull; [diff](https://x.example/d)", "2021-04-11T00:00:00Z", "[diff](https://x.example/d)"),
        ("_Released on 2019-01-02_", "2019-01-02T00:00:00Z", ""),
        ("*2019-01-02*", "2019-01-02T00:00:00Z", ""),
        ("<sub>2019-01-02</sub>", "2019-01-02T00:00:00Z", ""),
        ("Published 2019-01-02 by @ada", "2019-01-02T00:00:00Z", "by @ada"),
        ("Released on January 2, 2024.", "2024-01-02T00:00:00Z", ""),
        ("Released 2024-01-02. [diff](https://x.example/d)", "2024-01-02T00:00:00Z", "[diff](https://x.example/d)"),
        ("_January 2, 2024._", "2024-01-02T00:00:00Z", ""),
        ("Released June 20, 2017 :tada:", "2017-06-20T00:00:00Z", ":tada:"),
    ])
    func releasedLines(line: String, date: String, rest: String) throws {
        let found = try #require(ChangelogDocument.releasedLine(Substring(line)))
        #expect(found.date.rfc3339 == date)
        #expect(found.rest == Substring(rest))
    }

    /// The dating line leaves the notes whole, with the period that ends its sentence.
    @Test func aReleasedSentenceLeavesTheNotes() throws {
        let target = try ImportTarget.make(component: "api").get()
        let text = "## 1.0.0\nReleased on January 2, 2024.\n\n- First\n"
        let release = try #require(try ChangelogConverter(file: "CHANGELOG.md", target: target).convert(text).data.releases.first)
        #expect(release.publishedAt?.rfc3339 == "2024-01-02T00:00:00Z")
        #expect(release.notes == "- First")
    }

    @Test(arguments: ["- Fixed the 2019-01-02 crash", "Some text"])
    func notReleasedLines(line: String) {
        #expect(ChangelogDocument.releasedLine(Substring(line)) == nil)
    }
}
