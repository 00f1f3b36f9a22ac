import Testing

@testable import ShiplogModel

/// SPEC §10: `shiplog check` warns where data is probably not what its author meant.
@Suite struct VersionWarningsTests {
    func data(_ releases: [(String, String?)]) -> ReleaseData {
        ReleaseData(
            page: Page(id: "p", title: "P"),
            components: [Component(slug: "api")],
            releases: releases.map { Release(component: "api", version: Version($0.0), publishedAt: $0.1.flatMap(Timestamp.init(rfc3339:))) }
        )
    }

    @Test func datesAgainstVersionOrder() {
        let warnings = VersionWarnings.check(data([("1.2.0", "2020-01-01T00:00:00Z"), ("1.3.0", "2019-06-01T00:00:00Z")]))
        #expect(
            warnings == ["api: 1.3.0 is dated 2019-06-01T00:00:00Z, before 1.2.0 (2020-01-01T00:00:00Z), which orders below it; is a date wrong?"]
        )
    }

    @Test func aBackportedPatchIsNoContradiction() {
        let releases = [
            ("1.2.0", "2020-01-01T00:00:00Z"), ("1.3.0", "2020-03-01T00:00:00Z"), ("1.2.1", "2020-04-01T00:00:00Z"),
            ("2.0.0-rc.1", "2020-05-01T00:00:00Z"), ("2.0.0", "2020-06-01T00:00:00Z"),
        ]
        #expect(VersionWarnings.check(data(releases)) == [])
    }

    /// Node.js and Django keep older majors alive: 1.9.0 after 2.0.0 is a maintenance release.
    @Test func aMinorOfAnOlderMajorIsNoContradiction() {
        let releases = [
            ("1.8.0", "2023-01-01T00:00:00Z"), ("2.0.0", "2024-01-01T00:00:00Z"), ("1.9.0", "2024-02-01T00:00:00Z"),
            ("2.1.0", "2024-03-01T00:00:00Z"), ("1.10.0", "2024-04-01T00:00:00Z"), ("1.10.1", "2024-05-01T00:00:00Z"),
            ("0.9.0", "2022-01-01T00:00:00Z"), ("0.10.0", "2022-03-01T00:00:00Z"), ("0.9.1", "2022-06-01T00:00:00Z"),
        ]
        #expect(VersionWarnings.check(data(releases)) == [])
    }

    @Test func aMajorDatedBeforeTheOneBelowItIsOne() {
        let releases = [("1.0.0", "2023-01-01T00:00:00Z"), ("1.1.0", "2023-06-01T00:00:00Z"), ("2.0.0", "2019-01-01T00:00:00Z")]
        #expect(
            VersionWarnings.check(data(releases)) == [
                "api: 2.0.0 is dated 2019-01-01T00:00:00Z, before 1.0.0 (2023-01-01T00:00:00Z), which orders below it; is a date wrong?"
            ]
        )
        // Within a major, minors still come out in order.
        #expect(VersionWarnings.check(data([("1.1.0", "2023-06-01T00:00:00Z"), ("1.2.0", "2023-02-01T00:00:00Z")])).count == 1)
    }

    @Test func aPatchDatedBeforeItsLineIsOne() {
        let warnings = VersionWarnings.check(data([("1.2.0", "2020-03-01T00:00:00Z"), ("1.2.1", "2020-02-01T00:00:00Z")]))
        #expect(warnings.count == 1)
    }

    @Test func mixedPrefixes() {
        let warnings = VersionWarnings.check(data([("v1.0.0", "2020-01-01T00:00:00Z"), ("1.1.0", "2020-02-01T00:00:00Z")]))
        #expect(
            warnings == [
                "api: mixed version prefixes: 1 of 2 versions start with \"v\" (v1.0.0), the others do not (1.1.0); write them one way"
            ]
        )
    }

    @Test func versionsThatCompareEqual() {
        let warnings = VersionWarnings.check(data([("v1.2", "2020-01-01T00:00:00Z"), ("V1.2.0", "2020-01-01T00:00:00Z")]))
        #expect(warnings == ["api: V1.2.0 and v1.2 are the same version in shiplog's order (SPEC §2); keep one, or tell them apart"])
    }

    @Test func prereleaseNumbersOfDifferentLengths() {
        let releases = [("1.0.0-rc8", "2020-01-01T00:00:00Z"), ("1.0.0-rc9", "2020-01-02T00:00:00Z"), ("1.0.0-rc10", "2020-01-03T00:00:00Z")]
        #expect(
            VersionWarnings.check(data(releases)) == [
                "api: 1.0.0-rc9 and 1.0.0-rc10 order by number here (rc9 before rc10) but as text in SemVer tools (rc10 before rc9); write rc.9 and rc.10"
            ]
        )
    }

    @Test func cleanDataHasNoWarning() {
        let releases = [("1.0.0-rc.1", "2020-01-01T00:00:00Z"), ("1.0.0", "2020-02-01T00:00:00Z"), ("1.1.0", "2020-03-01T00:00:00Z")]
        #expect(VersionWarnings.check(data(releases)) == [])
    }
}
