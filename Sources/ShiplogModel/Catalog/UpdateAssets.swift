/// The update feed formats (SPEC §9) a release's assets can serve.
public struct UpdateFormats: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// A `darwin-*` asset with a URL: a Sparkle enclosure.
    public static let sparkle = UpdateFormats(rawValue: 1 << 0)
    /// An asset with a platform, a URL and a signature: a Tauri platform entry.
    public static let tauri = UpdateFormats(rawValue: 1 << 1)
    /// A Windows `.nupkg` with a SHA-1 and a size: a Squirrel.Windows `RELEASES` line.
    public static let squirrel = UpdateFormats(rawValue: 1 << 2)

    /// An asset with a URL and a SHA-512 for electron-updater's file of `platform`.
    public static func electron(_ platform: ElectronPlatform) -> UpdateFormats {
        UpdateFormats(rawValue: 1 << (3 + UInt8(platform.rawValue)))
    }

    /// What `assets` serve.
    public init(_ assets: [Release.Asset]) {
        var formats: UpdateFormats = []
        for asset in assets {
            if UpdateAsset.isSparkle(asset) { formats.insert(.sparkle) }
            if UpdateAsset.isTauri(asset) { formats.insert(.tauri) }
            if UpdateAsset.isSquirrel(asset) { formats.insert(.squirrel) }
            if let platform = UpdateAsset.electronPlatform(asset) { formats.insert(.electron(platform)) }
        }
        self = formats
    }
}

/// The four files electron-updater reads per channel: Windows unsuffixed, then `-mac`, `-linux`, `-linux-arm64`.
public enum ElectronPlatform: Int, Sendable, Hashable, CaseIterable {
    case windows, mac, linux, linuxArm64

    /// What follows the channel name in the file name (`latest-mac.yml`).
    public var suffix: String {
        switch self {
        case .windows: ""
        case .mac: "-mac"
        case .linux: "-linux"
        case .linuxArm64: "-linux-arm64"
        }
    }

    /// The file of an asset for `platform` (`darwin-aarch64`, `linux-x86_64-appimage` …).
    public init?(platform: String) {
        if platform.hasPrefix("windows-") {
            self = .windows
        } else if platform.hasPrefix("darwin-") {
            self = .mac
        } else if platform.hasPrefix("linux-x86_64") {
            self = .linux
        } else if platform.hasPrefix("linux-aarch64") {
            self = .linuxArm64
        } else {
            return nil
        }
    }
}

/// Which assets each update feed format can use (SPEC §9).
public enum UpdateAsset {
    /// A `darwin-*` asset with a URL (Sparkle's enclosure; its signature is optional to the feed).
    public static func isSparkle(_ asset: Release.Asset) -> Bool {
        asset.url != nil && asset.platform?.hasPrefix("darwin-") == true
    }

    /// An asset Tauri can install: a platform, a URL and a signature.
    public static func isTauri(_ asset: Release.Asset) -> Bool {
        asset.url != nil && asset.platform != nil && asset.signature != nil
    }

    /// Whether an asset is a Squirrel.Windows package (a `.nupkg` for Windows), usable or not.
    public static func isNupkg(_ asset: Release.Asset) -> Bool {
        guard asset.platform?.hasPrefix("windows-") == true, let name = asset.name ?? asset.url else { return false }
        let suffix = Array(".nupkg".utf8)
        let bytes = name.utf8
        guard bytes.count >= suffix.count else { return false }
        return zip(bytes.suffix(suffix.count), suffix).allSatisfy { ($0 | 0x20) == $1 }
    }

    /// A Squirrel.Windows package with what its `RELEASES` line needs: a SHA-1, a size and a file
    /// (its URL, else its name) without white space.
    public static func isSquirrel(_ asset: Release.Asset) -> Bool {
        asset.sha1 != nil && asset.size != nil && isNupkg(asset) && squirrelFile(asset) != nil
    }

    /// The file a `RELEASES` line names: the asset's URL (Squirrel takes an absolute URL as the
    /// place of the package), else its name; nil when it is empty or holds white space.
    public static func squirrelFile(_ asset: Release.Asset) -> String? {
        guard let file = asset.url ?? asset.name, !file.isEmpty else { return nil }
        if file.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) { return nil }
        if file.utf8.contains(where: { $0 >= 0x80 }), file.unicodeScalars.contains(where: { $0.properties.isWhitespace }) { return nil }
        return file
    }

    /// The electron-updater file an asset belongs in: one with a URL and a SHA-512.
    public static func electronPlatform(_ asset: Release.Asset) -> ElectronPlatform? {
        guard asset.url != nil, asset.sha512 != nil, let platform = asset.platform else { return nil }
        return ElectronPlatform(platform: platform)
    }
}

extension Release {
    /// The update feed formats its assets serve (known even for a release read only in summary).
    public var updateFormats: UpdateFormats { summaryFormats ?? UpdateFormats(assets) }
}

extension Version {
    /// The version as Semantic Versioning 2.0.0 text (`v1.2` → `1.2.0`, build metadata left out), as
    /// Tauri and electron-updater parse it; nil for a version that cannot be written so.
    public var semver: String? {
        guard let numbers, numbers.count <= 3 else { return nil }
        var text = (numbers.map(\.description) + Array(repeating: "0", count: 3 - numbers.count)).joined(separator: ".")
        if !prerelease.isEmpty {
            // The pre-release part as written (`rc01` stays `rc01`), between the first `-` and any `+`.
            var body = Substring(withoutPrefix)
            if let plus = body.firstIndex(of: "+") { body = body[..<plus] }
            guard let dash = body.firstIndex(of: "-") else { return nil }
            let part = body[body.index(after: dash)...]
            for identifier in part.split(separator: ".", omittingEmptySubsequences: false) {
                let bytes = identifier.utf8
                guard !bytes.isEmpty, bytes.allSatisfy({ Self.isSemverIdentifierByte($0) }) else { return nil }
                if bytes.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }), bytes.count > 1, bytes.first == UInt8(ascii: "0") {
                    return nil
                }
            }
            text += "-" + part
        }
        return text
    }

    /// The numbers of a numeric version joined by dots (`v1.2.0-beta.1` → `1.2.0`), nil for another.
    public var numericCore: String? {
        numbers.map { $0.map(\.description).joined(separator: ".") }
    }

    private static func isSemverIdentifierByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
            || byte == UInt8(ascii: "-")
    }
}
