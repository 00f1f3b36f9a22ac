import Testing

@testable import ShiplogModel

/// Update channels of SPEC §9: a channel's feed offers its own releases and every more stable
/// one, never a draft or a yanked release, and never a stable release above an active one.
@Suite struct UpdateChannelTests {
    private static let releases = [
        appRelease("1.0.0", day: 0), appRelease("1.1.0-alpha.1", day: 1), appRelease("1.1.0-beta.2", day: 2), appRelease("1.1.0-rc.1", day: 3),
        appRelease("1.1.0", day: 4), appRelease("1.2.0-nightly.5", day: 5), appRelease("1.2.0-beta.1", day: 6, status: .draft),
        appRelease("1.2.0", day: 7, status: .yanked), appRelease("1.3.0-preview", day: 8, channel: "beta"),
    ]

    private static func catalog(active: String? = nil) -> Catalog {
        Catalog(
            data: ReleaseData(page: Page(id: "acme", title: "Acme"), components: [Component(slug: "app", active: active)], releases: releases),
            includeDrafts: true
        )
    }

    private static func versions(_ catalog: Catalog, _ channel: String, limit: Int = .max) -> [String] {
        catalog.updateReleases(of: 0, channel: channel, limit: limit).map { catalog.data.releases[$0].version.text }
    }

    @Test func ranksOrderChannelsByStability() {
        #expect(UpdateChannel.rank("alpha") < UpdateChannel.rank("beta"))
        #expect(UpdateChannel.rank("beta") < UpdateChannel.rank("rc"))
        #expect(UpdateChannel.rank("rc") < UpdateChannel.rank("stable"))
        #expect(UpdateChannel.rank("nightly") == UpdateChannel.rank("beta"))
        #expect(UpdateChannel.feed("beta", offers: "rc"))
        #expect(!UpdateChannel.feed("beta", offers: "nightly"))
        #expect(!UpdateChannel.feed("rc", offers: "beta"))
    }

    @Test func eachFeedHoldsItsChannelAndEveryMoreStableOne() {
        let c = Self.catalog()
        #expect(Self.versions(c, "stable") == ["1.1.0", "1.0.0"])
        #expect(Self.versions(c, "rc") == ["1.1.0", "1.1.0-rc.1", "1.0.0"])
        #expect(Self.versions(c, "beta") == ["1.3.0-preview", "1.1.0", "1.1.0-rc.1", "1.1.0-beta.2", "1.0.0"])
        // Names other than alpha, beta and rc sit beside beta: more stable than alpha.
        #expect(Self.versions(c, "alpha") == ["1.3.0-preview", "1.2.0-nightly.5", "1.1.0", "1.1.0-rc.1", "1.1.0-beta.2", "1.1.0-alpha.1", "1.0.0"])
        #expect(Self.versions(c, "nightly") == ["1.2.0-nightly.5", "1.1.0", "1.1.0-rc.1", "1.0.0"])
        #expect(Self.versions(c, "beta", limit: 2) == ["1.3.0-preview", "1.1.0"])
        #expect(c.updateChannels(of: 0) == ["stable", "alpha", "beta", "nightly", "rc"])
    }

    @Test func anActiveReleaseHoldsBackEveryStableReleaseAboveIt() {
        let c = Self.catalog(active: "1.0.0")
        #expect(Self.versions(c, "stable") == ["1.0.0"])
        #expect(Self.versions(c, "rc") == ["1.1.0-rc.1", "1.0.0"])
    }
}
