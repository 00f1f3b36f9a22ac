import ShiplogModel

/// One app update file of a component (SPEC §9), by the updater that reads it.
enum UpdateFile: Sendable, Hashable {
    /// `appcast.xml`: Sparkle 2, every channel in one file.
    case appcast
    /// `tauri/<channel>.json`: Tauri 2's static updater JSON.
    case tauri(String)
    /// `tauri/latest.json`: the stable channel's, under Tauri's usual name.
    case tauriLatest
    /// `electron/<channel><suffix>.yml`: electron-updater's generic provider.
    case electron(String, ElectronPlatform)
    /// `squirrel/RELEASES`: Squirrel.Windows.
    case squirrel

    /// Where it is, below the component's folder.
    var path: String {
        switch self {
        case .appcast: "appcast.xml"
        case .tauri(let channel): "tauri/\(channel).json"
        case .tauriLatest: "tauri/latest.json"
        case .electron(let channel, let platform):
            "electron/\(channel == UpdateChannel.stable ? "latest" : channel)\(platform.suffix).yml"
        case .squirrel: "squirrel/RELEASES"
        }
    }
}

extension SitePlan {
    /// The update files of a component and the releases each offers, highest version first: only
    /// the files for which a release has assets the format can use.
    static func updateFiles(of component: Int, in catalog: Catalog) -> [(UpdateFile, [Int])] {
        let releases = catalog.data.releases
        let limit = catalog.data.page.feedLimit
        var files: [(UpdateFile, [Int])] = []
        // What each release's assets serve, worked out once: the feeds below ask it many times.
        var served: [Int: UpdateFormats] = [:]
        for index in catalog.releasesByComponent[component] {
            let formats = releases[index].updateFormats
            if !formats.isEmpty { served[index] = formats }
        }
        guard !served.isEmpty else { return [] }
        func formats(_ index: Int) -> UpdateFormats { served[index] ?? [] }

        // Sparkle filters channels itself: the appcast offers what the least stable channel is offered.
        let sparkle = catalog.updateReleases(of: component, channel: "alpha").lazy.filter {
            formats($0).contains(.sparkle) && UpdateFeeds.sparkleVersion(releases[$0]) != nil
        }
        if !sparkle.isEmpty { files.append((.appcast, Array(sparkle.prefix(limit)))) }

        var electron: [(UpdateFile, [Int])] = []
        for channel in catalog.updateChannels(of: component) {
            // `latest` would take the file names of the stable channel.
            guard channel != "latest" else { continue }
            let offered = catalog.updateReleases(of: component, channel: channel)
            // The highest release offered whose assets serve `format` and whose version the updater parses.
            func first(_ format: UpdateFormats) -> Int? {
                offered.first { formats($0).contains(format) && releases[$0].version.semver != nil }
            }
            if let first = first(.tauri) {
                files.append((.tauri(channel), [first]))
                if channel == UpdateChannel.stable { files.append((.tauriLatest, [first])) }
            }
            for platform in ElectronPlatform.allCases {
                if let first = first(.electron(platform)) { electron.append((.electron(channel, platform), [first])) }
            }
        }
        files += electron

        let squirrel = catalog.updateReleases(of: component, channel: UpdateChannel.stable).lazy.filter { formats($0).contains(.squirrel) }
        if !squirrel.isEmpty { files.append((.squirrel, Array(squirrel.prefix(limit)))) }
        return files
    }
}
