/// Digests mapped to non-negative numbers (positions in some array or file), for the tables a
/// rebuild fills and reads once per release or file.
///
/// A ``Digest`` is already evenly spread, so its first word picks the slot: the standard
/// dictionary hashed every one again with SipHash, and on the 10k-release rebuild building and
/// reading the memo's dictionary cost about 5 % of the CPU time (perf). Open addressing, linear
/// probing, no removal.
public struct DigestTable: Sendable {
    private var keys: [Digest]
    /// The number stored in each slot; -1 for an empty slot.
    private var values: [Int]
    private var mask: Int
    /// How many digests it holds.
    public private(set) var count = 0

    /// An empty table with room for `capacity` digests before it grows.
    public init(capacity: Int = 0) {
        var size = 16
        while size * 3 < capacity * 4 { size *= 2 }
        keys = [Digest](repeating: Digest(words: (0, 0)), count: size)
        values = [Int](repeating: -1, count: size)
        mask = size - 1
    }

    /// The number stored for `digest`, if any.
    public subscript(digest: Digest) -> Int? {
        var slot = Int(truncatingIfNeeded: digest.words.0) & mask
        while values[slot] >= 0 {
            if keys[slot] == digest { return values[slot] }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// Stores `value` (≥ 0) for `digest`, replacing what was stored for it.
    public mutating func insert(_ value: Int, for digest: Digest) {
        var slot = Int(truncatingIfNeeded: digest.words.0) & mask
        while values[slot] >= 0 {
            if keys[slot] == digest {
                values[slot] = value
                return
            }
            slot = (slot + 1) & mask
        }
        keys[slot] = digest
        values[slot] = value
        count += 1
        if count * 4 > values.count * 3 { grow() }
    }

    /// Every digest and its number, in no particular order.
    public var pairs: some Sequence<(Digest, Int)> {
        zip(keys, values).lazy.filter { $0.1 >= 0 }
    }

    private mutating func grow() {
        var larger = DigestTable(capacity: count * 2)
        for (digest, value) in pairs { larger.insert(value, for: digest) }
        self = larger
    }
}
