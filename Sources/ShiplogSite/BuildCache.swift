import Foundation

/// What the previous build wrote: per file, the fingerprint of its inputs and of its bytes.
///
/// Kept beside the output directory (`.<name>.shiplog-cache`), never inside it, so it is not published.
struct BuildCache: Sendable {
    struct Entry: Sendable {
        var key: Digest
        var content: Digest
    }

    static let header = "shiplog-cache 2"

    /// Files whose bytes are checked against the cache before it is trusted: if any differs,
    /// the output was changed by something else and the build starts afresh.
    static let witnesses = ["index.html", "version.json", "sitemap.xml"]

    var entries: [String: Entry] = [:]

    /// The cache file that belongs to an output directory.
    static func path(forOutput output: String) -> String {
        let url = URL(fileURLWithPath: output).standardizedFileURL
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).shiplog-cache").path
    }

    /// The cache of `output`, when it exists and still describes that directory's files.
    ///
    /// The check reads a few files rather than comparing inodes, so a cache restored in CI
    /// together with the output directory stays valid.
    static func load(forOutput output: String) -> BuildCache? {
        guard FileSystem.isDirectory(output), let data = FileManager.default.contents(atPath: path(forOutput: output)),
            let text = String(data: data, encoding: .utf8)
        else { return nil }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)[...]
        guard lines.popFirst() == Substring(header) else { return nil }
        var cache = BuildCache()
        cache.entries.reserveCapacity(lines.count)
        for line in lines {
            let fields = line.split(separator: "\t", maxSplits: 2)
            guard fields.count == 3, let key = Digest(hex: fields[0]), let content = Digest(hex: fields[1]) else { return nil }
            cache.entries[String(fields[2])] = Entry(key: key, content: content)
        }
        for witness in witnesses {
            guard let entry = cache.entries[witness], let bytes = try? FileSystem.read(output + "/" + witness),
                bytes.withUnsafeBytes(Fingerprint.of(bytes:)) == entry.content
            else { return nil }
        }
        return cache
    }

    /// Writes the cache for `output` (atomically: a temporary file, then a rename).
    func save(forOutput output: String) throws(SiteError) {
        var text = "\(Self.header)\n"
        for path in entries.keys.sorted() {
            let entry = entries[path]!
            text += "\(entry.key.hex)\t\(entry.content.hex)\t\(path)\n"
        }
        let target = Self.path(forOutput: output)
        let temporary = target + ".tmp"
        try FileSystem.write(text, to: temporary)
        try FileSystem.rename(temporary, target)
    }
}
