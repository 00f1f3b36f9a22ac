import ShiplogModel

/// The app update files (SPEC §9): Sparkle's appcast, Tauri's JSON, electron-updater's YAML and
/// Squirrel.Windows' `RELEASES`, each written the way its client parses it.
struct UpdateFeeds: Sendable {
    let views: Views
    let plan: SitePlan

    var data: ReleaseData { plan.catalog.data }

    /// The text of a component's update file.
    func render(_ component: Int, _ file: UpdateFile) -> String {
        let releases = plan.updateFiles[component][file] ?? []
        switch file {
        case .appcast: return appcast(component, releases: releases)
        case .tauri, .tauriLatest: return releases.first.map(tauri) ?? "{}"
        case .electron(_, let platform): return releases.first.map { electron($0, platform: platform) } ?? ""
        case .squirrel: return squirrel(releases)
        }
    }

    /// What Sparkle compares with `CFBundleVersion`: the build, else the numeric core (Sparkle reads
    /// no further than a `-`, so never `1.2.0-beta.1`); nil for a version without either.
    static func sparkleVersion(_ release: Release) -> String? {
        release.build ?? release.version.numericCore
    }

    static let sparkleNamespace = "http://www.andymatuschak.org/xml-namespaces/sparkle"

    /// RSS 2.0 with Sparkle's namespace: an item per release, an enclosure per `darwin-*` asset.
    func appcast(_ component: Int, releases: [Int]) -> String {
        let slug = data.components[component].slug
        let base = data.page.baseURL
        var xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0" xmlns:sparkle="\(Self.sparkleNamespace)">
            <channel>
            <title>\(escapeXML(data.components[component].displayName))</title>

            """
        // Without a base URL, links are relative to the appcast (Sparkle resolves them against its URL).
        xml += "<link>\(escapeXML(base.map { SitePaths.absolute(SitePaths.component(slug), base: $0) } ?? "./"))</link>\n"
        xml += "<description>\(escapeXML(data.components[component].description ?? data.page.title))</description>\n<language>en</language>\n"
        for index in releases {
            let release = data.releases[index]
            guard let version = Self.sparkleVersion(release) else { continue }
            let darwin = release.assets.filter(UpdateAsset.isSparkle)
            xml += "<item>\n<title>\(escapeXML(release.title ?? "Version \(release.version.withoutPrefix)"))</title>\n"
            if let date = release.publishedAt { xml += "<pubDate>\(date.rfc5322)</pubDate>\n" }
            xml += "<sparkle:version>\(escapeXML(version))</sparkle:version>\n"
            xml += "<sparkle:shortVersionString>\(escapeXML(release.version.withoutPrefix))</sparkle:shortVersionString>\n"
            let channel = release.resolvedChannel
            if channel != UpdateChannel.stable { xml += "<sparkle:channel>\(escapeXML(channel))</sparkle:channel>\n" }
            if let minimum = darwin.lazy.compactMap(\.minimumSystemVersion).first {
                xml += "<sparkle:minimumSystemVersion>\(escapeXML(minimum))</sparkle:minimumSystemVersion>\n"
            }
            let notesLink = base.map { SitePaths.absolute(SitePaths.release(release), base: $0) } ?? SitePaths.encode(release.version.text) + "/"
            xml += "<sparkle:releaseNotesLink>\(escapeXML(notesLink))</sparkle:releaseNotesLink>\n"
            if let notes = views.notes[index]?.value, !notes.isEmpty { xml += "<description>\(cdata(notes))</description>\n" }
            for asset in darwin {
                xml += "<enclosure url=\"\(escapeXML(asset.url ?? ""))\" length=\"\(asset.size ?? 0)\" type=\"\(Self.mediaType(asset))\""
                if let signature = asset.signature { xml += " sparkle:edSignature=\"\(escapeXML(signature))\"" }
                xml += "/>\n"
            }
            xml += "</item>\n"
        }
        return xml + "</channel>\n</rss>\n"
    }

    /// The media type of an enclosure, by the file's extension.
    static func mediaType(_ asset: Release.Asset) -> String {
        let name = (asset.name ?? asset.url ?? "").lowercased()
        if name.hasSuffix(".dmg") { return "application/x-apple-diskimage" }
        if name.hasSuffix(".zip") { return "application/zip" }
        return "application/octet-stream"
    }

    /// Tauri 2's static JSON: `{version, notes, pub_date, platforms}`, only signed assets, the first
    /// of each platform. Tauri refuses the whole file for one bad entry, so none is written.
    func tauri(_ index: Int) -> String {
        let release = data.releases[index]
        var platforms: [JSONMember] = []
        var seen = Set<String>()
        for asset in release.assets where UpdateAsset.isTauri(asset) {
            guard let platform = asset.platform, let url = asset.url, let signature = asset.signature, seen.insert(platform).inserted else {
                continue
            }
            platforms.append(JSONMember(platform, .object([JSONMember("url", .string(url)), JSONMember("signature", .string(signature))])))
        }
        let members = [
            JSONMember("version", .string(release.version.semver ?? release.version.withoutPrefix)),
            JSONMember("notes", .string(release.notes ?? "")),
            JSONMember("pub_date", .string((release.publishedAt ?? Timestamp(seconds: 0)).rfc3339)),
            JSONMember("platforms", .object(platforms)),
        ]
        return JSONWriter.write(.object(members))
    }

    /// electron-updater's `latest*.yml`: the release's assets for `platform` that have a SHA-512.
    func electron(_ index: Int, platform: ElectronPlatform) -> String {
        let release = data.releases[index]
        let assets = release.assets.filter { UpdateAsset.electronPlatform($0) == platform }
        var yaml = "version: \(yamlQuoted(release.version.semver ?? release.version.withoutPrefix))\nfiles:\n"
        for asset in assets {
            yaml += "  - url: \(yamlQuoted(asset.url ?? ""))\n    sha512: \(yamlQuoted(asset.sha512 ?? ""))\n"
            if let size = asset.size { yaml += "    size: \(size)\n" }
        }
        if let first = assets.first {
            yaml += "path: \(yamlQuoted(first.url ?? ""))\nsha512: \(yamlQuoted(first.sha512 ?? ""))\n"
        }
        if let date = release.publishedAt {
            let text = date.rfc3339
            yaml += "releaseDate: \(yamlQuoted(String(text.dropLast()) + ".000Z"))\n"
        }
        if let notes = release.notes, !notes.isEmpty { yaml += "releaseNotes: \(yamlQuoted(notes))\n" }
        return yaml
    }

    /// Squirrel.Windows' `RELEASES`: `SHA1 file size` per package.
    func squirrel(_ releases: [Int]) -> String {
        var text = ""
        for index in releases {
            for asset in data.releases[index].assets where UpdateAsset.isSquirrel(asset) {
                guard let sha1 = asset.sha1, let file = UpdateAsset.squirrelFile(asset), let size = asset.size else { continue }
                text += "\(sha1) \(file) \(size)\n"
            }
        }
        return text
    }
}

/// Text as a YAML double-quoted scalar, which both js-yaml and PyYAML read back exactly: `\` and
/// `"` escaped, and every character YAML does not take as printable, or takes as a line break, as `\u`.
func yamlQuoted(_ text: String) -> String {
    var output = "\""
    output.reserveCapacity(text.utf8.count + 2)
    for scalar in text.unicodeScalars {
        switch scalar.value {
        case 0x5C: output += "\\\\"
        case 0x22: output += "\\\""
        case 0x0A: output += "\\n"
        case 0x09: output += "\\t"
        case 0x0D: output += "\\r"
        case 0x20..<0x7F, 0xA0..<0x2028, 0x202A..<0xD800, 0xE000..<0xFEFF, 0xFF00..<0xFFFE, 0x10000...:
            output.unicodeScalars.append(scalar)
        default:
            let hex = String(scalar.value, radix: 16, uppercase: true)
            output += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        }
    }
    return output + "\""
}

/// Text as an XML CDATA section: `]]>` split across two sections, and what XML 1.0 cannot carry
/// (see ``escapeXML(_:)``) left out.
func cdata(_ text: String) -> String {
    // Almost all notes have nothing to leave out or split: they go in as they are. (Checking the
    // bytes is several times cheaper than rebuilding 2 MB of appcasts scalar by scalar.)
    let plain = text.utf8.allSatisfy { ($0 >= 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) && $0 != 0xEF }
    if plain && !text.contains("]]>") { return "<![CDATA[" + text + "]]>" }
    var body = ""
    body.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
        let value = scalar.value
        if value < 0x20 && value != 0x09 && value != 0x0A && value != 0x0D { continue }
        if value == 0xFFFE || value == 0xFFFF { continue }
        body.unicodeScalars.append(scalar)
    }
    return "<![CDATA[" + body.replacing("]]>", with: "]]]]><![CDATA[>") + "]]>"
}
