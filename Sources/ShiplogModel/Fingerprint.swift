internal import CShiplogSupport
import ShiplogMacroSupport

/// A stable hash of a page's inputs or a file's bytes, the same in every process and on every run.
///
/// The incremental cache keys pages by it: a page whose fingerprint is unchanged is not rendered again.
/// What is added is gathered, then hashed once (MurmurHash3 x64 128): cache keys need a hash that is
/// fast and spreads well, not one that resists attackers. Every build hashes every release's bytes,
/// so SHA-256 would cost the 10k-release rebuild 9 % more CPU (see `hash.c`).
public struct Fingerprint: Sendable {
    /// Everything added so far.
    private var pending: [UInt8] = []

    /// An empty fingerprint.
    public init() {}

    /// A fingerprint that starts with what kind of thing it is.
    public init(_ kind: String) {
        add(kind)
    }

    /// Adds a string, length-prefixed so that `("ab", "c")` and `("a", "bc")` differ.
    public mutating func add(_ string: String) {
        var string = string
        add(string.utf8.count)
        string.withUTF8 { feed(UnsafeRawBufferPointer($0)) }
    }

    /// Adds an optional string, absent distinct from empty.
    public mutating func add(_ string: String?) {
        if let string {
            add(1)
            add(string)
        } else {
            add(0)
        }
    }

    /// Adds a number (as 64 bits, little-endian).
    public mutating func add(_ number: Int) {
        withUnsafeBytes(of: Int64(number).littleEndian) { feed($0) }
    }

    /// Adds a flag.
    public mutating func add(_ flag: Bool) { add(flag ? 1 : 0) }

    /// Adds a timestamp (absent distinct from every time).
    public mutating func add(_ timestamp: Timestamp?) { add(timestamp.map { Int($0.seconds) } ?? Int.min) }

    /// Adds another fingerprint's result.
    public mutating func add(_ digest: Digest) {
        add(Int(bitPattern: UInt(digest.words.0)))
        add(Int(bitPattern: UInt(digest.words.1)))
    }

    /// Adds raw bytes, as they are.
    public mutating func add(bytes: UnsafeRawBufferPointer) { feed(bytes) }

    /// How many bytes were added so far (see ``withBytes(_:)``).
    public var byteCount: Int { pending.count }

    /// Calls `body` with the bytes added so far: parts of them can be added to other fingerprints
    /// as they are (``add(bytes:)``), as if their values were added there one by one.
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R { pending.withUnsafeBytes(body) }

    /// The digest of everything added.
    public consuming func finalize() -> Digest {
        pending.withUnsafeBytes { Digest(hashing: $0) }
    }

    private mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        if pending.isEmpty { pending.reserveCapacity(256) }
        pending.append(contentsOf: bytes)
    }
}

/// A finished fingerprint: 128 bits.
@MemberwiseInit
public struct Digest: Sendable, Hashable {
    /// The 128 bits.
    public var words: (UInt64, UInt64)

    /// The hash of `bytes`.
    init(hashing bytes: UnsafeRawBufferPointer) {
        var out: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &out) { shiplog_hash128(bytes.baseAddress, bytes.count, $0.baseAddress!.assumingMemoryBound(to: UInt64.self)) }
        words = out
    }

    /// 32 hex digits.
    public var hex: String {
        let a = String(words.0, radix: 16)
        let b = String(words.1, radix: 16)
        return String(repeating: "0", count: 16 - a.count) + a + String(repeating: "0", count: 16 - b.count) + b
    }

    /// Appends ``hex`` as ASCII bytes.
    public func appendHex(to bytes: inout [UInt8]) {
        for word in [words.0, words.1] {
            for shift in stride(from: 60, through: 0, by: -4) {
                let digit = UInt8((word >> UInt64(shift)) & 0xF)
                bytes.append(digit < 10 ? 0x30 + digit : 0x57 + digit)
            }
        }
    }

    /// Parses ``hex``.
    public init?(hex: Substring) {
        guard hex.utf8.count == 32, let a = UInt64(hex.prefix(16), radix: 16), let b = UInt64(hex.suffix(16), radix: 16) else { return nil }
        words = (a, b)
    }

    /// The digest of `bytes` alone.
    public init(of bytes: UnsafeBufferPointer<UInt8>) {
        self.init(hashing: UnsafeRawBufferPointer(bytes))
    }

    /// Parses 32 hex digits given as bytes.
    public init?(hexBytes: UnsafeBufferPointer<UInt8>) {
        guard hexBytes.count == 32 else { return nil }
        var words: (UInt64, UInt64) = (0, 0)
        for (position, byte) in hexBytes.enumerated() {
            let digit: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - 0x30)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt64(byte - 0x61 + 10)
            default: return nil
            }
            if position < 16 { words.0 = words.0 << 4 | digit } else { words.1 = words.1 << 4 | digit }
        }
        self.words = words
    }

    public static func == (lhs: Digest, rhs: Digest) -> Bool { lhs.words == rhs.words }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
    }
}

extension Release {
    /// The digest of every field of the release: pages that show it are keyed by it.
    public var fingerprint: Digest {
        var fingerprint = Fingerprint("release")
        fingerprint.add(self)
        return fingerprint.finalize()
    }
}

extension Fingerprint {
    /// Adds every field of a release, so that any change to it changes the pages that show it.
    ///
    /// The release memo keeps these fingerprints: changing what is added here must change
    /// ``ReleaseMemo``'s header too.
    public mutating func add(_ release: Release) {
        add(release.component)
        add(release.version.text)
        add(release.title)
        add(release.publishedAt)
        add(release.author)
        add(release.notes)
        add(release.status.rawValue)
        add(release.prereleaseFlag.map { $0 ? "true" : "false" })
        add(release.commit)
        add(release.tag)
        add(release.url)
        add(release.codeName)
        add(release.assets.count)
        for asset in release.assets {
            add(asset.name)
            add(asset.url)
            add(asset.platform)
            add(asset.signature)
            add(asset.size.map(String.init))
            add(asset.sha512)
            add(asset.sha256)
            add(asset.sha1)
            add(asset.minimumSystemVersion)
        }
        add(release.id)
        add(release.createdAt)
        add(release.createdBy)
        add(release.channel)
        add(release.build)
    }
}
