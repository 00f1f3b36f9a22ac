import Testing

@testable import ShiplogModel

/// The moment `n` days after 2024-01-01T00:00:00Z.
private func day(_ n: Int) -> Timestamp { Timestamp(seconds: 1_704_067_200 + Int64(n) * 86_400) }

private func release(
    _ version: String,
    _ component: String = "api",
    day n: Int? = 0,
    status: Release.Status = .published,
    prerelease: Bool? = nil,
    author: String? = nil
) -> Release {
    Release(
        component: component,
        version: Version(version),
        publishedAt: n.map(day),
        author: author,
        status: status,
        prereleaseFlag: prerelease
    )
}

private func catalog(
    _ releases: [Release],
    components: [Component] = [Component(slug: "api")],
    groups: [ReleaseGroup] = [],
    grouping: Page.Grouping = .none
) -> Catalog {
    Catalog(
        data: ReleaseData(
            page: Page(id: "acme", title: "Acme", grouping: grouping),
            components: components,
            releases: releases,
            groups: groups
        )
    )
}

private func group(_ version: String, day n: Int? = nil, _ members: [(String, String)]) -> ReleaseGroup {
    ReleaseGroup(
        version: Version(version),
        publishedAt: n.map(day),
        members: members.map { ReleaseReference(component: $0.0, version: $0.1) }
    )
}

extension Catalog {
    /// Version texts of the component's releases, highest first.
    fileprivate func order(_ component: Int = 0) -> [String] { releasesByComponent[component].map { data.releases[$0].version.text } }
    fileprivate func latestVersion(_ component: Int = 0) -> String? { latest[component].map { data.releases[$0].version.text } }
    fileprivate func latestPrereleaseVersion(_ component: Int = 0) -> String? {
        latestPrerelease[component].map { data.releases[$0].version.text }
    }
    fileprivate func bump(_ version: String) -> BumpKind? {
        data.releases.firstIndex { $0.version.text == version }.map { bumps[$0] }
    }
    fileprivate var latestGroupVersion: String? { latestGroup.map { groups[$0].group.version.text } }
}

@Suite struct CatalogTests {
    // MARK: Latest

    @Test func latestIsTheHighestPublishedFinalRelease() {
        let c = catalog([
            release("1.0.0", day: 0), release("2.0.0", day: nil, status: .draft), release("1.1.0", day: 1),
            release("1.3.0", day: 3, status: .yanked), release("1.4.0-rc.1", day: 4), release("1.5.0", day: 5, prerelease: true),
        ])
        #expect(c.order() == ["2.0.0", "1.5.0", "1.4.0-rc.1", "1.3.0", "1.1.0", "1.0.0"])
        #expect(c.latestVersion() == "1.1.0")
        #expect(c.latestPrereleaseVersion() == "1.5.0")
    }

    @Test func draftsAreNeverLatestEvenWithDraftsShown() {
        let c = Catalog(
            data: ReleaseData(
                page: Page(id: "acme", title: "Acme"),
                components: [Component(slug: "api")],
                releases: [release("1.0.0"), release("9.0.0", day: nil, status: .draft)]
            ),
            includeDrafts: true
        )
        #expect(c.latestVersion() == "1.0.0")
    }

    @Test func noLatestWithoutAPublishedFinalRelease() {
        let c = catalog([release("1.0.0", status: .yanked), release("1.1.0", day: nil, status: .draft), release("2.0.0-rc.1")])
        #expect(c.latestVersion() == nil)
        #expect(c.latestPrereleaseVersion() == "2.0.0-rc.1")
        #expect(catalog([]).latest == [nil])
    }

    @Test func latestPrereleaseOnlyAboveTheLatest() {
        #expect(catalog([release("1.0.0-rc.1", day: 0), release("1.0.0", day: 1)]).latestPrereleaseVersion() == nil)
        // Published ones only: a draft or yanked pre-release does not count.
        let c = catalog([
            release("1.0.0", day: 0), release("1.1.0-rc.1", day: 1), release("1.1.0-rc.2", day: 2, status: .yanked),
            release("1.2.0-beta", day: nil, status: .draft), release("0.9.0-rc.1", day: 3),
        ])
        #expect(c.latestVersion() == "1.0.0")
        #expect(c.latestPrereleaseVersion() == "1.1.0-rc.1")
    }

    @Test func equalRankPutsTheLaterPublishedFirst() {
        let c = catalog([release("1.0.0+a", day: 1), release("v1.0.0", day: 3), release("1.0", day: 2), release("0.9", day: 9)])
        #expect(c.order() == ["v1.0.0", "1.0", "1.0.0+a", "0.9"])
        #expect(c.latestVersion() == "v1.0.0")
    }

    @Test func nonNumericVersionsOrderByDateBelowNumericOnes() {
        let c = catalog([
            release("spring-24", day: 5), release("autumn-23", day: 1), release("0.1.0", day: 0), release("summer-24", day: 9),
        ])
        #expect(c.order() == ["0.1.0", "summer-24", "spring-24", "autumn-23"])
        #expect(c.latestVersion() == "0.1.0")
        let named = catalog([release("spring-24", day: 5), release("autumn-23", day: 1), release("summer-24", day: 9)])
        #expect(named.latestVersion() == "summer-24")
        #expect(named.latestPrereleaseVersion() == nil)
    }

    @Test func ordersEachComponentOnItsOwn() {
        let c = catalog(
            [release("2.0.0", "web"), release("1.0.0", "api"), release("1.0.0", "web"), release("1.1.0", "api")],
            components: [Component(slug: "api"), Component(slug: "web")]
        )
        #expect(c.order(0) == ["1.1.0", "1.0.0"])
        #expect(c.order(1) == ["2.0.0", "1.0.0"])
        #expect(c.latestVersion(0) == "1.1.0")
        #expect(c.latestVersion(1) == "2.0.0")
    }

    // MARK: Pre-release flag

    @Test(
        arguments: [
            ("1.2.0-rc.1", nil, true), ("v2.0-beta", nil, true), ("1.2.0", nil, false), ("spring-24", nil, false),
            ("1.0.0+build-5", nil, false), ("1.2.0-rc.1", false, false), ("1.2.0", true, true), ("spring-24", true, true),
        ] as [(String, Bool?, Bool)]
    )
    func prereleaseDefaultsToThePrereleasePart(_ version: String, _ flag: Bool?, _ expected: Bool) {
        #expect(release(version, prerelease: flag).isPrerelease == expected)
    }

    // MARK: Bump kinds

    @Test func bumpsAgainstThePreviousFinalReleaseInVersionOrder() {
        // Given out of version order, and dated against it: version order decides.
        let versions = ["1.1", "0.9.0", "1.0.1", "0.10.0", "2.0.0", "0.9.1", "1.0.0", "1.0.0-rc.1", "v1.1.1"]
        let c = catalog(versions.enumerated().map { release($0.element, day: 20 - $0.offset) })
        let expected: [String: BumpKind] = [
            "0.9.0": .major, "0.9.1": .patch, "0.10.0": .minor, "1.0.0-rc.1": .prerelease, "1.0.0": .major, "1.0.1": .patch,
            "1.1": .minor, "v1.1.1": .patch, "2.0.0": .major,
        ]
        for (version, kind) in expected { #expect(c.bump(version) == kind, "\(version)") }
    }

    @Test func firstReleaseIsMajorAndPrereleasesArePrerelease() {
        #expect(catalog([release("0.0.1")]).bump("0.0.1") == .major)
        #expect(catalog([release("spring-24")]).bump("spring-24") == .major)
        let c = catalog([release("0.1.0-rc.1", day: 0), release("0.1.0", day: 1), release("0.2.0-rc.1", prerelease: false)])
        #expect(c.bump("0.1.0-rc.1") == .prerelease)
        #expect(c.bump("0.1.0") == .major)
        #expect(c.bump("0.2.0-rc.1") == .minor)
        #expect(catalog([release("1.0.0"), release("1.0.1", prerelease: true)]).bump("1.0.1") == .prerelease)
    }

    @Test func bumpSkipsYankedDraftAndPrereleasePredecessors() {
        let c = catalog([
            release("1.0.0", day: 0), release("1.1.0", day: 1, status: .yanked), release("1.2.0", day: nil, status: .draft),
            release("1.2.1", day: 3), release("2.0.0-rc.1", day: 4), release("2.0.0", day: 5),
            release("3.0.0", day: 6, status: .yanked), release("3.0.1", day: 7),
        ])
        #expect(c.bump("1.0.0") == .major)
        #expect(c.bump("1.1.0") == .minor)
        #expect(c.bump("1.2.0") == .minor)  // against 1.0.0: 1.1.0 is yanked
        #expect(c.bump("1.2.1") == .minor)  // against 1.0.0: 1.1.0 yanked, 1.2.0 a draft
        #expect(c.bump("2.0.0-rc.1") == .prerelease)
        #expect(c.bump("2.0.0") == .major)
        #expect(c.bump("3.0.0") == .major)
        #expect(c.bump("3.0.1") == .major)  // against 2.0.0: 3.0.0 is yanked
    }

    // MARK: Groups

    @Test func latestGroupIsTheHighestWhoseMembersAreAllPublished() {
        let components = [Component(slug: "api"), Component(slug: "web")]
        let c = catalog(
            [
                release("1.0.0", "api"), release("1.0.0", "web"), release("1.1.0", "api"), release("1.1.0", "web"),
                release("1.2.0", "api"), release("1.2.0", "web", status: .yanked), release("1.3.0", "api"),
                release("1.3.0", "web", day: nil, status: .draft),
            ],
            components: components,
            groups: [
                group("2023.9", [("api", "1.0.0"), ("web", "1.0.0")]), group("2024.3", [("api", "1.3.0"), ("web", "1.3.0")]),
                group("2024.1", [("api", "1.1.0"), ("web", "1.1.0")]), group("2024.2", [("api", "1.2.0"), ("web", "1.2.0")]),
            ]
        )
        #expect(c.groups.map(\.group.version.text) == ["2024.3", "2024.2", "2024.1", "2023.9"])
        #expect(c.groups.map(\.isComplete) == [false, false, true, true])
        #expect(c.latestGroupVersion == "2024.1")
        #expect(c.groups.allSatisfy { !$0.isImplicit })
    }

    @Test func groupsOfEqualRankPutTheLaterFirst() {
        let c = catalog(
            [release("1.0.0"), release("1.0.1")],
            groups: [group("1", day: 1, [("api", "1.0.0")]), group("v1.0", day: 3, [("api", "1.0.1")]), group("1.0.0+b", day: 2, [])]
        )
        #expect(c.groups.map(\.group.version.text) == ["v1.0", "1.0.0+b", "1"])
        #expect(c.latestGroupVersion == "v1.0")
    }

    @Test func noLatestGroupWhenNoneQualifies() {
        let c = catalog([release("1.0.0", status: .yanked)], groups: [group("1", [("api", "1.0.0")]), group("2", [])])
        #expect(c.latestGroup == nil)
    }

    @Test func byVersionGroupsReleasesAcrossComponents() throws {
        let components = [Component(slug: "api"), Component(slug: "web"), Component(slug: "cli")]
        let c = catalog(
            [
                release("1.0.0", "web", day: 2), release("v1.0.0", "api", day: 1), release("1.1.0", "api", day: 3),
                release("1.1.0", "web", day: nil, status: .draft), release("0.9.0", "cli", day: 0),
            ],
            components: components,
            grouping: .byVersion
        )
        #expect(c.groups.map(\.group.version.text) == ["1.1.0", "1.0.0", "0.9.0"])
        #expect(c.groups.allSatisfy { $0.isImplicit })
        #expect(c.latestGroupVersion == "1.0.0")
        let latest = try #require(c.latestGroup.map { c.groups[$0] })
        #expect(latest.members.map { c.data.releases[$0].component } == ["api", "web"])
        #expect(latest.publishedAt == day(2))
        #expect(c.groups[0].isComplete == false)
    }

    @Test func aByVersionGroupKeepsThePrefixItsMembersAllWrite() throws {
        let components = [Component(slug: "api"), Component(slug: "web")]
        let c = catalog(
            [
                release("v1.0.2", "api", day: 1), release("v1.0.2", "web", day: 2), release("V2.0.0", "api", day: 3),
                release("2.0.0", "web", day: 4), release("v3.0.0-rc.1", "web", day: 5),
            ],
            components: components,
            grouping: .byVersion
        )
        // Written alike by every member: shown as written (SPEC §2, the prefix is kept for display);
        // written differently: the version without the prefix.
        #expect(c.groups.map(\.group.version.text) == ["v3.0.0-rc.1", "2.0.0", "v1.0.2"])
        #expect(c.latestGroupVersion == "v3.0.0-rc.1")
        #expect(JSONWriter.write(c.versionDocument(), pretty: false).contains(#""latestGrouped":{"version":"v3.0.0-rc.1""#))
    }

    @Test func explicitGroupOfTheSameVersionWins() throws {
        let components = [Component(slug: "api"), Component(slug: "web")]
        let c = catalog(
            [release("1.0.0", "api"), release("v1.0.0", "web"), release("2.0.0", "api"), release("2.0.0", "web")],
            components: components,
            groups: [group("v2.0.0", day: 9, [("api", "2.0.0")])],
            grouping: .byVersion
        )
        #expect(c.groups.map(\.group.version.text) == ["v2.0.0", "1.0.0"])
        #expect(c.groups.map(\.isImplicit) == [false, true])
        #expect(c.groups[0].members.map { c.data.releases[$0].component } == ["api"])
        #expect(c.latestGroupVersion == "v2.0.0")
    }

    @Test func noImplicitGroupsWithoutByVersion() {
        let c = catalog([release("1.0.0", "api"), release("1.0.0", "web")], components: [Component(slug: "api"), Component(slug: "web")])
        #expect(c.groups.isEmpty)
        #expect(c.latestGroup == nil)
    }

    @Test func groupAuthorsAndReposFollowComponentOrder() throws {
        let components = [
            Component(slug: "api", repo: "acme/api"), Component(slug: "web"), Component(slug: "cli", repo: "acme/cli"),
        ]
        let c = catalog(
            [
                release("1.0.0", "cli", day: 1, author: "ann"), release("1.0.0", "web", day: 4, author: "bob"),
                release("1.0.0", "api", day: 2, author: "ann"),
            ],
            components: components,
            groups: [group("2024.1", [("cli", "1.0.0"), ("web", "1.0.0"), ("api", "1.0.0")])]
        )
        let resolved = try #require(c.groups.first)
        #expect(resolved.members.map { c.data.releases[$0].component } == ["api", "web", "cli"])
        #expect(resolved.authors == ["ann", "bob"])
        #expect(resolved.repos == ["acme/api", "web", "acme/cli"])
        #expect(resolved.publishedAt == day(4))
    }

    @Test func groupDateIsItsOwnElseTheLatestMembers() {
        let components = [Component(slug: "api"), Component(slug: "web")]
        let releases = [release("1.0.0", "api", day: 5), release("1.0.0", "web", day: 7)]
        let members = [("api", "1.0.0"), ("web", "1.0.0")]
        #expect(catalog(releases, components: components, groups: [group("1", day: 1, members)]).groups[0].publishedAt == day(1))
        #expect(catalog(releases, components: components, groups: [group("1", members)]).groups[0].publishedAt == day(7))
    }

    // MARK: version.json

    @Test func versionDocumentWithoutAQualifyingGroup() {
        let c = catalog(
            [
                Release(component: "api", version: Version("v1.0.2"), publishedAt: Timestamp(rfc3339: "2017-04-12T11:20:10Z"), author: "jivings"),
                Release(component: "api", version: Version("v1.1.0-rc.1"), publishedAt: Timestamp(rfc3339: "2017-05-01T00:00:00Z")),
                Release(component: "docs", version: Version("1.0.0"), status: .draft),
                Release(component: "web", version: Version("2.0.0"), publishedAt: Timestamp(rfc3339: "2017-04-13T10:00:00+02:00"), author: "mia"),
            ],
            components: [
                Component(slug: "api", name: "Public API", repo: "acme/api"), Component(slug: "docs", name: "Docs"), Component(slug: "web"),
            ],
            groups: [group("2017.1", [("api", "v1.0.2"), ("docs", "1.0.0")])]
        )
        #expect(
            JSONWriter.write(c.versionDocument(), pretty: false)
                == #"{"latest":[{"repo":"acme/api","version":"v1.0.2","author":"jivings","published_at":"2017-04-12T11:20:10Z","name":"Public API"},"#
                + #"{"repo":"web","version":"2.0.0","author":"mia","published_at":"2017-04-13T08:00:00Z","name":"web"}]}"#
        )
    }

    @Test func versionDocumentWithTheLatestGroup() {
        let c = catalog(
            [
                Release(component: "api", version: Version("v1.0.2"), publishedAt: Timestamp(rfc3339: "2017-04-12T11:20:10Z"), author: "jivings"),
                Release(component: "web", version: Version("1.2.5"), publishedAt: Timestamp(rfc3339: "2017-04-14T09:00:00Z"), author: "mia"),
                Release(component: "web", version: Version("1.3.0"), publishedAt: Timestamp(rfc3339: "2017-04-20T09:00:00Z"), author: "mia"),
            ],
            components: [Component(slug: "api", repo: "acme/api"), Component(slug: "web", name: "Portal")],
            groups: [group("2024.1", [("web", "1.2.5"), ("api", "v1.0.2")])]
        )
        #expect(
            JSONWriter.write(c.versionDocument(), pretty: false)
                == #"{"latest":[{"repo":"acme/api","version":"v1.0.2","author":"jivings","published_at":"2017-04-12T11:20:10Z","name":"api"},"#
                + #"{"repo":"web","version":"1.3.0","author":"mia","published_at":"2017-04-20T09:00:00Z","name":"Portal"}],"#
                + #""latestGrouped":{"version":"2024.1","authors":["jivings","mia"],"published_at":"2017-04-14T09:00:00Z","repos":["acme/api","web"]}}"#
        )
    }

    @Test func versionDocumentOfAnEmptyPage() {
        #expect(JSONWriter.write(catalog([], components: []).versionDocument(), pretty: false) == #"{"latest":[]}"#)
    }
}
