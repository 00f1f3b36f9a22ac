import Dispatch
import Synchronization

/// A JSON syntax error: what went wrong, where (line and column), and in which value.
public struct JSONSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What the parser expected or found.
    public var message: String
    /// 1-based line of the offending byte.
    public var line: Int
    /// 1-based column (in bytes) of the offending byte.
    public var column: Int
    /// The value the parser was inside when it failed.
    public var path: JSONPath

    /// `invalid JSON at line 3, column 7: expected ',' or '}'`
    public var description: String {
        "invalid JSON at line \(line), column \(column): \(message)"
    }
}

/// Parses RFC 8259 JSON from UTF-8 bytes into a ``JSONValue``.
///
/// Strict: no comments, no trailing commas, no control characters in strings, valid UTF-8 only,
/// at most ``maximumDepth`` nested arrays and objects. Duplicate keys are kept; the decoder
/// reports them.
public enum JSONParser {
    /// How deeply arrays and objects may nest before the document is refused.
    public static let maximumDepth = 256

    /// Parses a whole document.
    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        let array = Array(bytes)
        return try array.withUnsafeBufferPointer { (buffer) throws(JSONSyntaxError) -> JSONValue in
            var scanner = JSONScanner(bytes: buffer)
            return try scanner.document()
        }
    }

    /// Parses a document whose top-level object has a member `key` holding an array, and leaves
    /// that array unparsed: in the tree it is empty, and the byte ranges of its elements (white
    /// space trimmed) come alongside, to be parsed with ``parseElement(_:in:)``.
    ///
    /// The elements' syntax is not checked: the document is valid only if each of them is a valid value.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, deferring key: String) throws(JSONSyntaxError) -> (JSONValue, [Range<Int>]?) {
        var scanner = JSONScanner(bytes: bytes)
        scanner.deferredKey = key
        let value = try scanner.document()
        return (value, scanner.deferred)
    }

    /// Parses one element of an array left unparsed by ``parse(_:deferring:)``; nil when it is not a valid value.
    static func parseElement(_ range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> JSONValue? {
        var scanner = JSONScanner(bytes: bytes)
        // As deep as when the whole document is parsed: inside the top-level object and the array.
        scanner.depth = 2
        return scanner.parseElement(range)
    }

    /// Parses a whole document held in a string.
    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        try parse(Array(text.utf8))
    }
}

struct JSONFailure: Error {
    var message: String
    var offset: Int
    var path: [JSONPath.Component] = []
}

struct JSONScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    var depth = 0
    /// The member of the top-level object whose array is only cut into elements, not parsed.
    var deferredKey: String?
    /// That array's elements (without the white space around them), once it was found.
    var deferred: [Range<Int>]?

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    mutating func document() throws(JSONSyntaxError) -> JSONValue {
        do throws(JSONFailure) {
            // A UTF-8 byte order mark is tolerated, as RFC 8259 allows.
            if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
            skipWhitespace()
            let value = try parseValue()
            skipWhitespace()
            if index < bytes.count { throw JSONFailure(message: "unexpected data after the document", offset: index) }
            return value
        } catch {
            let (line, column) = position(of: error.offset)
            throw JSONSyntaxError(message: error.message, line: line, column: column, path: JSONPath(components: error.path.reversed()))
        }
    }

    func position(of offset: Int) -> (Int, Int) {
        var line = 1
        var lineStart = 0
        for i in 0..<min(offset, bytes.count) where bytes[i] == UInt8(ascii: "\n") {
            line += 1
            lineStart = i + 1
        }
        return (line, offset - lineStart + 1)
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    func describeCurrent() -> String {
        guard index < bytes.count else { return "the end of the file" }
        let byte = bytes[index]
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x\(String(byte, radix: 16, uppercase: true))"
    }

    mutating func parseValue() throws(JSONFailure) -> JSONValue {
        guard index < bytes.count else { throw JSONFailure(message: "expected a value, found the end of the file", offset: index) }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw JSONFailure(message: "expected a value, found \(describeCurrent())", offset: index)
        }
    }

    mutating func literal(_ word: StaticString) throws(JSONFailure) {
        let count = word.utf8CodeUnitCount
        let start = index
        guard start + count <= bytes.count else { throw JSONFailure(message: "expected a value", offset: start) }
        for i in 0..<count where bytes[start + i] != word.utf8Start[i] {
            throw JSONFailure(message: "expected a value, found \(describeCurrent())", offset: start)
        }
        index += count
    }

    mutating func enter() throws(JSONFailure) {
        depth += 1
        if depth > JSONParser.maximumDepth {
            throw JSONFailure(message: "nested more than \(JSONParser.maximumDepth) levels deep", offset: index)
        }
    }

    mutating func parseObject() throws(JSONFailure) -> JSONValue {
        try enter()
        index += 1
        var members: [JSONMember] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw JSONFailure(message: "expected a member name in double quotes, found \(describeCurrent())", offset: index)
            }
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw JSONFailure(message: "expected ':' after the member name, found \(describeCurrent())", offset: index, path: [.key(key)])
            }
            index += 1
            skipWhitespace()
            let value: JSONValue
            do throws(JSONFailure) {
                if depth == 1, key == deferredKey, let elements = deferElements() {
                    value = .array([])
                    deferred = elements
                } else {
                    value = try parseValue()
                }
            } catch {
                var failure = error
                failure.path.append(.key(key))
                throw failure
            }
            members.append(JSONMember(key, value))
            skipWhitespace()
            guard index < bytes.count else { throw JSONFailure(message: "expected ',' or '}', found the end of the file", offset: index) }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "}") {
                index += 1
                depth -= 1
                return .object(members)
            }
            throw JSONFailure(message: "expected ',' or '}', found \(describeCurrent())", offset: index)
        }
    }

    mutating func parseArray() throws(JSONFailure) -> JSONValue {
        // A long array near the top (the releases of a data file) is parsed on every core.
        if depth <= 1, let value = parseArrayInParallel() { return value }
        try enter()
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            do throws(JSONFailure) {
                elements.append(try parseValue())
            } catch {
                var failure = error
                failure.path.append(.index(elements.count))
                throw failure
            }
            skipWhitespace()
            guard index < bytes.count else { throw JSONFailure(message: "expected ',' or ']', found the end of the file", offset: index) }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "]") {
                index += 1
                depth -= 1
                return .array(elements)
            }
            throw JSONFailure(message: "expected ',' or ']', found \(describeCurrent())", offset: index)
        }
    }

    /// Cuts the array at `index` into its elements with a quick structural scan, parses slices
    /// of them concurrently, and returns nil (leaving `index` alone) when the array is short or
    /// anything is off: the sequential parser then reports the exact error.
    mutating func parseArrayInParallel() -> JSONValue? {
        let minimumBytes = 1 << 20
        guard bytes.count - index > minimumBytes, let (bounds, end) = elementBounds(ofArrayAt: index),
            end - index > minimumBytes, bounds.count > 65
        else { return nil }
        let elementCount = bounds.count - 1
        let slices = 8
        let buffer = ReadOnlyBytes(bytes: bytes)
        let depth = self.depth + 1
        let results = Mutex([[JSONValue]?](repeating: nil, count: slices))
        DispatchQueue.concurrentPerform(iterations: slices) { slice in
            let range = elementCount * slice / slices..<elementCount * (slice + 1) / slices
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
    private func endOfString(from position: Int) -> Int {
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

    mutating func parseNumber() throws(JSONFailure) -> String {
        let start = index
        var exponent = false
        func isDigit(_ i: Int) -> Bool { i < bytes.count && bytes[i] >= 0x30 && bytes[i] <= 0x39 }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard isDigit(index) else { throw JSONFailure(message: "expected a digit", offset: index) }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if isDigit(index) { throw JSONFailure(message: "numbers must not have leading zeros", offset: start) }
        } else {
            while isDigit(index) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard isDigit(index) else { throw JSONFailure(message: "expected a digit after '.'", offset: index) }
            while isDigit(index) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard isDigit(index) else { throw JSONFailure(message: "expected a digit in the exponent", offset: index) }
            while isDigit(index) { index += 1 }
            exponent = true
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        // `1e999` is valid JSON text, but no double holds it and strict parsers refuse to read it back:
        // refused here, so it is never stored or echoed. Only an exponent or 300+ digits can overflow.
        if exponent || index - start > 300, !(Double(text)?.isFinite ?? false) {
            throw JSONFailure(message: "number \(text.prefix(40)) is out of range (larger than a 64-bit float holds)", offset: start)
        }
        return text
    }

    mutating func parseString() throws(JSONFailure) -> String {
        let start = index + 1
        var i = start
        // Fast path: no escapes.
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\"") {
                index = i + 1
                return try makeString(start..<i)
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw JSONFailure(message: "control character in a string (escape it)", offset: i) }
            i += 1
        }
        guard i < bytes.count else { throw JSONFailure(message: "unterminated string", offset: index) }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(i - start + 64)
        buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
        while i < bytes.count {
            let byte = bytes[i]
            switch byte {
            case UInt8(ascii: "\""):
                index = i + 1
                guard let string = String(validating: buffer, as: UTF8.self) else {
                    throw JSONFailure(message: "string is not valid UTF-8", offset: start)
                }
                return string
            case UInt8(ascii: "\\"):
                i += 1
                guard i < bytes.count else { throw JSONFailure(message: "unterminated string", offset: index) }
                switch bytes[i] {
                case UInt8(ascii: "\""): buffer.append(0x22)
                case UInt8(ascii: "\\"): buffer.append(0x5C)
                case UInt8(ascii: "/"): buffer.append(0x2F)
                case UInt8(ascii: "b"): buffer.append(0x08)
                case UInt8(ascii: "f"): buffer.append(0x0C)
                case UInt8(ascii: "n"): buffer.append(0x0A)
                case UInt8(ascii: "r"): buffer.append(0x0D)
                case UInt8(ascii: "t"): buffer.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4(at: i + 1)
                    i += 4
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard i + 6 < bytes.count, bytes[i + 1] == UInt8(ascii: "\\"), bytes[i + 2] == UInt8(ascii: "u") else {
                            throw JSONFailure(message: "unpaired surrogate in \\u escape", offset: i)
                        }
                        let low = try hex4(at: i + 3)
                        guard (0xDC00...0xDFFF).contains(low) else { throw JSONFailure(message: "unpaired surrogate in \\u escape", offset: i) }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw JSONFailure(message: "unpaired surrogate in \\u escape", offset: i)
                    } else if scalar == 0 {
                        // Valid JSON, but no text field of shiplog can hold it (SQLite and C strings end there).
                        throw JSONFailure(message: "\\u0000 (NUL) is not allowed in a string", offset: i - 5)
                    }
                    buffer.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
                default:
                    throw JSONFailure(message: "invalid escape sequence", offset: i - 1)
                }
                i += 1
            default:
                // Copy the run of plain bytes up to the next quote or escape in one go.
                var end = i
                while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\") {
                    if bytes[end] < 0x20 { throw JSONFailure(message: "control character in a string (escape it)", offset: end) }
                    end += 1
                }
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<end]))
                i = end
            }
        }
        throw JSONFailure(message: "unterminated string", offset: index)
    }

    func hex4(at position: Int) throws(JSONFailure) -> UInt32 {
        guard position + 4 <= bytes.count else { throw JSONFailure(message: "incomplete \\u escape", offset: position) }
        var value: UInt32 = 0
        for i in position..<position + 4 {
            let byte = bytes[i]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - 0x30)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - 0x61 + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - 0x41 + 10)
            default: throw JSONFailure(message: "invalid \\u escape", offset: i)
            }
            value = value << 4 | digit
        }
        return value
    }

    func makeString(_ range: Range<Int>) throws(JSONFailure) -> String {
        let slice = UnsafeBufferPointer(rebasing: bytes[range])
        // ASCII needs no validation; anything else goes through the standard library's validator.
        if slice.allSatisfy({ $0 < 0x80 }) { return String(decoding: slice, as: UTF8.self) }
        guard let string = String(validating: slice, as: UTF8.self) else {
            throw JSONFailure(message: "string is not valid UTF-8", offset: range.lowerBound)
        }
        return string
    }
}

/// The document's bytes, shared by the threads that parse slices of one array.
///
/// `@unchecked Sendable`: the bytes are only read, and the buffer outlives the synchronous
/// `concurrentPerform` call that uses it.
struct ReadOnlyBytes: @unchecked Sendable {
    let bytes: UnsafeBufferPointer<UInt8>
}
