import Foundation
import ShiplogModel
import Testing

@testable import ShiplogImport

/// Headings with something before the version: Node.js's date (`## 2023-05-03, Version 20.1.0
/// (Current), @targos`) and a product's name (`## Rails 7.1.0 (October 05, 2023) ##`).
@Suite struct DateFirstAndNamedHeadingTests {
    let target = try! ImportTarget.make(component: "node", repo: "nodejs/node").get()

    /// (heading text, version, date, title or nil)
    @Test(
        arguments: [
            ("2023-05-03, Version 20.1.0 (Current), @targos", "20.1.0", "2023-05-03T00:00:00Z", "Current"),
            ("2023-05-03, Version 18.16.0 'Hydrogen' (LTS), @danielleadams", "18.16.0", "2023-05-03T00:00:00Z", "'Hydrogen' (LTS)"),
            ("2023-05-03, Version 20.1.0", "20.1.0", "2023-05-03T00:00:00Z", nil),
            ("2023-05-03 - 1.2.0", "1.2.0", "2023-05-03T00:00:00Z", nil),
            ("Rails 7.1.0 (October 05, 2023)", "7.1.0", "2023-10-05T00:00:00Z", nil),
            ("mypkg 1.2.3 (2024-01-02)", "1.2.3", "2024-01-02T00:00:00Z", nil),
            ("Django 4.2 (2023-04-03)", "4.2", "2023-04-03T00:00:00Z", nil),
        ] as [(String, String, String, String?)]
    )
    func versionAfterADateOrAName(text: String, version: String, date: String, title: String?) throws {
        let heading = try #require(ReleaseHeading.parse(Substring(text)))
        #expect(heading.version == version)
        #expect(heading.date?.rfc3339 == date)
        #expect(heading.title == title)
    }

    /// Prose that holds a version stays prose: a word before the version is a name only when the
    /// rest is the version and a date, and only one word.
    @Test(arguments: [
        "Upgrading to 2.0", "What's new in 3.1", "Swift 5.6", "Upgrading to 2.0 (2024-01-02)", "Rails 7.1.0 is out (2023-10-05)",
        "Changes in 1.2.0 - 2024-01-02", "2023-05-03 Notes", "2023-05-03, Upgrading to 2.0",
    ])
    func proseIsNoReleaseHeading(text: String) {
        #expect(ReleaseHeading.parse(Substring(text)) == nil)
    }

    /// A GitHub login at the end after a comma, or right after the version and date, is who made the release.
    @Test func theLoginAtTheEndIsTheAuthor() throws {
        let node = try #require(ReleaseHeading.parse("2023-05-03, Version 20.1.0 (Current), @targos"))
        #expect(node.author == "targos")
        let alone = try #require(ReleaseHeading.parse("1.1.0 (2023-01-01) @ada"))
        #expect(alone.author == "ada" && alone.title == nil)
        let thanks = try #require(ReleaseHeading.parse("1.0.0 - Thanks @bob"))
        #expect(thanks.author == nil && thanks.title == "Thanks @bob")
    }

    /// Once a dated heading shows the product's name, an undated one with that name is a release too
    /// (dated by its tag); a name no dated heading shows is not.
    @Test func aNameShownByADatedHeadingNeedsNoDate() throws {
        let text = "## Rails 7.1.0 (October 05, 2023) ##\n\n- a\n\n## Rails 7.0.8\n\n- b\n\n## Swift 5.6\n\n- c\n"
        let tag = GitTag(name: "v7.0.8", commit: String(repeating: "a", count: 40), date: Timestamp(rfc3339: "2023-09-09T00:00:00Z"))
        let result = try ChangelogConverter(file: "CHANGELOG.md", target: target, tags: [tag]).convert(text)
        #expect(result.data.releases.map(\.version.text) == ["7.1.0", "7.0.8"])
        #expect(result.data.releases.map { $0.publishedAt?.rfc3339 } == ["2023-10-05T00:00:00Z", "2023-09-09T00:00:00Z"])
        #expect(result.warnings.map(\.description) == ["CHANGELOG.md:9: this section names no version, so it is not a release; it is left out"])
    }

    /// Node.js's CHANGELOG_V20.md: an HTML table and a list of other versions before the releases,
    /// an `<a id="20.1.0"></a>` anchor before each heading, and who made the release after it.
    @Test func nodeChangelog() throws {
        let text = try String(contentsOfFile: fixture("node-changelog-v20.md"), encoding: .utf8)
        let result = try ChangelogConverter(file: "CHANGELOG_V20.md", target: target).convert(text)
        _ = try result.json()
        #expect(result.warnings.isEmpty)
        let releases = result.data.releases
        #expect(releases.map(\.version.text) == ["20.2.0", "20.1.0", "20.0.0"])
        #expect(releases.map { $0.publishedAt?.rfc3339 } == ["2023-05-16T00:00:00Z", "2023-05-03T00:00:00Z", "2023-04-18T00:00:00Z"])
        #expect(releases.map(\.author) == ["targos", "targos", "RafaelGSS"])
        #expect(releases.map(\.title) == ["Current", "Current", "Current"])
        let notes = releases.map { $0.notes ?? "" }
        #expect(notes.allSatisfy { $0.hasPrefix("### Notable Changes\n\n") && !$0.contains("<a id=") })
        #expect(notes[1].hasSuffix("**test**: mark a test as flaky (C. Contributor) [#47021](https://github.com/nodejs/node/pull/47021)"))
    }
}
