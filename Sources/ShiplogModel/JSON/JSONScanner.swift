import Dispatch
import Synchronization

/// The parser's state over one document's bytes: a recursive descent that records, on failure,
/// the byte offset and the path of the value it was in (``JSONFailure``), so that a data problem
/// is reported as `FILE: releases[3].version: …` (SPEC §1). Written by hand rather than with
/// Foundation's `JSONSerialization` for those paths first; it also parses the `releases` array on
/// every core (``parseArrayInParallel()``). No separate figure of its speed is recorded: it counts
/// in `bench/build-vs-hugo`'s full build.
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
            // UTF-16 (as some Windows editors save): say so, rather than "found byte 0xFF".
            if bytes.count >= 2, bytes[0] == 0xFF && bytes[1] == 0xFE || bytes[0] == 0xFE && bytes[1] == 0xFF {
                throw JSONFailure(message: "the file is UTF-16 (it starts with a UTF-16 byte order mark); JSON must be UTF-8", offset: 0)
            }
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

    /// Steps over the opening bracket of an object or array, one level deeper (refused past the
    /// maximum depth); true when it ends at once with `close` (then consumed, one level up again).
    @inline(__always)
    mutating func enter(closedBy close: UInt8) throws(JSONFailure) -> Bool {
        depth += 1
        if depth > JSONParser.maximumDepth {
            throw JSONFailure(message: "nested more than \(JSONParser.maximumDepth) levels deep", offset: index)
        }
        index += 1
        skipWhitespace()
        guard index < bytes.count, bytes[index] == close else { return false }
        index += 1
        depth -= 1
        return true
    }

    mutating func parseObject() throws(JSONFailure) -> JSONValue {
        var members: [JSONMember] = []
        if try enter(closedBy: UInt8(ascii: "}")) { return .object(members) }
        repeat {
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
        } while try another(UInt8(ascii: "}"))
        return .object(members)
    }

    mutating func parseArray() throws(JSONFailure) -> JSONValue {
        // A long array near the top (the releases of a data file) is parsed on every core.
        if depth <= 1, let value = parseArrayInParallel() { return value }
        var elements: [JSONValue] = []
        if try enter(closedBy: UInt8(ascii: "]")) { return .array(elements) }
        repeat {
            skipWhitespace()
            do throws(JSONFailure) {
                elements.append(try parseValue())
            } catch {
                var failure = error
                failure.path.append(.index(elements.count))
                throw failure
            }
        } while try another(UInt8(ascii: "]"))
        return .array(elements)
    }

    /// After a member or an element: true at `,` (another follows), false at `close` (the object or
    /// array ends, one level up); anything else fails.
    @inline(__always)
    private mutating func another(_ close: UInt8) throws(JSONFailure) -> Bool {
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: ",") {
            index += 1
            return true
        }
        if index < bytes.count, bytes[index] == close {
            index += 1
            depth -= 1
            return false
        }
        throw JSONFailure(message: "expected ',' or '\(Character(Unicode.Scalar(close)))', found \(describeCurrent())", offset: index)
    }
}
