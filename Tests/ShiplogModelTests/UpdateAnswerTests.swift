import Testing

@testable import ShiplogModel

/// The dynamic update endpoints' choice (SPEC §9): the highest release of the channel's feed above
/// the caller's version that has a file for its platform, or nothing.
@Suite struct UpdateAnswerTests {
    private static func asset(_ platform: String, _ name: String, signed: Bool = true) -> Release.Asset {
        Release.Asset(name: name, url: "https://dl.acme.example/\(name)", platform: platform, signature: signed ? "sig-\(name)" : nil)
    }

    private static let everyPlatform = [
        asset("darwin-aarch64", "A.app.tar.gz"), asset("darwin-x86_64", "A-x64.app.tar.gz"), asset("windows-x86_64-msi", "A.msi"),
        asset("windows-x86_64-nsis", "A-setup.exe"), asset("linux-x86_64-appimage", "A.AppImage"), asset("linux-x86_64-deb", "a.deb"),
        asset("darwin-aarch64", "A-arm64.zip", signed: false), asset("darwin-x86_64", "A-x64.zip", signed: false),
    ]

    private static func catalog(_ releases: [Release]) -> Catalog {
        Catalog(data: ReleaseData(page: Page(id: "acme", title: "Acme"), components: [Component(slug: "app")], releases: releases))
    }

    private static let releases = [
        appRelease("v1.0.0", day: 0, assets: everyPlatform), appRelease("v1.1.0-beta.1", day: 1, assets: everyPlatform),
        appRelease("v1.1.0", day: 2, assets: everyPlatform, notes: "### Fixed\n- a crash"),
        appRelease("v1.2.0-beta.1", day: 3, assets: [asset("darwin-aarch64", "B.app.tar.gz")]),
    ]

    private func tauri(_ c: Catalog, _ target: String, _ arch: String, bundle: String? = nil, channel: String = "stable", current: String) -> String?
    {
        c.tauriUpdate(component: 0, target: target, arch: arch, bundle: bundle, channel: channel, current: Version(current)).map {
            c.data.releases[$0.release].version.text + " " + (c.data.releases[$0.release].assets[$0.asset].name ?? "")
        }
    }

    @Test func offersTheHighestReleaseAboveTheCallerOnItsChannel() {
        let c = Self.catalog(Self.releases)
        #expect(tauri(c, "darwin", "aarch64", current: "1.0.0") == "v1.1.0 A.app.tar.gz")
        #expect(tauri(c, "darwin", "aarch64", current: "1.1.0") == nil)
        #expect(tauri(c, "darwin", "aarch64", current: "2.0.0") == nil)
        #expect(tauri(c, "darwin", "aarch64", channel: "beta", current: "1.1.0") == "v1.2.0-beta.1 B.app.tar.gz")
        // The beta release has no Windows file: a Windows app on beta gets the newest release that has one.
        #expect(tauri(c, "windows", "x86_64", channel: "beta", current: "1.0.0") == "v1.1.0 A.msi")
        #expect(tauri(c, "windows", "x86_64", channel: "beta", current: "1.1.0") == nil)
        #expect(tauri(c, "linux", "aarch64", current: "0.1.0") == nil)
        #expect(tauri(c, "darwin", "x86_64", current: "1.1.0-beta.1") == "v1.1.0 A-x64.app.tar.gz")
    }

    @Test func prefersTheAskedBundleThenThePlainPlatformAndNeverAnotherBundle() {
        let c = Self.catalog(Self.releases)
        #expect(tauri(c, "linux", "x86_64", current: "1.0.0") == "v1.1.0 A.AppImage")
        #expect(tauri(c, "linux", "x86_64", bundle: "deb", current: "1.0.0") == "v1.1.0 a.deb")
        #expect(tauri(c, "linux", "x86_64", bundle: "rpm", current: "1.0.0") == nil)
        #expect(tauri(c, "windows", "x86_64", bundle: "nsis", current: "1.0.0") == "v1.1.0 A-setup.exe")
        let plain = [Self.asset("linux-x86_64-deb", "a.deb"), Self.asset("linux-x86_64", "plain.tar.gz")]
        #expect(UpdateAnswer.tauriAsset(plain, target: "linux", arch: "x86_64", bundle: nil) == 1)
        #expect(UpdateAnswer.tauriAsset(plain, target: "linux", arch: "x86_64", bundle: "rpm") == 1)
        #expect(UpdateAnswer.tauriAsset([Self.asset("linux-x86_64", "u", signed: false)], target: "linux", arch: "x86_64", bundle: nil) == nil)
    }

    @Test func tauriReadsTheVersionAsSemVer() {
        #expect(UpdateAnswer.semver(Version("v1.2")) == "1.2.0")
        #expect(UpdateAnswer.semver(Version("V2.0.0-rc.1+b.7")) == "2.0.0-rc.1+b.7")
        #expect(UpdateAnswer.semver(Version("1.2.3.4")) == nil)
        #expect(UpdateAnswer.semver(Version("01.2.3")) == nil)
        #expect(UpdateAnswer.semver(Version("1.0.0-rc.01")) == nil)
        #expect(UpdateAnswer.semver(Version("spring-24")) == nil)
        let c = Self.catalog([appRelease("1.0.0.1", day: 1, assets: Self.everyPlatform), appRelease("0.9", day: 0, assets: Self.everyPlatform)])
        #expect(tauri(c, "darwin", "aarch64", current: "0.1.0") == "0.9 A.app.tar.gz")
        let offer = c.tauriUpdate(component: 0, target: "darwin", arch: "aarch64", bundle: nil, channel: "stable", current: Version("0.1.0"))!
        #expect(c.tauriAnswer(offer)["version"] == .string("0.9.0"))
        #expect(c.tauriAnswer(offer)["pub_date"] == .string("2024-01-01T00:00:00Z"))
        #expect(c.tauriAnswer(offer)["signature"] == .string("sig-A.app.tar.gz"))
    }

    @Test func squirrelGetsTheZipOfItsArchitectureOrAUniversalOne() {
        let c = Self.catalog(Self.releases)
        func squirrel(_ platform: String, current: String = "1.0.0", channel: String = "stable") -> String? {
            c.squirrelUpdate(component: 0, platform: platform, channel: channel, current: Version(current)).map {
                c.data.releases[$0.release].version.text + " " + (c.data.releases[$0.release].assets[$0.asset].name ?? "")
            }
        }
        #expect(squirrel("darwin-aarch64") == "v1.1.0 A-arm64.zip")
        #expect(squirrel("darwin-x86_64") == "v1.1.0 A-x64.zip")
        #expect(squirrel("darwin") == "v1.1.0 A-x64.zip")
        #expect(squirrel("darwin-aarch64", current: "v1.1.0") == nil)
        // Beta's only Mac file is not a zip: offered all the same, for want of a better one.
        #expect(squirrel("darwin-aarch64", current: "v1.1.0", channel: "beta") == "v1.2.0-beta.1 B.app.tar.gz")
        #expect(squirrel("darwin-x86_64", current: "v1.1.0", channel: "beta") == nil)
        let universal = [Self.asset("darwin-x86_64", "x.zip"), Self.asset("darwin-universal", "u.zip"), Self.asset("darwin-aarch64", "a.dmg")]
        #expect(UpdateAnswer.squirrelAsset(universal, platform: "darwin-aarch64") == 1)
        #expect(UpdateAnswer.squirrelAsset(universal, platform: "mac") == 1)
        #expect(UpdateAnswer.squirrelAsset(universal, platform: "darwin-x86_64") == 0)
        #expect(UpdateAnswer.isSquirrelPlatform("osx") && UpdateAnswer.isSquirrelPlatform("darwin-aarch64"))
        #expect(
            !UpdateAnswer.isSquirrelPlatform("windows-x86_64") && !UpdateAnswer.isSquirrelPlatform("darwin-")
                && !UpdateAnswer.isSquirrelPlatform("darwin-a/b")
        )
        let offer = c.squirrelUpdate(component: 0, platform: "darwin", channel: "stable", current: Version("1.0.0"))!
        #expect(
            c.squirrelAnswer(offer)
                == .object([
                    JSONMember("url", .string("https://dl.acme.example/A-x64.zip")), JSONMember("name", .string("v1.1.0")),
                    JSONMember("notes", .string("### Fixed\n- a crash")), JSONMember("pub_date", .string("2024-01-03T00:00:00Z")),
                ])
        )
    }

    /// The server keeps the offer made to the oldest caller (`current: nil`) and gives it to any
    /// caller below it: the same answer as the walk for that caller.
    @Test func theOldestCallersOfferAnswersEveryCaller() {
        let c = Self.catalog(Self.releases + [appRelease("1.1", day: 5, assets: Self.everyPlatform)])
        let callers = ["0.1", "1.0.0", "v1.1.0-beta.1", "1.1.0", "1.1", "1.1.0+b", "1.2.0-beta.1", "1.2.0-alpha", "2", "spring-24"]
        for channel in ["stable", "beta", "rc", "alpha", "nightly"] {
            for (target, arch) in [("darwin", "aarch64"), ("windows", "x86_64"), ("linux", "aarch64")] {
                let oldest = c.tauriUpdate(component: 0, target: target, arch: arch, bundle: nil, channel: channel, current: nil)
                for current in callers.map(Version.init) {
                    let walked = c.tauriUpdate(component: 0, target: target, arch: arch, bundle: nil, channel: channel, current: current)
                    let kept = oldest.flatMap { c.data.releases[$0.release].version.compare(current) > 0 ? $0 : nil }
                    #expect(walked == kept, "\(channel) \(target)-\(arch) \(current)")
                }
            }
            let oldest = c.squirrelUpdate(component: 0, platform: "darwin", channel: channel, current: nil)
            for current in callers.map(Version.init) {
                let walked = c.squirrelUpdate(component: 0, platform: "darwin", channel: channel, current: current)
                #expect(walked == oldest.flatMap { c.data.releases[$0.release].version.compare(current) > 0 ? $0 : nil })
            }
        }
    }
}
