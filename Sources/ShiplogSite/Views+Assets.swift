import ShiplogModel

/// The downloads of a release as templates see them (`release.assets`, see docs/templates.md).
extension Views {
    func asset(_ asset: Release.Asset) -> TemplateObject {
        let name = asset.name ?? asset.url.map { String($0.split(separator: "/").last ?? "") } ?? "download"
        var view: TemplateObject = ["name": .string(name)]
        view[string: "url"] = asset.url
        view[string: "platform"] = asset.platform
        view[string: "platform_label"] = asset.platform.map(Self.platformLabel)
        view[string: "size"] = asset.size.map(Self.humanSize)
        view["size_bytes"] = asset.size.map(TemplateValue.int)
        view[string: "signature"] = asset.signature
        view[string: "sha256"] = asset.sha256
        view[string: "sha512"] = asset.sha512
        view[string: "sha1"] = asset.sha1
        view[string: "minimum_system_version"] = asset.minimumSystemVersion
        // The strongest checksum given that people can compare by eye: SHA-256 (hex), else SHA-512, else SHA-1.
        let checksum = asset.sha256.map { ("SHA-256", $0) } ?? asset.sha512.map { ("SHA-512", $0) } ?? asset.sha1.map { ("SHA-1", $0) }
        if let (algorithm, value) = checksum {
            view["checksum"] = .object(["algorithm": .string(algorithm), "value": .string(value)])
        }
        return view
    }

    /// The platforms of `assets` in words, each once, in data order ("macOS (Apple silicon), Windows (x64)");
    /// nil when none names a platform.
    static func downloadPlatforms(_ assets: [Release.Asset]) -> String? {
        var seen = Set<String>()
        let labels = assets.compactMap(\.platform).map(platformLabel).filter { seen.insert($0).inserted }
        return labels.isEmpty ? nil : labels.joined(separator: ", ")
    }

    /// `darwin-aarch64` → "macOS (Apple silicon)", `linux-x86_64-appimage` → "Linux (x64, AppImage)";
    /// a platform it does not know reads as it is written.
    static func platformLabel(_ platform: String) -> String {
        knownPlatformLabels[platform] ?? describe(platform)
    }

    /// The label of every platform the data format takes (SPEC §1), made once: pages ask for one
    /// per download, tens of thousands of times on a large site.
    private static let knownPlatformLabels: [String: String] = {
        var labels: [String: String] = [:]
        for os in ["darwin", "windows", "linux"] {
            for arch in ["x86_64", "aarch64"] {
                let platform = "\(os)-\(arch)"
                labels[platform] = describe(platform)
                for bundle in bundles.keys { labels["\(platform)-\(bundle)"] = describe("\(platform)-\(bundle)") }
            }
        }
        return labels
    }()

    private static func describe(_ platform: String) -> String {
        let parts = platform.split(separator: "-", maxSplits: 2).map(String.init)
        guard parts.count >= 2, let os = operatingSystems[parts[0]], let arch = architectures[parts[0] == "darwin" ? "mac-" + parts[1] : parts[1]]
        else {
            return platform
        }
        guard parts.count == 3 else { return "\(os) (\(arch))" }
        return "\(os) (\(arch), \(bundles[parts[2]] ?? parts[2]))"
    }

    private static let operatingSystems = ["darwin": "macOS", "windows": "Windows", "linux": "Linux"]
    private static let architectures = [
        "x86_64": "x64", "aarch64": "Arm64", "i686": "x86", "armv7": "ARMv7",
        "mac-aarch64": "Apple silicon", "mac-x86_64": "Intel",
    ]
    private static let bundles = [
        "appimage": "AppImage", "deb": "Debian package", "rpm": "RPM package", "msi": "MSI installer", "nsis": "NSIS installer",
        "app": "app bundle", "dmg": "disk image",
    ]
}
