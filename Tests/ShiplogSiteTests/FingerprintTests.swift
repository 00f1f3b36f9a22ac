import ShiplogModel
import Testing

@testable import ShiplogSite

@Suite struct FingerprintTests {
    static let base = Release(
        component: "api",
        version: Version("v1.0.0"),
        title: "T",
        publishedAt: Timestamp(seconds: 1000),
        author: "a",
        notes: "n",
        status: .published,
        prereleaseFlag: nil,
        commit: "c",
        tag: "t",
        url: "https://x.example/",
        codeName: "k",
        assets: [Release.Asset(name: "f", url: "https://x.example/f", platform: "p", signature: "s", size: 1)]
    )

    static func key(_ release: Release) -> Digest {
        var fingerprint = Fingerprint("release")
        fingerprint.add(release)
        return fingerprint.finalize()
    }

    /// Every field of a release reaches its fingerprint, so an edit to any of them re-renders its pages.
    @Test(arguments: [
        "component", "version", "title", "publishedAt", "author", "notes", "status", "prerelease", "commit", "tag", "url", "codeName",
        "asset.name", "asset.url", "asset.platform", "asset.signature", "asset.size", "assets",
    ])
    func everyReleaseFieldChangesTheKey(field: String) {
        var release = Self.base
        switch field {
        case "component": release.component = "web"
        case "version": release.version = Version("v1.0.1")
        case "title": release.title = nil
        case "publishedAt": release.publishedAt = Timestamp(seconds: 1001)
        case "author": release.author = "b"
        case "notes": release.notes = "n2"
        case "status": release.status = .yanked
        case "prerelease": release.prereleaseFlag = false
        case "commit": release.commit = "d"
        case "tag": release.tag = nil
        case "url": release.url = "https://y.example/"
        case "codeName": release.codeName = "m"
        case "asset.name": release.assets[0].name = "g"
        case "asset.url": release.assets[0].url = nil
        case "asset.platform": release.assets[0].platform = "q"
        case "asset.signature": release.assets[0].signature = "t"
        case "asset.size": release.assets[0].size = 2
        default: release.assets = []
        }
        #expect(Self.key(release) != Self.key(Self.base))
    }

    @Test func sameInputSameKey() {
        #expect(Self.key(Self.base) == Self.key(Self.base))
        #expect(Self.key(Self.base).hex.count == 32)
        #expect(Digest(hex: Substring(Self.key(Self.base).hex)) == Self.key(Self.base))
    }

    @Test func lengthPrefixSeparatesFields() {
        var a = Fingerprint()
        a.add("ab")
        a.add("c")
        var b = Fingerprint()
        b.add("a")
        b.add("bc")
        #expect(a.finalize() != b.finalize())
    }
}
