import Synchronization

/// Big arrays: cut into elements by a structural scan, parsed in slices at once (see
/// ``parseArrayInParallel()``), or left unparsed for the caller (``deferElements()``).
extension JSONScanner {
    /// Cuts the array at `index` into its elements with a quick structural scan, parses slices
    /// of them concurrently, and returns nil (leaving `index` alone) when the array is short or
    /// anything is off: the sequential parser then reports the exact error.
    mutating func parseArrayInParallel() -> JSONValue? {
        let minimumBytes = 1 << 20
        guard bytes.count - index > minimumBytes, let (bounds, end) = elementBounds(ofArrayAt: index),
            end - index > minimumBytes, bounds.count > 65
        else { return nil }
        let elementCount = bounds.count - 1
        let slices = Slices(count: elementCount, parallelFrom: 0)
        let buffer = ReadOnlyBytes(bytes: bytes)
        let depth = self.depth + 1
        let results = Mutex([[JSONValue]?](repeating: nil, count: slices.slices))
        slices.run { slice in
            let range = slices.range(slice)
            var scanner = JSONScanner(bytes: buffer.bytes)
            scanner.depth = depth
            var values: [JSONValue] = []
            values.reserveCapacity(range.count)
            for element in range {
                guard let value = scanner.parseElement(bounds[element]..<bounds[element + 1] - 1) else { return }
                values.append(value)
            }
            results.withLock { $0[slice] = values }
        }
        let parts = results.withLock { $0 }
        guard parts.allSatisfy({ $0 != nil }) else { return nil }
        index = end + 1
        return .array(parts.flatMap { $0! })
    }

    /// Cuts the array at `index` into its elements without parsing them, the first time the deferred
    /// key is met (a repeated key is parsed as usual); nil when there is no array to cut.
    mutating func deferElements() -> [Range<Int>]? {
        defer { deferredKey = nil }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "["), let (bounds, end) = elementBounds(ofArrayAt: index) else { return nil }
        var elements: [Range<Int>] = []
        elements.reserveCapacity(bounds.count - 1)
        for element in 0..<bounds.count - 1 {
            var lower = bounds[element]
            var upper = bounds[element + 1] - 1
            while lower < upper, Self.isWhitespace(bytes[lower]) { lower += 1 }
            while upper > lower, Self.isWhitespace(bytes[upper - 1]) { upper -= 1 }
            elements.append(lower..<upper)
        }
        if elements.count == 1, elements[0].isEmpty { elements = [] }
        index = end + 1
        return elements
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    /// The value that fills `range` (white space around it allowed), or nil when it is not exactly one valid value.
    mutating func parseElement(_ range: Range<Int>) -> JSONValue? {
        index = range.lowerBound
        while index < range.upperBound, Self.isWhitespace(bytes[index]) { index += 1 }
        guard index < range.upperBound, let value = try? parseValue() else { return nil }
        while index < range.upperBound, Self.isWhitespace(bytes[index]) { index += 1 }
        return index == range.upperBound ? value : nil
    }

    /// A quick structural scan (strings and nesting only, no syntax checks) of the array that opens
    /// at `start`: where each element begins (after its `[` or `,`) followed by the position after
    /// the closing `]`, and that `]`'s position; nil when the array does not close.
    ///
    /// An element spans from its beginning to the byte before the next one's; the empty array has
    /// one, of white space only.
    func elementBounds(ofArrayAt start: Int) -> ([Int], Int)? {
        var bounds: [Int] = []
        var nesting = 0
        var position = start
        let count = bytes.count
        let base = bytes.baseAddress!
        while position < count {
            switch base[position] {
            case UInt8(ascii: "\""):
                position = endOfString(from: position + 1)
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                nesting += 1
                if nesting == 1 { bounds.append(position + 1) }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                nesting -= 1
                if nesting == 0 {
                    guard base[position] == UInt8(ascii: "]") else { return nil }
                    bounds.append(position + 1)
                    return (bounds, position)
                }
            case UInt8(ascii: ","):
                if nesting == 1 { bounds.append(position + 1) }
            default:
                break
            }
            position += 1
        }
        return nil
    }

    /// The position of the quote that closes the string whose contents start at `position` (the
    /// end of the bytes when none does), looking at eight bytes at a time.
    func endOfString(from position: Int) -> Int {
        var position = position
        let count = bytes.count
        let raw = UnsafeRawPointer(bytes.baseAddress!)
        let ones: UInt64 = 0x0101_0101_0101_0101
        while position + 8 <= count {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: position, as: UInt64.self))
            let quotes = word ^ (ones &* 0x22)
            let backslashes = word ^ (ones &* 0x5C)
            // The high bit of each byte that is a quote or a backslash (exact up to the first one).
            let found = ((quotes &- ones) & ~quotes | (backslashes &- ones) & ~backslashes) & (ones &* 0x80)
            if found == 0 {
                position += 8
                continue
            }
            position += found.trailingZeroBitCount >> 3
            if bytes[position] == UInt8(ascii: "\"") { return position }
            position += 2  // a backslash and the byte it escapes
        }
        while position < count {
            if bytes[position] == UInt8(ascii: "\"") { return position }
            position += bytes[position] == UInt8(ascii: "\\") ? 2 : 1
        }
        return count
    }
}

/// The document's bytes, shared by the threads that parse slices of one array.
///
/// `@unchecked Sendable`: the bytes are only read, and the buffer outlives the synchronous
/// `Slices.run` call that uses it.
struct ReadOnlyBytes: @unchecked Sendable {
    let bytes: UnsafeBufferPointer<UInt8>
}
