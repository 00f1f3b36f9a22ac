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
