import Foundation
import ShiplogModel
import Testing

@testable import ShiplogImport

/// Changelog conversion on small inputs written for each rule.
@Suite struct ChangelogConverterTests {
    let target = try! ImportTarget.make(component: "api", repo: "acme/api").get()

    func convert(_ text: String, tags: [GitTag]? = nil, target: ImportTarget? = nil) throws -> [Release] {
        try ChangelogConverter(file: "CHANGELOG.md", target: target ?? self.target, tags: tags).convert(text).data.releases
    }

    @Test func keepAChangelog() throws {
        let text = """
            # Changelog

            ## [Unreleased]

            ### Added
            - Something new

            ## [1.1.0] - 2019-02-15

            ### Fixed
            - Crash ([#12])

            ## [1.0.0] - 2018-01-01 [YANKED]

            - First

            [#12]: https://github.com/acme/api/pull/12
            [Unreleased]: https://github.com/acme/api/compare/v1.1.0...HEAD
            [1.1.0]: https://github.com/acme/api/compare/v1.0.0...v1.1.0
            """
        let releases = try convert(text)
        #expect(releases.map(\.version.text) == ["unreleased", "1.1.0", "1.0.0"])
        #expect(releases[0].status == .draft)
        #expect(releases[0].notes == "### Added\n- Something new")
        #expect(releases[1].publishedAt?.rfc3339 == "2019-02-15T00:00:00Z")
        #expect(releases[1].notes == "### Fixed\n- Crash ([#12])\n\n[#12]: https://github.com/acme/api/pull/12")
        #expect(releases[1].url == "https://github.com/acme/api/compare/v1.0.0...v1.1.0")
        #expect(releases[2].status == .yanked)
        #expect(releases[2].notes == "- First")
    }

    @Test func anEmptyUnreleasedSectionIsLeftOut() throws {
        let releases = try convert("## [Unreleased]\n\n## 1.1.0 (unreleased)\n\n## [1.0.0] - 2020-01-01\n\n- a\n")
        #expect(releases.map(\.version.text) == ["1.0.0"])
    }

    @Test func levelOneReleasesShiftTheirSubsections() throws {
        let text = "# 0.14.0 (31 July 2022)\n\n## What's Changed\n\n- A\n\n#### Detail\n\nText\n\n# 0.13.1 (7 November 2021)\n\nB\n"
        let releases = try convert(text)
        #expect(releases.map(\.version.text) == ["0.14.0", "0.13.1"])
        #expect(releases[0].notes == "### What's Changed\n\n- A\n\n##### Detail\n\nText")
        #expect(releases[1].publishedAt?.rfc3339 == "2021-11-07T00:00:00Z")
    }

    @Test func deepSubsectionsComeUpToLevelThree() throws {
        let releases = try convert("## 6.2.2 - 2024-01-01\n\n##### Breaking\n\n* None.\n\n###### Detail\n")
        #expect(releases[0].notes == "### Breaking\n\n* None.\n\n#### Detail")
    }

    /// Spectre writes `## Enhancements` at the release level right under `## 0.7.2`.
    @Test func aSectionHeadingAtTheReleaseLevelUnderAnEmptyRelease() throws {
        let result = try ChangelogConverter(file: "CHANGELOG.md", target: target)
            .convert("## 0.7.2 - 2016-11-11\n\n## Enhancements\n\n- a\n\n## 0.7.1 - 2016-10-01\n\n- b\n\n## Contributors\n\n- c\n")
        #expect(result.data.releases.map(\.notes) == ["### Enhancements\n\n- a", "- b"])
        #expect(result.warnings.map(\.description) == ["CHANGELOG.md:11: this section names no version, so it is not a release; it is left out"])
    }

    @Test func setextReleaseHeadings() throws {
        let releases = try convert("Changes\n=======\n\n1.1.0 - 2020-02-01\n------------------\n\n- b\n\n1.0.0 - 2020-01-01\n---\n\n- a\n")
        #expect(releases.map(\.version.text) == ["1.1.0", "1.0.0"])
        #expect(releases.map(\.notes) == ["- b", "- a"])
    }

    /// towncrier and reStructuredText habits: setext release headings with setext sections under them.
    @Test func setextSectionsKeepOnlyTheirWords() throws {
        let text =
            "Changelog\n=========\n\n1.2.0 (2024-01-01)\n==================\n\nFeatures\n--------\n\n- Foo\n\n1.1.0 (2023-12-01)\n==================\n\n- bar\n"
        let releases = try convert(text)
        #expect(releases.map(\.version.text) == ["1.2.0", "1.1.0"])
        #expect(releases.map(\.title) == [nil, nil])
        #expect(releases.map(\.notes) == ["### Features\n\n- Foo", "- bar"])
    }

    @Test func headingsWithoutASpaceAndReleasedLines() throws {
        let text = """
            ###4.0.0
            Released February 15, 2025 &bull; [diff](https://github.com/acme/api/compare/v3.0.0...v4.0.0)

            - New

            ###3.0.0
            _Released on 2024-01-02_

            - Old
            """
        let releases = try convert(text)
        #expect(releases.map(\.version.text) == ["4.0.0", "3.0.0"])
        #expect(releases[0].publishedAt?.rfc3339 == "2025-02-15T00:00:00Z")
        #expect(releases[0].notes == "[diff](https://github.com/acme/api/compare/v3.0.0...v4.0.0)\n\n- New")
        #expect(releases[1].notes == "- Old")
    }

    @Test func headingsInCodeBlocksAndCommentsAreNotReleases() throws {
        let text = "<!--\n## 9.9.9 - 2020-01-01\n-->\n\n## 1.0.0 - 2020-01-01\n\n```\n## 0.9.0 - 2019-01-01\n```\n\n---\n"
        let releases = try convert(text)
        #expect(releases.map(\.version.text) == ["1.0.0"])
        #expect(releases[0].notes == "```\n## 0.9.0 - 2019-01-01\n```")
    }

    @Test func relativeLinksBecomeAbsolute() throws {
        let text = "## 1.0.0 - 2020-01-01\n\n- See [the guide](Documentation/Guide.md) and [ref][g] ![shot](img/a.png)\n\n[g]: docs/ref.md\n"
        let notes = try #require(try convert(text)[0].notes)
        #expect(
            notes
                == "- See [the guide](https://github.com/acme/api/blob/HEAD/Documentation/Guide.md) and [ref][g] ![shot](https://github.com/acme/api/raw/HEAD/img/a.png)\n\n[g]: https://github.com/acme/api/blob/HEAD/docs/ref.md"
        )
    }

    @Test func relativeLinksWithoutABaseAreWarnedAbout() throws {
        let target = try ImportTarget.make(component: "api").get()
        let result = try ChangelogConverter(file: "CHANGELOG.md", target: target).convert("## 1.0.0 - 2020-01-01\n\n- [a](docs/a.md)\n")
        #expect(result.warnings.map(\.description) == ["CHANGELOG.md:3: relative link \"docs/a.md\" left as it is: give --repo or --url"])
    }

    @Test func tagsDateUndatedReleases() throws {
        let tags = [
            GitTag(name: "v2.0.0", commit: String(repeating: "a", count: 40), date: Timestamp(rfc3339: "2021-05-06T07:08:09Z")),
            GitTag(name: "1.0.0", commit: String(repeating: "b", count: 40), date: Timestamp(rfc3339: "2020-01-01T00:00:00Z")),
        ]
        let releases = try convert("## 2.0.0\n\n- a\n\n## 1.0.0 - 2019-12-31\n\n- b\n", tags: tags)
        #expect(releases[0].publishedAt?.rfc3339 == "2021-05-06T07:08:09Z")
        #expect(releases[0].tag == "v2.0.0")
        #expect(releases[0].commit == String(repeating: "a", count: 40))
        // A date in the changelog wins over the tag's.
        #expect(releases[1].publishedAt?.rfc3339 == "2019-12-31T00:00:00Z")
        #expect(releases[1].tag == "1.0.0")
    }

    @Test func everyProblemWithItsLine() throws {
        let text = try String(contentsOfFile: fixture("undated-and-twice.md"), encoding: .utf8)
        let error = try #require(throws: ImportError.self) { try convert(text) }
        #expect(
            error.problems.map(\.description) == [
                "CHANGELOG.md:3: release 2.0.0 has no date: write one in the heading (## 2.0.0 - 2024-05-01) or on a \"Released …\" line below it, or give --git DIR to take its tag's date",
                "CHANGELOG.md:11: version 1.1.0 is given twice (first at line 7); keep one",
                "CHANGELOG.md:15: release 1.0.0 has no date: write one in the heading (## 1.0.0 - 2024-05-01) or on a \"Released …\" line below it, or give --git DIR to take its tag's date",
            ]
        )
    }

    @Test func aVersionNotReleasedYetIsADraftOfThatVersion() throws {
        let releases = try convert("## 2.0.0 (Unreleased)\n\n- planned\n\n## [1.1.0] - TBD\n\n- next\n\n## 1.0.0 - 2020-01-01\n\n- a\n")
        #expect(releases.map(\.version.text) == ["2.0.0", "1.1.0", "1.0.0"])
        #expect(releases.map(\.status) == [.draft, .draft, .published])
        #expect(releases[0].publishedAt == nil)
        #expect(releases[0].title == nil)
        #expect(releases[0].notes == "- planned")
    }

    /// `v1.0.0` and `1.0.0` compare equal but are two versions (SPEC §1): `check`'s warning, not a problem.
    @Test func aVersionWithAndWithoutItsVIsAWarning() throws {
        let result = try ChangelogConverter(file: "CHANGELOG.md", target: target).convert(
            "## v1.0.0 - 2020-02-01\n\n- a\n\n## [1.0.0] - 2020-01-01\n\n- b\n"
        )
        #expect(result.data.releases.map(\.version.text) == ["v1.0.0", "1.0.0"])
    }

    @Test func conventionalChangelogPatchesOneLevelDeeper() throws {
        let text = """
            # Changelog

            ### [1.1.1](https://github.com/acme/api/compare/v1.1.0...v1.1.1) (2024-01-03)


            ### Bug Fixes

            * **parser:** crash

            ## [1.1.0](https://github.com/acme/api/compare/v1.0.0...v1.1.0) (2024-01-02)


            ### Features

            * a flag

            ### 1.0.1 (2024-01-01)

            * small fix

            ## 1.0.0 (2023-12-01)

            ### Upgrading to 1.0.0

            * read the guide
            """
        let releases = try convert(text)
        #expect(releases.map(\.version.text) == ["1.1.1", "1.1.0", "1.0.1", "1.0.0"])
        #expect(
            releases.map { $0.publishedAt?.rfc3339 } == [
                "2024-01-03T00:00:00Z", "2024-01-02T00:00:00Z", "2024-01-01T00:00:00Z", "2023-12-01T00:00:00Z",
            ]
        )
        #expect(
            releases.map(\.notes) == [
                "### Bug Fixes\n\n* **parser:** crash", "### Features\n\n* a flag", "* small fix", "### Upgrading to 1.0.0\n\n* read the guide",
            ]
        )
        #expect(releases[0].url == "https://github.com/acme/api/compare/v1.1.0...v1.1.1")
    }

    /// CommonMark lets a definition's title stand on the lines after it; it stays with the definition.
    @Test func aDefinitionsTitleOnItsOwnLines() throws {
        let text = """
            ## [1.1.0] - 2020-02-01

            - Fixes [#1].

            ## [1.0.0] - 2020-01-01

            - First

            [#1]: https://github.com/acme/api/issues/1
              "Crash
              on start"
            [1.1.0]: https://github.com/acme/api/compare/v1.0.0...v1.1.0
              'Compare'
            """
        let releases = try convert(text)
        #expect(
            releases.map(\.notes) == [
                "- Fixes [#1].\n\n[#1]: https://github.com/acme/api/issues/1 \"Crash on start\"", "- First",
            ]
        )
        #expect(releases[0].url == "https://github.com/acme/api/compare/v1.0.0...v1.1.0")
    }

    /// Older conventional-changelog (Angular): an `<a name="…"></a>` anchor line before each release heading.
    @Test func anchorsBeforeHeadingsBelongToNoRelease() throws {
        let text = """
            <a name="1.1.0"></a>
            # [1.1.0](https://github.com/acme/api/compare/v1.0.0...v1.1.0) (2023-12-01)

            * fix



            <a name="1.0.0"></a>
            # 1.0.0 (2023-11-01)

            * first <span id="x"></span>
            """
        #expect(try convert(text).map(\.notes) == ["* fix", "* first <span id=\"x\"></span>"])
    }

    @Test func windowsLineBreaksAndAByteOrderMark() throws {
        let releases = try convert("\u{FEFF}# Changelog\r\n\r\n## [1.0.0] - 2020-01-01\r\n\r\n- a ([#1])\r\n- b\r\n\r\n[#1]: https://x.example/1\r\n")
        #expect(releases.map(\.notes) == ["- a ([#1])\n- b\n\n[#1]: https://x.example/1"])
    }

    @Test func theAdviceUsesTheReleaseLevel() throws {
        let error = try #require(throws: ImportError.self) { try convert("# 1.0.0\n\n- a\n") }
        #expect(error.problems.first?.message.contains("write one in the heading (# 1.0.0 - 2024-05-01)") == true)
    }

    @Test func noReleaseHeading() throws {
        let error = try #require(throws: ImportError.self) { try convert("# Notes\n\nNothing here.\n") }
        #expect(error.problems.first?.location == "CHANGELOG.md:1")
    }

    @Test func outputPassesTheLoader() throws {
        let result = try ChangelogConverter(file: "CHANGELOG.md", target: target).convert("## [1.0.0] - 2020-01-01\n\n- a\n")
        let json = try result.json()
        #expect(json.contains("\"page\""))
        #expect(json.contains("\"version\": \"1.0.0\""))
    }
}

/// The path of a file in `Fixtures/`.
func fixture(_ name: String) -> String {
    var path = #filePath
    while let last = path.last, last != "/" { path.removeLast() }
    return path + "Fixtures/" + name
}
