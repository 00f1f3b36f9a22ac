import ShiplogMacroSupport
public import ShiplogModel

/// One tag of a git repository, as `git for-each-ref` lists it (see ``GitTag/forEachRefArguments``).
@MemberwiseInit
public struct GitTag: Sendable, Hashable {
    /// The tag's name (`v1.2.0`).
    public var name: String
    /// The commit it points at.
    public var commit: String
    /// The tagger's date for an annotated tag, else the commit's date.
    public var date: Timestamp?
    /// The tagger's name for an annotated tag, else the commit's author.
    public var author: String?
    /// The annotated tag's message (signature left out), nil for a lightweight tag.
    public var message: String?

    /// The arguments after `git -C DIR` that list the tags matching `patterns` (`refs/tags/v*`) for ``parse(_:)``.
    public static func forEachRefArguments(patterns: [String] = ["refs/tags"]) -> [String] {
        // Fields apart by U+001F, records by U+001E: neither appears in names, dates or messages.
        let fields = [
            "%(refname:strip=2)", "%(objecttype)", "%(objectname)", "%(*objectname)", "%(*objecttype)", "%(taggerdate:unix)",
            "%(committerdate:unix)", "%(*committerdate:unix)", "%(taggername)", "%(authorname)", "%(*authorname)", "%(contents)",
        ]
        return ["for-each-ref", "--format=" + fields.joined(separator: "%1f") + "%1e"] + patterns
    }

    /// The tags in the output of `git for-each-ref` run with ``forEachRefArguments(patterns:)``;
    /// tags of something other than a commit are left out.
    public static func parse(_ output: String) -> [GitTag] {
        var tags: [GitTag] = []
        for record in output.split(separator: "\u{1E}") {
            let fields = record.split(separator: "\u{1F}", omittingEmptySubsequences: false).map { String($0) }
            guard fields.count >= 12 else { continue }
            let name = fields[0].hasPrefix("\n") ? String(fields[0].dropFirst()) : fields[0]
            let annotated = fields[1] == "tag"
            let commit = annotated ? fields[3] : fields[2]
            guard !name.isEmpty, annotated ? fields[4] == "commit" : fields[1] == "commit" else { continue }
            let seconds = Int64(annotated ? (fields[5].isEmpty ? fields[7] : fields[5]) : fields[6])
            let author = annotated ? (fields[8].isEmpty ? fields[10] : fields[8]) : fields[9]
            tags.append(
                GitTag(
                    name: name,
                    commit: commit,
                    date: seconds.map(Timestamp.init(seconds:)),
                    author: author.isEmpty ? nil : author,
                    message: annotated ? withoutSignature(fields[11]) : nil
                )
            )
        }
        return tags
    }

    /// A tag message without its PGP or SSH signature and surrounding blank lines.
    static func withoutSignature(_ message: String) -> String {
        var text = Substring(message)
        for marker in ["-----BEGIN PGP SIGNATURE-----", "-----BEGIN SSH SIGNATURE-----"] {
            if let range = text.caseInsensitiveRange(of: marker.lowercased()) { text = text[..<range.lowerBound] }
        }
        return String(text.trimmingWhitespace())
    }
}

/// The tags of a repository by version, to date a changelog's releases (`--git`).
public struct GitTagsByVersion: Sendable {
    private var byName: [String: GitTag] = [:]
    private var byText: [String: GitTag] = [:]
    private var byNumbers: [String: [GitTag]] = [:]

    /// Indexes the tags that are versions; of two tags that match alike, the first listed wins.
    public init(_ tags: [GitTag]) {
        for tag in tags {
            let version = Version(tag.name)
            guard version.isNumeric else { continue }
            if byName[tag.name] == nil { byName[tag.name] = tag }
            if byText[version.withoutPrefix] == nil { byText[version.withoutPrefix] = tag }
            byNumbers[Self.numbers(of: version), default: []].append(tag)
        }
    }

    /// The tag of `version`: the one spelled the same (`v1.1.0`), else the same but for a `v`
    /// (`1.1.0`), else one of the same version in shiplog's order (`v1.1.0` for `1.1`, SPEC §2).
    public func tag(for version: Version) -> GitTag? {
        byName[version.text] ?? byText[version.withoutPrefix]
            ?? byNumbers[Self.numbers(of: version)]?.first { Version($0.name).compare(version) == 0 }
    }

    /// The numbers of a version without trailing zeros (`1.1` for `v1.1.0`): versions of one rank share them.
    private static func numbers(of version: Version) -> String {
        var numbers = version.numbers?.map(\.description) ?? []
        while numbers.count > 1, numbers.last == "0" { numbers.removeLast() }
        return numbers.joined(separator: ".")
    }
}
