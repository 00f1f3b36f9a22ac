/// Assets that an app update feed (SPEC §9) cannot use, for `shiplog check`: the feed leaves them
/// out, or lists them in a form its updater refuses.
///
/// ```swift
/// UpdateWarnings.check(data)  // [(release: 0, asset: 1, "no signature: …")]
/// ```
public enum UpdateWarnings {
    /// One finding: the release's index in the data, the asset's index in it, and what is wrong.
    public struct Finding: Sendable, Hashable {
        public var release: Int
        public var asset: Int
        public var message: String
    }

    /// Every finding, by release and asset.
    public static func check(_ data: ReleaseData) -> [Finding] {
        var findings: [Finding] = []
        for (index, release) in data.releases.enumerated() where !release.assets.isEmpty {
            // Tauri signs the release's files: a signature on anything but a Sparkle download (a
            // `darwin-*` file without a bundle name) says the release is meant for Tauri too.
            let signed = release.assets.contains { asset in
                asset.signature != nil && !(asset.platform.map { $0.hasPrefix("darwin-") && Rules.platforms.contains($0) } ?? false)
            }
            // The electron-updater files this release is in; an asset without a SHA-512 matters
            // when the release is in some of them, but not in the one of its platform.
            let electron = Set(release.assets.compactMap(UpdateAsset.electronPlatform))
            for (offset, asset) in release.assets.enumerated() {
                let missingElectron =
                    !electron.isEmpty && asset.platform.flatMap(ElectronPlatform.init(platform:)).map { !electron.contains($0) } == true
                for message in problems(of: asset, releaseSigned: signed, missingElectron: missingElectron) {
                    findings.append(Finding(release: index, asset: offset, message: message))
                }
            }
        }
        return findings
    }

    static func problems(of asset: Release.Asset, releaseSigned: Bool, missingElectron: Bool) -> [String] {
        guard let platform = asset.platform else { return [] }
        if asset.url == nil { return ["no url: left out of every update feed"] }
        var problems: [String] = []
        let nupkg = UpdateAsset.isNupkg(asset)
        if platform.hasPrefix("darwin-") && asset.signature == nil {
            problems.append(
                "no signature: the Sparkle appcast lists it without sparkle:edSignature, which Sparkle 2 refuses to install (sign it with sign_update)"
            )
        } else if asset.signature == nil && releaseSigned && !nupkg {
            problems.append("no signature: left out of the Tauri feeds (sign it with `tauri signer sign`)")
        }
        if nupkg {
            if asset.sha1 == nil { problems.append("no sha1: left out of squirrel/RELEASES") }
            if asset.size == nil { problems.append("no size: left out of squirrel/RELEASES") }
            if asset.sha1 != nil && asset.size != nil && UpdateAsset.squirrelFile(asset) == nil {
                problems.append("white space in its url or name: left out of squirrel/RELEASES")
            }
        } else if asset.sha512 == nil && missingElectron {
            problems.append("no sha512: the release is left out of the electron-updater file of \(asset.platform ?? "its platform")")
        }
        return problems
    }
}
