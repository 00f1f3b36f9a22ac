/// What one load learnt about the releases of the data, for the next load of the same data.
///
/// Keyed by the digest of a release's bytes in its file, it holds, for each release that was valid
/// and drew no warning, the fields that ordering, latest releases, groups and the site plan need
/// (component, version, date, status, pre-release flag, author, channel, the update feeds its assets serve, and the id that duplicate ids are found by) and the release's
/// ``Release/fingerprint``. A release whose bytes are found in it is neither parsed nor validated
/// again: the same bytes decode to the same fields.
///
/// A memo read from bytes decodes each release when it is looked up, so that the decoding is
/// spread over the threads that decode the data.
///
/// ```swift
/// let memo = ReleaseMemo(decoding: bytesSavedByTheLastBuild)
/// let loaded = try DataLoader.load(sources, memo: memo)  // only changed releases are decoded
/// ```
public struct ReleaseMemo: Sendable {
    /// The first line of the encoded memo; change it whenever releases decode differently or
    /// ``Release/fingerprint`` changes, so that memos of earlier versions are ignored.
    static let header = Array("shiplog-release-memo 5\n".utf8)

    /// What is known of one release.
    struct Entry: Sendable {
        /// The release with only the summary fields set.
        var summary: Release
        /// The fingerprint of the whole release.
        var fingerprint: Digest
    }

    /// Digest of a release's bytes → where its record starts in ``encodedRecords`` (the releases read from bytes).
    private var encodedEntries = DigestTable()
    /// Digest of a release's bytes → what is known of it (the releases inserted since).
    private var decodedEntries: [Digest: Entry] = [:]
    /// How many digests are in both tables (an inserted entry replaces an encoded one).
    private var replaced = 0
    /// The bytes the memo was read from.
    private var encodedRecords: [UInt8] = []

    /// How many releases it knows.
    public var count: Int { encodedEntries.count + decodedEntries.count - replaced }

    /// What is known of the release whose bytes have `digest`; nil when nothing is (or its record is damaged).
    ///
    /// `versions` keeps the versions read so far by their text: many releases share one (a product
    /// version across components), and each is parsed once.
    func entry(for digest: Digest, versions: inout [String: Version]) -> Entry? {
        if !decodedEntries.isEmpty, let entry = decodedEntries[digest] { return entry }
        guard let start = encodedEntries[digest] else { return nil }
        return encodedRecords.withUnsafeBufferPointer { bytes in
            var reader = MemoReader(bytes: bytes, position: start + 16)
            return reader.entry(versions: &versions)
        }
    }

    /// Remembers `entry` for the release whose bytes have `digest`.
    mutating func insert(_ entry: Entry, for digest: Digest) {
        if decodedEntries.updateValue(entry, forKey: digest) == nil, encodedEntries[digest] != nil { replaced += 1 }
    }

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
        var summary = Release(
            component: release.component,
            version: release.version,
            publishedAt: release.publishedAt,
            author: release.author,
            status: release.status,
            prereleaseFlag: release.prereleaseFlag,
            id: release.id,
            channel: release.channel
        )
        summary.summaryFormats = release.updateFormats
        return summary
    }

    /// The memo as bytes: the header, then per release its digest, fingerprint, status, flags,
    /// date and strings. Without the header, the releases can be appended to an encoded memo.
    public func encoded(withHeader: Bool = true) -> [UInt8] {
        var bytes = withHeader ? Self.header : []
        bytes.reserveCapacity(count * 80)
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        func append(_ string: String?) {
            guard let string else { return append(UInt32.max) }
            append(UInt32(string.utf8.count))
            bytes += string.utf8
        }
        for (digest, start) in encodedEntries.pairs where decodedEntries[digest] == nil {
            // The record as read (it was checked then): from its digest to its last string.
            let end = encodedRecords.withUnsafeBufferPointer { buffer in
                var reader = MemoReader(bytes: buffer, position: start + 16)
                _ = reader.skipEntry()
                return reader.position
            }
            bytes += encodedRecords[start..<end]
        }
        for (digest, entry) in decodedEntries {
            let release = entry.summary
            for word in [digest.words.0, digest.words.1, entry.fingerprint.words.0, entry.fingerprint.words.1] { append(word) }
            append(UInt8(Release.Status.allCases.firstIndex(of: release.status)!))
            append(UInt8(release.prereleaseFlag.map { $0 ? 2 : 1 } ?? 0))
            append(UInt8(release.publishedAt == nil ? 0 : 1))
            append(release.updateFormats.rawValue)
            append(release.publishedAt?.seconds ?? 0)
            append(release.component)
            append(release.version.text)
            append(release.author)
            append(release.id)
            append(release.channel)
        }
        return bytes
    }

    /// Creates an empty memo.
    public init() {}

    /// Reads ``encoded(withHeader:)`` bytes; nil when they are not a memo of this version of
    /// shiplog. Only the digests are read now, each release when it is looked up.
    public init?(decoding bytes: [UInt8]) {
        guard bytes.starts(with: Self.header) else { return nil }
        let entries = bytes.withUnsafeBufferPointer { buffer -> DigestTable? in
            var reader = MemoReader(bytes: buffer, position: Self.header.count)
            var entries = DigestTable(capacity: buffer.count / 80)
            while !reader.isAtEnd {
                let start = reader.position
                guard let high = reader.integer(UInt64.self), let low = reader.integer(UInt64.self), reader.skipEntry() else { return nil }
                entries.insert(start, for: Digest(words: (high, low)))
            }
            return entries
        }
        guard let entries else { return nil }
        encodedEntries = entries
        encodedRecords = bytes
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

    /// The entry whose record (after its digest) starts here; nil when it is damaged.
    mutating func entry(versions: inout [String: Version]) -> ReleaseMemo.Entry? {
        guard let keyHigh = integer(UInt64.self), let keyLow = integer(UInt64.self),
            let status = integer(UInt8.self), Int(status) < Release.Status.allCases.count,
            let flag = integer(UInt8.self), flag <= 2,
            let dated = integer(UInt8.self), let formats = integer(UInt8.self), let seconds = integer(Int64.self),
            let component = string(), let component, let version = string(), let version,
            let author = string(), let id = string(), let channel = string()
        else { return nil }
        let parsed: Version
        if let known = versions[version] {
            parsed = known
        } else {
            parsed = Version(version)
            versions[version] = parsed
        }
        var summary = Release(
            component: component,
            version: parsed,
            publishedAt: dated == 0 ? nil : Timestamp(seconds: seconds),
            author: author,
            status: Release.Status.allCases[Int(status)],
            prereleaseFlag: flag == 0 ? nil : flag == 2,
            id: id,
            channel: channel
        )
        summary.summaryFormats = UpdateFormats(rawValue: formats)
        return ReleaseMemo.Entry(summary: summary, fingerprint: Digest(words: (keyHigh, keyLow)))
    }

    /// Steps over an entry (after its digest) without decoding it; false when the bytes end first.
    mutating func skipEntry() -> Bool {
        position += 16 + 4 + 8
        for _ in 0..<5 {
            guard let length = integer(UInt32.self) else { return false }
            if length != UInt32.max { position += Int(length) }
        }
        return position <= bytes.count
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
