/// The words of release notes, for the search index (see ``SearchIndex``).
enum SearchTerms {
    /// Terms longer than this are left out (hashes, long identifiers).
    static let maximumTermLength = 24

    /// The distinct words of a Markdown text, lowercased, in order of first appearance.
    ///
    /// A word is a run of letters and digits of 2 to ``maximumTermLength`` characters, not all
    /// digits. Link targets (`](…)`, `<…>`) and bare URLs are skipped: their words are noise.
    static func terms(of text: String) -> [String] {
        var result: [String] = []
        var table = TermTable()
        forEachWord(in: text) { word in
            if table.id(of: word) == result.count { result.append(String(decoding: word, as: UTF8.self)) }
        }
        return result
    }

    /// Calls `body` with each word of `text` (see ``terms(of:)``), lowercased, as UTF-8, repeats included.
    ///
    /// It reads bytes, not characters: a build reads every release's notes.
    static func forEachWord(in text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var text = text
        let scratch = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: maximumTermLength)
        defer { scratch.deallocate() }
        text.withUTF8 { bytes in
            let count = bytes.count
            var index = 0
            var start = -1
            var length = 0
            var allDigits = true
            var ascii = true
            func flush(_ end: Int) {
                defer { start = -1 }
                guard start >= 0, length >= 2, length <= maximumTermLength, !allDigits else { return }
                let word = UnsafeBufferPointer(rebasing: bytes[start..<end])
                if ascii {
                    for (offset, byte) in word.enumerated() {
                        scratch[offset] = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
                    }
                    body(UnsafeBufferPointer(rebasing: scratch[..<word.count]))
                } else {
                    var lowered = String(decoding: word, as: UTF8.self).lowercased()
                    lowered.withUTF8 { body($0) }
                }
            }
            func extend(_ at: Int, digit: Bool, isASCII: Bool) {
                if start < 0 {
                    start = at
                    length = 0
                    allDigits = true
                    ascii = true
                }
                length += 1
                if !digit { allDigits = false }
                if !isASCII { ascii = false }
            }
            while index < count {
                let byte = bytes[index]
                if byte < 0x80 {
                    switch byte {
                    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
                        extend(index, digit: false, isASCII: true)
                        index += 1
                        continue
                    case UInt8(ascii: "0")...UInt8(ascii: "9"):
                        extend(index, digit: true, isASCII: true)
                        index += 1
                        continue
                    case UInt8(ascii: ":") where index + 2 < count && bytes[index + 1] == UInt8(ascii: "/") && bytes[index + 2] == UInt8(ascii: "/"):
                        // A bare URL: the word before it is its scheme; skip to the next space.
                        start = -1
                        while index < count, !isSpace(bytes[index]) { index += 1 }
                        continue
                    default:
                        break
                    }
                    flush(index)
                    // A link target or an autolink: skip to its end (on the same line).
                    if (byte == UInt8(ascii: "(") && index > 0 && bytes[index - 1] == UInt8(ascii: "]")) || byte == UInt8(ascii: "<") {
                        let close = byte == UInt8(ascii: "(") ? UInt8(ascii: ")") : UInt8(ascii: ">")
                        var end = index + 1
                        while end < count, bytes[end] != close, bytes[end] != UInt8(ascii: "\n") { end += 1 }
                        if end < count, bytes[end] == close {
                            index = end + 1
                            continue
                        }
                    }
                    index += 1
                } else {
                    let (scalar, width) = decode(bytes, at: index)
                    if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                        extend(index, digit: scalar.properties.numericType != nil, isASCII: false)
                    } else {
                        flush(index)
                    }
                    index += width
                }
            }
            flush(count)
        }
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || (byte >= 0x09 && byte <= 0x0D)
    }

    /// The scalar that starts at `index` of valid UTF-8, and its length in bytes.
    private static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (Unicode.Scalar, Int) {
        let lead = bytes[index]
        let width = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
        var value = UInt32(lead) & (width == 2 ? 0x1F : width == 3 ? 0x0F : 0x07)
        for offset in 1..<width where index + offset < bytes.count { value = value << 6 | UInt32(bytes[index + offset] & 0x3F) }
        return (Unicode.Scalar(value) ?? "\u{FFFD}", width)
    }
}

/// The distinct words of a component's releases, each numbered in order of first appearance,
/// looked up by their bytes (no string is made per word, only per distinct word).
struct TermTable {
    /// The bytes of every term, one after the other.
    private var bytes: [UInt8] = []
    /// Per term, where its bytes end in ``bytes`` (they start where the previous term's end).
    private var ends: [Int] = [0]
    /// Open addressing: term id + 1 in each slot, 0 for none.
    private var slots = [Int32](repeating: 0, count: 1024)
    private var hashes: [UInt64] = []

    /// How many distinct terms there are.
    var count: Int { hashes.count }

    /// The term numbered `id`.
    func term(_ id: Int) -> String { String(decoding: bytes[ends[id]..<ends[id + 1]], as: UTF8.self) }

    /// The number of `word`, added when it is new.
    mutating func id(of word: UnsafeBufferPointer<UInt8>) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in word { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash ^ (hash >> 29)) & mask
        while slots[slot] != 0 {
            let id = Int(slots[slot]) - 1
            if hashes[id] == hash, ends[id + 1] - ends[id] == word.count, isTerm(id, word) { return id }
            slot = (slot + 1) & mask
        }
        let id = hashes.count
        hashes.append(hash)
        bytes.append(contentsOf: word)
        ends.append(bytes.count)
        slots[slot] = Int32(id + 1)
        if hashes.count * 2 > slots.count { grow() }
        return id
    }

    /// Whether term `id` is `word` (of its length), compared in place: comparing an array slice
    /// to the word was a tenth of a 500-release component's search index (perf).
    private func isTerm(_ id: Int, _ word: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.withUnsafeBufferPointer { stored in
            let start = ends[id]
            for offset in word.indices where stored[start + offset] != word[offset] { return false }
            return true
        }
    }

    private mutating func grow() {
        slots = [Int32](repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for (id, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash ^ (hash >> 29)) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(id + 1)
        }
    }
}
