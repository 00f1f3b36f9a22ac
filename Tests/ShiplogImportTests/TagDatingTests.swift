import ShiplogModel
import Testing

@testable import ShiplogImport

/// `--git DIR`: which tag dates a changelog's release, and what an undated release is told.
@Suite struct TagDatingTests {
    let target = try! ImportTarget.make(component: "api").get()

    func tag(_ name: String, _ date: String?) -> GitTag {
        GitTag(name: name, commit: String(repeating: "c", count: 40), date: date.flatMap { Timestamp(rfc3339: $0) })
    }

    func releases(_ text: String, _ tags: [GitTag]) throws -> [Release] {
        try ChangelogConverter(file: "CHANGELOG.md", target: target, tags: tags).convert(text).data.releases
    }

    /// `1.1` and `v1.1.0` are the same version (SPEC §2): the tag dates the release.
    @Test func aTagOfTheSameVersionInAnotherSpelling() throws {
        let tags = [tag("v1.1.0", "2024-03-04T05:06:07Z"), tag("2.0-rc.1", "2024-05-06T00:00:00Z")]
        let releases = try releases("## 1.1\n\n- a\n\n## v2.0.0-rc.1\n\n- b\n", tags)
        #expect(releases.map(\.tag) == ["v1.1.0", "2.0-rc.1"])
        #expect(releases.map { $0.publishedAt?.rfc3339 } == ["2024-03-04T05:06:07Z", "2024-05-06T00:00:00Z"])
    }

    /// When tags of several spellings exist, the one spelled as the changelog spells the version wins.
    @Test func theSameSpellingWins() throws {
        let tags = [tag("v1.1.0", "2024-01-01T00:00:00Z"), tag("1.1.0", "2024-01-02T00:00:00Z"), tag("1.1", "2024-01-03T00:00:00Z")]
        #expect(try releases("## 1.1\n\n- a\n", tags).map(\.tag) == ["1.1"])
        #expect(try releases("## 1.1.0\n\n- a\n", tags).map(\.tag) == ["1.1.0"])
        #expect(try releases("## v1.1.0\n\n- a\n", tags.reversed()).map(\.tag) == ["v1.1.0"])
        #expect(try releases("## v1.1\n\n- a\n", [tag("v1.1.0", "2024-01-01T00:00:00Z"), tag("1.1", "2024-01-03T00:00:00Z")]).map(\.tag) == ["1.1"])
    }

    /// With --git, the advice no longer says to give it: it says what the repository lacked.
    @Test func whatAnUndatedReleaseIsToldWithGit() throws {
        let error = try #require(throws: ImportError.self) {
            try releases("## 2.0.0\n\n- a\n\n## 1.0.0\n\n- b\n", [tag("v1.0.0", nil), tag("v0.9.0", "2024-01-01T00:00:00Z")])
        }
        let advice = "or on a \"Released …\" line below it"
        #expect(
            error.problems.map(\.description) == [
                "CHANGELOG.md:1: release 2.0.0 has no date: write one in the heading (## 2.0.0 - 2024-05-01) \(advice); the --git repository has no tag of this version",
                "CHANGELOG.md:5: release 1.0.0 has no date: write one in the heading (## 1.0.0 - 2024-05-01) \(advice); its tag v1.0.0 has no date",
            ]
        )
    }
}
