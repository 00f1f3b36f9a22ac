import Foundation
import Glibc
import NIOCore

/// What a request path finds in the site folder, never following a symlink out of it (SPEC §6.2: a
/// link to the store once served the live database, and SQLite lost its locks).
enum SiteFile {
    /// A regular file's bytes, with the path it was read from.
    case file(ByteBuffer, path: String)
    /// A directory, reached by a path without its trailing slash.
    case directory
    /// Nothing servable: missing, outside the site, or not a regular file (a FIFO would hang a read).
    case missing

    /// Looks up `segments` (already checked by ``SiteFilesMiddleware/segments(_:)``) under `root`;
    /// `wantsDirectory` when the path ended with `/`, so a directory gives its `index.html`.
    static func find(_ segments: [String], under root: String, wantsDirectory: Bool) -> SiteFile {
        guard let realRoot = realPath(root) else { return .missing }
        let joined = ([root] + segments).joined(separator: "/")
        guard var real = realPath(joined), isInside(real, realRoot) else { return .missing }
        if isDirectory(real) {
            guard wantsDirectory || segments.isEmpty else { return .directory }
            guard let index = realPath(real + "/index.html"), isInside(index, realRoot) else { return .missing }
            real = index
        }
        guard let bytes = read(real) else { return .missing }
        return .file(bytes, path: real)
    }

    /// Whether `path` is the site folder or under it (both resolved, so `..` and links are gone).
    static func isInside(_ path: String, _ root: String) -> Bool {
        path == root || path.hasPrefix(root.hasSuffix("/") ? root : root + "/")
    }

    /// The absolute path with every symlink resolved; nil when it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    /// The whole file, if it is a regular file. Opened without following a link (the path is resolved
    /// already; a link swapped in meanwhile fails), and its size and bytes come from the same open file, so
    /// a file a rebuild swaps in is served either old or new, never the `Content-Length` of one with the
    /// bytes of the other.
    private static func read(_ path: String) -> ByteBuffer? {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        let size = Int(info.st_size)
        var buffer = ByteBufferAllocator().buffer(capacity: size)
        while buffer.readableBytes < size {
            let wanted = size - buffer.readableBytes
            let count = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: wanted) { target in
                max(0, Glibc.read(descriptor, target.baseAddress, wanted))
            }
            guard count > 0 else { break }
        }
        return buffer
    }
}
