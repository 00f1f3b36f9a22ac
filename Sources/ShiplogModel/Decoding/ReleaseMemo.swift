/// What one load learnt about the releases of the data, for the next load of the same data.
///
/// Keyed by the digest of a release's bytes in its file, it holds, for each release that was valid
/// and drew no warning, the fields that ordering, latest releases, groups and the site plan need
/// (component, version, date, status, pre-release flag, author) and the release's
/// ``Release/fingerprint``. A release whose bytes are found in it is neither parsed nor validated
/// again: the same bytes decode to the same fields.
///
/// ```swift
/// let first = try DataLoader.load(sources)
/// let again = try DataLoader.load(sources, memo: first.memo)  // only changed releases are decoded
/// ```
public struct ReleaseMemo: Sendable {
    /// The first line of the encoded memo; change it whenever releases decode differently.
    static let header = Array("shiplog-release-memo 1\n".utf8)

    /// What is known of one release.
    struct Entry: Sendable {
        /// The release with only the summary fields set.
        var summary: Release
        /// The fingerprint of the whole release.
        var fingerprint: Digest
    }

    /// Digest of a release's bytes → what is known of it.
    var entries: [Digest: Entry] = [:]

    /// How many releases it knows.
    public var count: Int { entries.count }

    /// How a load brings the memo it was given up to date.
    public enum Update: Sendable {
        /// The memo needs nothing new.
        case unchanged
        /// These releases are new: append them (``encoded(withHeader:)`` without the header) to the memo.
        case append(ReleaseMemo)
        /// Replace the memo with this one.
        case replace(ReleaseMemo)
    }

    /// The summary fields of `release` (the others left empty).
    static func summary(of release: Release) -> Release {
        Release(
            component: release.component,
            version: release.version,
            publishedAt: release.publishedAt,
            author: release.author,
            status: release.status,
            prereleaseFlag: release.prereleaseFlag
        )
    }

    /// The memo as bytes: the header, then per release its digest, fingerprint, status, flags,
    /// date and strings. Without the header, the releases can be appended to an encoded memo.
    public func encoded(withHeader: Bool = true) -> [UInt8] {
        var bytes = withHeader ? Self.header : []
        bytes.reserveCapacity(entries.count * 80)
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        func append(_ string: String?) {
            guard let string else { return append(UInt32.max) }
            append(UInt32(string.utf8.count))
            bytes += string.utf8
        }
        for (digest, entry) in entries {
            let release = entry.summary
            for word in [digest.words.0, digest.words.1, entry.fingerprint.words.0, entry.fingerprint.words.1] { append(word) }
            append(UInt8(Release.Status.allCases.firstIndex(of: release.status)!))
            append(UInt8(release.prereleaseFlag.map { $0 ? 2 : 1 } ?? 0))
            append(UInt8(release.publishedAt == nil ? 0 : 1))
            append(release.publishedAt?.seconds ?? 0)
            append(release.component)
            append(release.version.text)
            append(release.author)
        }
        return bytes
    }

    /// Creates an empty memo.
    public init() {}

    /// Reads ``encoded()`` bytes; nil when they are not a memo of this version of shiplog.
    public init?(decoding bytes: [UInt8]) {
        guard bytes.starts(with: Self.header) else { return nil }
        let decoded = bytes.withUnsafeBufferPointer { buffer -> [Digest: Entry]? in
            var reader = MemoReader(bytes: buffer, position: Self.header.count)
            var entries: [Digest: Entry] = [:]
            entries.reserveCapacity(buffer.count / 80)
            while !reader.isAtEnd {
                guard let high = reader.integer(UInt64.self), let low = reader.integer(UInt64.self),
                    let keyHigh = reader.integer(UInt64.self), let keyLow = reader.integer(UInt64.self),
                    let status = reader.integer(UInt8.self), Int(status) < Release.Status.allCases.count,
                    let flag = reader.integer(UInt8.self), flag <= 2,
                    let dated = reader.integer(UInt8.self), let seconds = reader.integer(Int64.self),
                    let component = reader.string(), let component, let version = reader.string(), let version,
                    let author = reader.string()
                else { return nil }
                let summary = Release(
                    component: component,
                    version: Version(version),
                    publishedAt: dated == 0 ? nil : Timestamp(seconds: seconds),
                    author: author,
                    status: Release.Status.allCases[Int(status)],
                    prereleaseFlag: flag == 0 ? nil : flag == 2
                )
                entries[Digest(words: (high, low))] = Entry(summary: summary, fingerprint: Digest(words: (keyHigh, keyLow)))
            }
            return entries
        }
        guard let decoded else { return nil }
        entries = decoded
    }
}

/// Reads the fields of an encoded memo, refusing to read past its end.
private struct MemoReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var position: Int

    var isAtEnd: Bool { position >= bytes.count }

    @inline(__always)
    mutating func integer<T: FixedWidthInteger>(_ type: T.Type) -> T? {
        let size = MemoryLayout<T>.size
        guard position + size <= bytes.count else { return nil }
        let value = UnsafeRawBufferPointer(bytes).loadUnaligned(fromByteOffset: position, as: T.self)
        position += size
        return T(littleEndian: value)
    }

    /// A string, `.some(nil)` for an absent one, nil when the bytes end or are not UTF-8.
    mutating func string() -> String?? {
        guard let length = integer(UInt32.self) else { return nil }
        if length == UInt32.max { return .some(nil) }
        guard position + Int(length) <= bytes.count else { return nil }
        let text = UnsafeBufferPointer(rebasing: bytes[position..<position + Int(length)])
        position += Int(length)
        // ASCII needs no validation.
        if text.allSatisfy({ $0 < 0x80 }) { return .some(String(decoding: text, as: UTF8.self)) }
        return String(validating: text, as: UTF8.self).map { .some($0) }
    }
}
