/// The character next to a reference, as far as the reference rules care.
enum NeighbourCharacter: Equatable {
    /// An ASCII character, which the rules inspect byte by byte.
    case ascii(UInt8)
    /// A letter, digit or combining mark outside ASCII (`é`, `٣`, `\u{301}`).
    case letterOrDigit
    /// Any other character outside ASCII (punctuation, spaces, emoji).
    case other
}

extension UnsafeBufferPointer<UInt8> {
    /// The character whose UTF-8 encoding ends just before byte `offset`, or nil at the start.
    func character(endingAt offset: Int) -> NeighbourCharacter? {
        guard offset > 0 else { return nil }
        let last = self[offset - 1]
        if last < 0x80 { return .ascii(last) }
        var start = offset - 1
        while start > 0, offset - start < 4, self[start] & 0xC0 == 0x80 { start -= 1 }
        return Self.classify(UnsafeBufferPointer(rebasing: self[start..<offset]))
    }

    /// Whether the character starting at byte `offset` is a letter, digit or `_` (false at the end).
    func startsWithWordCharacter(at offset: Int) -> Bool {
        guard offset < count else { return false }
        let first = self[offset]
        if first < 0x80 { return ASCII.isWord(first) }
        let end = Swift.min(offset + 4, count)
        return Self.classify(UnsafeBufferPointer(rebasing: self[offset..<end])) == .letterOrDigit
    }

    /// Classifies the first scalar of a UTF-8 sequence that does not start with ASCII.
    private static func classify(_ bytes: UnsafeBufferPointer<UInt8>) -> NeighbourCharacter {
        var iterator = bytes.makeIterator()
        var decoder = Unicode.UTF8()
        guard case .scalarValue(let scalar) = decoder.decode(&iterator) else { return .other }
        let properties = scalar.properties
        if properties.isAlphabetic || properties.numericType != nil { return .letterOrDigit }
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return .letterOrDigit
        default: return .other
        }
    }
}
