/// What the dynamic update endpoints (SPEC §9) offer an app that asks with its current version:
/// a release and the asset of it to download, or nothing (the server's 204).
///
/// Both walk ``Catalog/updateReleases(of:channel:limit:)`` from the highest version down and stop
/// at the first release that is not above the caller's version, so an app that is up to date, or
/// ahead of every release (a local build), is offered nothing.
public struct UpdateOffer: Sendable, Hashable {
    /// The release's index in the catalog's data.
    public var release: Int
    /// The asset's index in that release's `assets`.
    public var asset: Int
}

extension Catalog {
    /// The release Tauri's dynamic updater is offered (`/update/{target}/{arch}/{current_version}`):
    /// the highest release of `channel`'s feed above `current` whose version Tauri can read as SemVer
    /// (``UpdateAnswer/semver(_:)``) and that has a signed asset for `target-arch` (see
    /// ``UpdateAnswer/tauriAsset(_:target:arch:bundle:)``).
    ///
    /// With no `current`, the release offered to the oldest caller: the answer for any `current` is
    /// that one when its version is above `current`, else none (the releases come highest first),
    /// which lets the server keep one answer per platform and channel.
    public func tauriUpdate(component: Int, target: String, arch: String, bundle: String?, channel: String, current: Version?) -> UpdateOffer? {
        for index in updateReleases(of: component, channel: channel) {
            let release = data.releases[index]
            if let current, release.version.compare(current) <= 0 { return nil }
            guard UpdateAnswer.semver(release.version) != nil,
                let asset = UpdateAnswer.tauriAsset(release.assets, target: target, arch: arch, bundle: bundle)
            else { continue }
            return UpdateOffer(release: index, asset: asset)
        }
        return nil
    }

    /// The release Squirrel.Mac is offered (`/squirrel/{platform}/{current_version}`): the highest
    /// release of `channel`'s feed above `current` that has a macOS asset for `platform` (see
    /// ``UpdateAnswer/squirrelAsset(_:platform:)``). With no `current`: as ``tauriUpdate(component:target:arch:bundle:channel:current:)``.
    public func squirrelUpdate(component: Int, platform: String, channel: String, current: Version?) -> UpdateOffer? {
        for index in updateReleases(of: component, channel: channel) {
            let release = data.releases[index]
            if let current, release.version.compare(current) <= 0 { return nil }
            guard let asset = UpdateAnswer.squirrelAsset(release.assets, platform: platform) else { continue }
            return UpdateOffer(release: index, asset: asset)
        }
        return nil
    }

    /// Tauri's dynamic answer: `{version, notes, pub_date, url, signature}`, the version as SemVer
    /// without `v`, `pub_date` in RFC 3339, the notes as their Markdown text.
    public func tauriAnswer(_ offer: UpdateOffer) -> JSONValue {
        let release = data.releases[offer.release]
        let asset = release.assets[offer.asset]
        var members = [
            JSONMember("version", .string(UpdateAnswer.semver(release.version) ?? release.version.withoutPrefix)),
            JSONMember("notes", .string(release.notes ?? "")),
        ]
        if let date = release.publishedAt { members.append(JSONMember("pub_date", .string(date.rfc3339))) }
        members.append(JSONMember("url", .string(asset.url ?? "")))
        members.append(JSONMember("signature", .string(asset.signature ?? "")))
        return .object(members)
    }

    /// Squirrel.Mac's answer: `{url, name, notes, pub_date}`, `name` the version as written and
    /// `pub_date` in ISO 8601 with its zone (`2026-05-04T09:30:00Z`, which Squirrel's
    /// `yyyy-MM-dd'T'HH:mm:ssZZZZZ` reads).
    public func squirrelAnswer(_ offer: UpdateOffer) -> JSONValue {
        let release = data.releases[offer.release]
        var members = [
            JSONMember("url", .string(release.assets[offer.asset].url ?? "")),
            JSONMember("name", .string(release.version.text)),
            JSONMember("notes", .string(release.notes ?? "")),
        ]
        if let date = release.publishedAt { members.append(JSONMember("pub_date", .string(date.rfc3339))) }
        return .object(members)
    }
}

/// The pure rules of the dynamic update endpoints: which asset of a release each updater gets, and
/// the version text Tauri can read.
public enum UpdateAnswer {
    /// The asset Tauri gets for `target-arch`: one with a signature and a URL whose platform is
    /// `target-arch-bundle` when `bundle` is given (Tauri 2's `{{bundle_type}}`), else exactly
    /// `target-arch`, else (only when no bundle is given) the first `target-arch-*` one. An app
    /// installed from a `.deb` is never offered the `.rpm`.
    public static func tauriAsset(_ assets: [Release.Asset], target: String, arch: String, bundle: String?) -> Int? {
        let platform = "\(target)-\(arch)"
        let usable = assets.indices.filter { index in
            let asset = assets[index]
            return asset.url != nil && !(asset.signature ?? "").isEmpty
        }
        if let bundle, let index = usable.first(where: { assets[$0].platform == "\(platform)-\(bundle)" }) { return index }
        if let index = usable.first(where: { assets[$0].platform == platform }) { return index }
        guard bundle == nil else { return nil }
        return usable.first { assets[$0].platform?.hasPrefix("\(platform)-") ?? false }
    }

    /// Whether `platform` is one Squirrel.Mac's endpoint answers: `darwin`, `osx`, `mac` or `macos`
    /// (any Mac), or `darwin-ARCH` (`darwin-aarch64`, `darwin-x86_64`).
    public static func isSquirrelPlatform(_ platform: String) -> Bool {
        if anyMac.contains(platform) { return true }
        guard platform.hasPrefix("darwin-") else { return false }
        let arch = platform.utf8.dropFirst("darwin-".utf8.count)
        return (1...32).contains(arch.count) && arch.allSatisfy(isArchByte)
    }

    private static let anyMac: Set<String> = ["darwin", "osx", "mac", "macos"]

    /// The asset Squirrel.Mac gets for `platform` (a URL is required). A `.zip` (the only archive
    /// Squirrel.Mac installs) always wins over another file. Among those, for `darwin-ARCH`: an asset
    /// of that architecture (`darwin-ARCH` or `darwin-ARCH-BUNDLE`), else a universal one
    /// (`darwin-universal…` or plain `darwin`); never one of another architecture. For any Mac
    /// (`darwin`, `osx`, `mac`, `macos`): universal first, then `x86_64` (it runs on every Mac,
    /// Apple silicon through Rosetta), then `aarch64`, then any other `darwin-*`. Ties: the first listed.
    public static func squirrelAsset(_ assets: [Release.Asset], platform: String) -> Int? {
        let wanted: String? = anyMac.contains(platform) ? nil : String(platform.dropFirst("darwin-".count))
        var best: (rank: Int, index: Int)? = nil
        for (index, asset) in assets.enumerated() {
            guard asset.url != nil, let arch = darwinArch(asset.platform) else { continue }
            let archRank: Int
            if let wanted {
                if arch == wanted {
                    archRank = 0
                } else if arch == "universal" || arch.isEmpty {
                    archRank = 1
                } else {
                    continue
                }
            } else {
                archRank =
                    switch arch {
                    case "universal", "": 0
                    case "x86_64": 1
                    case "aarch64": 2
                    default: 3
                    }
            }
            let rank = (isZip(asset) ? 0 : 10) + archRank
            if best == nil || rank < best!.rank { best = (rank, index) }
        }
        return best?.index
    }

    /// The architecture of a macOS platform: `aarch64` for `darwin-aarch64` or `darwin-aarch64-app`,
    /// empty for plain `darwin`; nil for any other platform.
    static func darwinArch(_ platform: String?) -> String? {
        guard let platform else { return nil }
        if platform == "darwin" { return "" }
        guard platform.hasPrefix("darwin-") else { return nil }
        return String(platform.dropFirst("darwin-".count).prefix { $0 != "-" })
    }

    /// Whether an asset is a `.zip` (by its name, else the path of its URL).
    static func isZip(_ asset: Release.Asset) -> Bool {
        if let name = asset.name { return name.lowercased().hasSuffix(".zip") }
        guard let url = asset.url else { return false }
        let path = url.prefix { $0 != "?" && $0 != "#" }
        return path.lowercased().hasSuffix(".zip")
    }

    /// Targets, architectures and bundle types in a request path: 1–32 of `a-z`, `0-9`, `_`.
    public static func isPlatformPart(_ text: String) -> Bool {
        (1...32).contains(text.utf8.count) && text.utf8.allSatisfy(isArchByte)
    }

    private static func isArchByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
    }

    /// The version as the SemVer 2.0.0 text Tauri's `semver` crate reads: `v` dropped, a missing
    /// minor or patch filled in (`1.2` → `1.2.0`); nil for a version that has no such text (not
    /// numeric, more than three numbers, leading zeros, or characters SemVer does not allow).
    public static func semver(_ version: Version) -> String? {
        guard let numbers = version.numbers, numbers.count <= 3 else { return nil }
        var body = Substring(version.withoutPrefix)
        var build: Substring? = nil
        if let plus = body.firstIndex(of: "+") {
            build = body[body.index(after: plus)...]
            body = body[..<plus]
        }
        var pre: Substring? = nil
        if let dash = body.firstIndex(of: "-") {
            pre = body[body.index(after: dash)...]
            body = body[..<dash]
        }
        let core = body.split(separator: ".", omittingEmptySubsequences: false)
        guard core.allSatisfy(isNumericIdentifier) else { return nil }
        var text = (core + Array(repeating: "0", count: 3 - core.count)).joined(separator: ".")
        if let pre {
            let parts = pre.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.allSatisfy({ isIdentifier($0) && (!$0.allSatisfy(\.isASCIIDigit) || isNumericIdentifier($0)) }) else { return nil }
            text += "-" + pre
        }
        if let build {
            guard build.split(separator: ".", omittingEmptySubsequences: false).allSatisfy(isIdentifier) else { return nil }
            text += "+" + build
        }
        return text
    }

    private static func isIdentifier(_ part: Substring) -> Bool {
        !part.isEmpty && part.utf8.allSatisfy { $0 < 0x80 && (Character(UnicodeScalar($0)).isASCIIAlphanumeric || $0 == UInt8(ascii: "-")) }
    }

    private static func isNumericIdentifier(_ part: Substring) -> Bool {
        !part.isEmpty && part.allSatisfy(\.isASCIIDigit) && (part == "0" || part.first != "0")
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
    fileprivate var isASCIIAlphanumeric: Bool { isASCII && (isLetter || isNumber) }
}
