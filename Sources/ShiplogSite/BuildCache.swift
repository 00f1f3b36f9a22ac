import Foundation
import ShiplogModel

/// What the previous build wrote: per file, the fingerprint of its inputs and the file's stamp.
///
/// Kept beside the output directory (`.<name>.shiplog-cache`), never inside it, so it is not published.
struct BuildCache: Sendable {
    struct Entry: Sendable {
        var key: Digest
        /// The file as written: size and modification time, to notice changes made by others.
        var stamp: FileStamp
    }

    static let header = "shiplog-cache 5"

    var entries: [String: Entry] = [:]
    /// How many lines the file had: a later line for the same path replaces an earlier one, so
    /// that a build can append what it changed.
    var lines = 0

    /// The cache file that belongs to an output directory.
    static func path(forOutput output: String) -> String {
        FileSystem.sibling(of: output, suffix: ".shiplog-cache")
    }

    /// The cache of `output`, when it exists, without the entries of files that were deleted or
    /// changed since they were written (so that the build writes them again).
    ///
    /// Files are recognised by size and modification time, not inode, so a cache restored in CI
    /// together with the output directory stays valid.
    static func load(forOutput output: String) async -> BuildCache? {
        guard FileSystem.isDirectory(output), let bytes = try? FileSystem.read(path(forOutput: output)), var cache = parse(bytes) else {
            return nil
        }
        let paths = Array(cache.entries.keys)
        let stamps = await FileSystem.stamps(of: paths, under: output)
        for (path, stamp) in zip(paths, stamps) where stamp != cache.entries[path]!.stamp { cache.entries[path] = nil }
        return cache
    }

    /// Reads the cache file: a header line, then `KEY\tSIZE\tMTIME\tPATH` lines (a hex digest, decimal numbers).
    private static func parse(_ bytes: [UInt8]) -> BuildCache? {
        let headerBytes = Array((header + "\n").utf8)
        guard bytes.starts(with: headerBytes) else { return nil }
        var cache = BuildCache()
        cache.entries.reserveCapacity(bytes.count / 100)
        return bytes.withUnsafeBufferPointer { buffer -> BuildCache? in
            var index = headerBytes.count
            while index < buffer.count {
                guard index + 33 <= buffer.count, buffer[index + 32] == 0x09,
                    let key = Digest(hexBytes: UnsafeBufferPointer(rebasing: buffer[index..<index + 32]))
                else { return nil }
                var cursor = index + 33
                func number() -> Int64? {
                    var value: Int64 = 0
                    let start = cursor
                    while cursor < buffer.count, buffer[cursor] >= 0x30, buffer[cursor] <= 0x39 {
                        value = value &* 10 &+ Int64(buffer[cursor] - 0x30)
                        cursor += 1
                    }
                    guard cursor > start, cursor < buffer.count, buffer[cursor] == 0x09 else { return nil }
                    cursor += 1
                    return value
                }
                guard let size = number(), let modified = number() else { return nil }
                var end = cursor
                while end < buffer.count, buffer[end] != 0x0A { end += 1 }
                cache.lines += 1
                cache.entries[String(decoding: UnsafeBufferPointer(rebasing: buffer[cursor..<end]), as: UTF8.self)] = Entry(
                    key: key,
                    stamp: FileStamp(size: size, modified: modified)
                )
                index = end + 1
            }
            return cache
        }
    }

    /// Deletes the cache of `output`, if any (and one a crash left aside).
    static func discard(forOutput output: String) {
        FileSystem.remove(path(forOutput: output))
        FileSystem.remove(path(forOutput: output) + ".aside")
    }

    /// Moves the cache of `output` aside while the site changes, so that a crash meanwhile leaves
    /// no cache that describes the old site; the path it went to.
    static func setAside(forOutput output: String) throws(SiteError) -> String {
        let aside = path(forOutput: output) + ".aside"
        try FileSystem.rename(path(forOutput: output), aside)
        return aside
    }

    /// Appends `entries` to the cache set aside at `aside` and puts it back in place.
    static func restore(_ aside: String, appending entries: [String: Entry], forOutput output: String) throws(SiteError) {
        try FileSystem.append(encode(entries), to: aside)
        try FileSystem.rename(aside, path(forOutput: output))
    }

    /// Writes the cache for `output` (atomically: a temporary file, then a rename).
    func save(forOutput output: String) throws(SiteError) {
        try FileSystem.replace(Self.path(forOutput: output), with: Array((Self.header + "\n").utf8) + Self.encode(entries))
    }

    /// One line per entry, in no particular order (the cache is read into a dictionary).
    private static func encode(_ entries: [String: Entry]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(entries.count * 120)
        for (path, entry) in entries {
            entry.key.appendHex(to: &bytes)
            bytes.append(0x09)
            bytes += String(entry.stamp.size).utf8
            bytes.append(0x09)
            bytes += String(entry.stamp.modified).utf8
            bytes.append(0x09)
            bytes += path.utf8
            bytes.append(0x0A)
        }
        return bytes
    }
}
