import Crypto
import ShiplogModel

/// A stable hash of a page's inputs or a file's bytes, the same in every process and on every run.
///
/// The incremental cache keys pages by it: a page whose fingerprint is unchanged is not rendered again.
struct Fingerprint: Sendable {
    private var hasher = SHA256()

    init() {}

    init(_ kind: String) {
        add(kind)
    }

    /// Adds a string, length-prefixed so that `("ab", "c")` and `("a", "bc")` differ.
    mutating func add(_ string: String) {
        var string = string
        add(string.utf8.count)
        string.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
    }

    mutating func add(_ string: String?) {
        if let string {
            add(1)
            add(string)
        } else {
            add(0)
        }
    }

    mutating func add(_ number: Int) {
        withUnsafeBytes(of: Int64(number).littleEndian) { hasher.update(bufferPointer: $0) }
    }

    mutating func add(_ flag: Bool) { add(flag ? 1 : 0) }

    mutating func add(_ timestamp: Timestamp?) { add(timestamp.map { Int($0.seconds) } ?? Int.min) }

    mutating func add(_ digest: Digest) {
        add(Int(bitPattern: UInt(digest.words.0)))
        add(Int(bitPattern: UInt(digest.words.1)))
    }

    mutating func add(bytes: UnsafeRawBufferPointer) { hasher.update(bufferPointer: bytes) }

    func finalize() -> Digest { Digest(hasher.finalize()) }
}

/// A finished fingerprint: the first 128 bits of a SHA-256.
struct Digest: Sendable, Hashable {
    var words: (UInt64, UInt64)

    init(words: (UInt64, UInt64)) {
        self.words = words
    }

    init(_ digest: SHA256.Digest) {
        words = digest.withUnsafeBytes {
            ($0.loadUnaligned(fromByteOffset: 0, as: UInt64.self), $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        }
    }

    /// 32 hex digits.
    var hex: String {
        let a = String(words.0, radix: 16)
        let b = String(words.1, radix: 16)
        return String(repeating: "0", count: 16 - a.count) + a + String(repeating: "0", count: 16 - b.count) + b
    }

    /// Appends ``hex`` as ASCII bytes.
    func appendHex(to bytes: inout [UInt8]) {
        for word in [words.0, words.1] {
            for shift in stride(from: 60, through: 0, by: -4) {
                let digit = UInt8((word >> UInt64(shift)) & 0xF)
                bytes.append(digit < 10 ? 0x30 + digit : 0x57 + digit)
            }
        }
    }

    /// Parses ``hex``.
    init?(hex: Substring) {
        guard hex.utf8.count == 32, let a = UInt64(hex.prefix(16), radix: 16), let b = UInt64(hex.suffix(16), radix: 16) else { return nil }
        words = (a, b)
    }

    /// Parses 32 hex digits given as bytes.
    init?(hexBytes: UnsafeBufferPointer<UInt8>) {
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

    static func == (lhs: Digest, rhs: Digest) -> Bool { lhs.words == rhs.words }

    func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
    }
}

extension Fingerprint {
    /// Adds every field of a release, so that any change to it changes the pages that show it.
    mutating func add(_ release: Release) {
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
        }
    }

    mutating func add(_ component: Component) {
        add(component.slug)
        add(component.name)
        add(component.repo)
        add(component.url)
        add(component.description)
    }

    mutating func add(_ page: Page) {
        add(page.id)
        add(page.title)
        add(page.description)
        add(page.baseURL)
        add(page.grouping.rawValue)
        add(page.isPublic)
        add(page.feedLimit)
        add(page.serverURL)
    }

    mutating func add(_ deployment: Deployment) {
        add(deployment.component)
        add(deployment.version)
        add(deployment.environment)
        add(deployment.status.rawValue)
        add(deployment.startedAt)
        add(deployment.finishedAt)
        add(deployment.host)
        add(deployment.actor)
        add(deployment.commit)
        add(deployment.meta.map { JSONWriter.write($0, pretty: false) })
    }
}
