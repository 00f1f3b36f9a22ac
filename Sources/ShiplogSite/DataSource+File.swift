import Glibc
public import ShiplogModel

extension DataSource {
    /// Reads the data file at `path`, named as given; nil when it cannot be read.
    ///
    /// A regular file is mapped into memory rather than copied (it should not be truncated while
    /// shiplog runs); anything else is read.
    public init?(contentsOfFile path: String) {
        if let file = MappedFile(path: path) {
            self.init(name: path, bytes: file.bytes, owner: file)
            return
        }
        guard let bytes = try? FileSystem.read(path) else { return nil }
        self.init(name: path, bytes: bytes)
    }
}

/// A whole file mapped read-only into memory, unmapped when it goes.
///
/// `@unchecked Sendable`: the mapping is read-only and never changes until `deinit`.
private final class MappedFile: @unchecked Sendable {
    let bytes: UnsafeBufferPointer<UInt8>

    /// Maps the regular, non-empty file at `path`; nil when it is not one or cannot be mapped.
    init?(path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size > 0 else { return nil }
        let size = Int(info.st_size)
        // Every page at once: one call instead of a fault per page.
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0), address != MAP_FAILED else { return nil }
        bytes = UnsafeBufferPointer(start: address.assumingMemoryBound(to: UInt8.self), count: size)
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
    }
}
