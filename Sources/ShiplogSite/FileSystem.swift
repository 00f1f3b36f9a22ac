import CShiplogSupport
import Foundation
import ShiplogMacroSupport
import ShiplogModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin, fast wrappers over the POSIX calls a site build makes thousands of times.
enum FileSystem {
    /// Writes `bytes` to `path`, replacing it; returns the file's size and modification time.
    @discardableResult
    static func write(_ bytes: UnsafeRawBufferPointer, to path: String) throws(SiteError) -> FileStamp {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("cannot create", path) }
        defer { close(fd) }
        try writeAll(bytes, to: fd, path)
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure("cannot inspect", path) }
        return FileStamp(info)
    }

    /// Writes `bytes` to `path` atomically: a temporary file beside it, then a rename.
    static func replace(_ path: String, with bytes: [UInt8]) throws(SiteError) {
        let temporary = path + ".tmp"
        _ = try bytes.withUnsafeBytes { buffer in Result { () throws(SiteError) in try write(buffer, to: temporary) } }.get()
        try rename(temporary, path)
    }

    /// Appends `bytes` to the existing file `path`.
    static func append(_ bytes: [UInt8], to path: String) throws(SiteError) {
        let fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard fd >= 0 else { throw failure("cannot append to", path) }
        defer { close(fd) }
        try bytes.withUnsafeBytes { buffer in Result { () throws(SiteError) in try writeAll(buffer, to: fd, path) } }.get()
    }

    private static func writeAll(_ bytes: UnsafeRawBufferPointer, to fd: Int32, _ path: String) throws(SiteError) {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw failure("cannot write", path)
            }
            offset += written
        }
    }

    /// A hidden file beside the directory `output`: `.<name><suffix>`, so that it is not published.
    static func sibling(of output: String, suffix: String) -> String {
        let url = URL(fileURLWithPath: output).standardizedFileURL
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent)\(suffix)").path
    }

    /// Reads a whole file, straight into the array.
    static func read(_ path: String) throws(SiteError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("cannot read the file", path) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure("cannot read the file", path) }
        var bytes: [UInt8] = []
        var chunk = Int(info.st_size) + 1
        // Until a read comes back short: the file may have grown since fstat.
        while true {
            var complete = false
            var failed = false
            let part = [UInt8](unsafeUninitializedCapacity: chunk) { buffer, count in
                let read = readFully(fd, into: buffer)
                failed = read == nil
                count = read ?? 0
                complete = count < chunk
            }
            guard !failed else { throw failure("cannot read the file", path) }
            if bytes.isEmpty { bytes = part } else { bytes += part }
            if complete { return bytes }
            chunk = max(chunk, 1 << 16)
        }
    }

    /// Reads into `buffer` until it is full or the file ends: how many bytes, nil on an error.
    private static func readFully(_ fd: Int32, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        var total = 0
        while total < buffer.count {
            let count = Glibc.read(fd, buffer.baseAddress! + total, buffer.count - total)
            if count < 0, errno == EINTR { continue }
            if count < 0 { return nil }
            if count == 0 { break }
            total += count
        }
        return total
    }

    /// Creates a directory; true if it was created, false if it existed.
    @discardableResult
    static func makeDirectory(_ path: String) throws(SiteError) -> Bool {
        if mkdir(path, 0o755) == 0 { return true }
        if errno == EEXIST { return false }
        throw failure("cannot create the directory", path)
    }

    /// Creates a directory and its missing parents; returns the ones it created, outermost first.
    @discardableResult
    static func makeDirectories(_ path: String) throws(SiteError) -> [String] {
        if mkdir(path, 0o755) == 0 { return [path] }
        if errno == EEXIST { return [] }
        guard errno == ENOENT else { throw failure("cannot create the directory", path) }
        let parent = (path as NSString).deletingLastPathComponent
        guard !parent.isEmpty, parent != path else { throw failure("cannot create the directory", path) }
        let created = try makeDirectories(parent)
        return created + (try makeDirectory(path) ? [path] : [])
    }

    static func rename(_ from: String, _ to: String) throws(SiteError) {
        guard Glibc.rename(from, to) == 0 else { throw failure("cannot move \(from) to", to) }
    }

    /// Swaps two directories in one step where the kernel can; else moves `to` aside first.
    static func exchange(_ first: String, _ second: String) throws(SiteError) {
        if shiplog_exchange_paths(first, second) == 0 { return }
        let aside = second + ".shiplog-aside"
        try rename(second, aside)
        try rename(first, second)
        try rename(aside, first)
    }

    /// The stamps of many files below `root` (nil for a file that is missing), in parallel: their
    /// paths are the `ranges` of `text`, each followed by a NUL byte.
    ///
    /// Each is looked up from an open directory two levels above it, which spares the kernel
    /// walking the whole path again for every file.
    static func stamps(of ranges: [Range<Int>], in text: [UInt8], under root: String) async -> [FileStamp?] {
        // Directories by a hash of their path, with the path to tell two apart that share one.
        var directories: [UInt64: (path: [UInt8], fd: Int32)] = [:]
        var opened: [Int32] = []
        var descriptors: [Int32] = []
        // Each path's part below its directory.
        var names: [Range<Int>] = []
        descriptors.reserveCapacity(ranges.count)
        names.reserveCapacity(ranges.count)
        text.withUnsafeBufferPointer { text in
            for range in ranges {
                let path = text[range]
                let last = path.lastIndex(of: UInt8(ascii: "/"))
                let cut = last.flatMap { path[..<$0].lastIndex(of: UInt8(ascii: "/")) } ?? range.lowerBound
                let directory = UnsafeBufferPointer(rebasing: text[range.lowerBound..<cut])
                let hash = Digest(of: directory).words.0
                if let known = directories[hash], known.path.elementsEqual(directory) {
                    descriptors.append(known.fd)
                } else {
                    let name = String(decoding: directory, as: UTF8.self)
                    let fd = open(name.isEmpty ? root : root + "/" + name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                    if fd >= 0 { opened.append(fd) }
                    if directories[hash] == nil { directories[hash] = (Array(directory), fd) }
                    descriptors.append(fd)
                }
                names.append((cut == range.lowerBound ? cut : cut + 1)..<range.upperBound)
            }
        }
        defer { for fd in opened { close(fd) } }
        let (fds, files) = (descriptors, names)
        return await Parallel.map(ranges.indices) { index in
            guard fds[index] >= 0 else { return nil }
            var info = stat()
            let found = text.withUnsafeBytes { text in
                fstatat(fds[index], text.baseAddress!.advanced(by: files[index].lowerBound).assumingMemoryBound(to: CChar.self), &info, 0) == 0
            }
            return found ? FileStamp(info) : nil
        }
    }

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// The size and modification time of a file; nil when it does not exist.
    static func stamp(_ path: String) -> FileStamp? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileStamp(info)
    }

    static func remove(_ path: String) {
        unlink(path)
    }

    static func removeDirectoryIfEmpty(_ path: String) {
        rmdir(path)
    }

    static func removeTree(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    static func isEmptyDirectory(_ path: String) -> Bool {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).isEmpty
    }

    private static func failure(_ what: String, _ path: String) -> SiteError {
        SiteError(.io, "\(path): \(what) (\(String(cString: strerror(errno))))")
    }
}

/// A file's size and modification time (nanoseconds since the epoch).
@MemberwiseInit
struct FileStamp: Sendable, Hashable {
    var size: Int64
    var modified: Int64

    init(_ info: stat) {
        self.init(size: Int64(info.st_size), modified: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec))
    }
}
