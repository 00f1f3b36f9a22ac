import Testing

@testable import ShiplogModel

/// SPEC §2: SemVer 2.0.0 precedence with shiplog's additions.
@Suite struct VersionOrderTests {
    /// Pairs that must rank the same, in both directions.
    @Test(arguments: [
        ("v1.0.0", "1.0.0"),
        ("V1.0.0", "1.0.0"),
        ("v1.0.0", "V1.0.0"),
        ("1.2", "1.2.0"),
        ("v1.2", "1.2.0"),
        ("1", "1.0.0"),
        ("1.0.0+a", "1.0.0+b"),
        ("1.0.0+build.5", "1.0.0"),
        ("v1.2+exp.sha.5114f85", "1.2.0"),
        ("1.0.0-rc.1+a", "1.0.0-rc.1+b"),
        ("1.0.0-rc.1", "v1.0-rc.1"),
    ])
    func ranksEqual(_ a: String, _ b: String) {
        #expect(Version(a).compare(Version(b)) == 0)
        #expect(Version(b).compare(Version(a)) == 0)
        #expect(!Version(a).precedes(Version(b)))
        #expect(!Version(b).precedes(Version(a)))
    }

    /// Pairs `(lower, higher)`: the first ranks strictly below the second.
    @Test(arguments: [
        // letters then digits compare the number as a number
        ("1.0.0-rc2", "1.0.0-rc10"),
        ("1.0.0-rc9", "1.0.0-rc10"),
        ("1.0.0-beta2", "1.0.0-beta11"),
        ("1.0.0-rc", "1.0.0-rc1"),
        ("1.0.0-beta9", "1.0.0-rc1"),
        ("1.0.0-rc.2", "1.0.0-rc.10"),
        // a pre-release ranks below its final release
        ("1.0.0-rc.1", "1.0.0"),
        ("1.0.0-rc.1+zzz", "1.0.0+aaa"),
        ("v2.0.0-alpha", "2.0"),
        ("0.9.9", "1.0.0-alpha"),
        // numeric identifiers rank below alphanumeric ones
        ("1.0.0-1", "1.0.0-alpha"),
        ("1.0.0-999", "1.0.0-a"),
        ("1.0.0-rc.99", "1.0.0-rc.a"),
        ("1.0.0-0", "1.0.0-0a"),
        // a larger set of pre-release fields ranks higher when the shared ones are equal
        ("1.0.0-alpha", "1.0.0-alpha.1"),
        ("1.0.0-alpha.1", "1.0.0-alpha.1.1"),
        // numbers compare as numbers, of any size
        ("1.9.0", "1.10.0"),
        ("1.0.2", "1.0.99999999999999999999"),
        ("1.0.99999999999999999999", "1.0.100000000000000000000"),
        ("99999999999999999999.0.0", "100000000000000000000.0.0"),
        ("2.0.0", "10.0.0"),
        ("1.2", "1.2.1"),
        ("1.2.0", "1.2.0.1"),
        ("0.9", "1"),
        // the prefix plays no part
        ("v1.0.0", "1.0.1"),
        ("1.0.0", "v1.0.1"),
        ("V1.9", "v1.10"),
        // a version that is not dotted-numeric ranks below every numeric one
        ("spring-24", "0.0.1"),
        ("spring-24", "0.0.0-alpha"),
        ("spring-24", "1"),
        ("release-2024", "1.0.0-rc.1"),
        ("1.0.x", "0.0.1"),
        ("v", "0"),
        ("1.0.0-", "0.0.1"),
        ("1..0", "0.1"),
    ])
    func ordersStrictly(_ lower: String, _ higher: String) {
        let (a, b) = (Version(lower), Version(higher))
        #expect(a.compare(b) < 0)
        #expect(b.compare(a) > 0)
        #expect(a.precedes(b))
        #expect(!b.precedes(a))
    }

    /// The precedence example of SemVer 2.0.0 §11, plus the final release.
    @Test func followsTheSemVerChain() {
        let chain = [
            "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0",
        ]
        for (lower, higher) in zip(chain, chain.dropFirst()) {
            #expect(Version(lower).precedes(Version(higher)), "\(lower) < \(higher)")
            #expect(Version(higher).compare(Version(lower)) > 0, "\(higher) > \(lower)")
        }
        // Every pair, not only neighbours: the order is transitive.
        for (i, lower) in chain.enumerated() {
            for higher in chain[(i + 1)...] {
                #expect(Version(lower).precedes(Version(higher)), "\(lower) < \(higher)")
            }
        }
        let shuffled = [chain[5], chain[0], chain[7], chain[3], chain[1], chain[6], chain[2], chain[4]]
        #expect(shuffled.map(Version.init).sorted { $0.precedes($1) }.map(\.text) == chain)
    }

    @Test func nonNumericVersionsRankTheSameAmongThemselves() {
        #expect(Version("spring-24").compare(Version("autumn-23")) == 0)
        #expect(Version("autumn-23").compare(Version("spring-24")) == 0)
    }

    @Test(arguments: [
        ("1", true), ("1.2", true), ("v1.2.3", true), ("V1.2.3-rc.1+build", true), ("1.0.99999999999999999999", true),
        ("spring-24", false), ("1.0.x", false), ("", false), ("v", false), ("1..2", false), ("1.0.0-", false),
        ("1.0.0-rc..1", false), ("-1.0", false), (".1", false), ("1.", false),
    ])
    func recognisesNumericVersions(_ text: String, _ numeric: Bool) {
        #expect(Version(text).isNumeric == numeric)
    }

    @Test(arguments: [
        ("1.2.0-rc.1", true), ("v2-beta", true), ("1.0.0-0", true), ("1.2.0", false), ("1.2.0+build-5", false),
        ("spring-24", false), ("release-1.0", false),
    ])
    func recognisesPrereleaseParts(_ text: String, _ prerelease: Bool) {
        #expect(Version(text).hasPrereleasePart == prerelease)
    }

    @Test func keepsThePrefixForDisplay() {
        let version = Version("v1.0.2")
        #expect(version.text == "v1.0.2")
        #expect(version.description == "v1.0.2")
        #expect(version.withoutPrefix == "1.0.2")
        #expect(Version("V3").withoutPrefix == "3")
        #expect(Version("1.0.2").withoutPrefix == "1.0.2")
        #expect(Version("spring-24").withoutPrefix == "spring-24")
    }

    @Test func fillsMissingMinorAndPatchWithZero() throws {
        let parts = try #require(Version("v7").majorMinorPatch)
        #expect([parts.0, parts.1, parts.2].map(\.description) == ["7", "0", "0"])
        let full = try #require(Version("1.02.3-rc.1").majorMinorPatch)
        #expect([full.0, full.1, full.2].map(\.description) == ["1", "2", "3"])
        #expect(Version("spring-24").majorMinorPatch == nil)
    }

    /// The order keys the catalog sorts by agree with the version order and the bump kinds, and
    /// leave to them only the versions they cannot rank.
    @Test func orderKeysAgreeWithTheVersionOrder() {
        let texts = [
            "1.0.0", "v1.0.0", "1.2", "1.2.0", "1.2.1", "1.10.0", "2", "0.9.9", "1.2.3.4", "1.2.3.5", "1.2.3.4.5",
            "1.0.0-rc2", "1.0.0-rc10", "1.0.0+build", "99999999999999999999.0.0", "spring-24", "nightly", "", "v", "1..2",
        ]
        let versions = texts.map(Version.init)
        var fastPaths = 0
        for a in versions {
            for b in versions {
                let (keyA, keyB) = (Version.OrderKey(a), Version.OrderKey(b))
                if let rank = Version.OrderKey.compare(keyA, keyB) {
                    fastPaths += 1
                    #expect(rank.signum() == a.compare(b).signum(), "\(a.text) vs \(b.text)")
                }
                if let bump = Version.OrderKey.bump(from: keyA, to: keyB) {
                    #expect(bump == Catalog.bump(from: a, to: b), "\(a.text) → \(b.text)")
                }
            }
            #expect(Version.OrderKey.bump(from: nil, to: Version.OrderKey(a)) == Catalog.bump(from: nil, to: a))
        }
        #expect(fastPaths > texts.count * texts.count / 2)
    }
}
