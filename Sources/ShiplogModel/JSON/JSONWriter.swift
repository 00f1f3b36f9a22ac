/// Writes ``JSONValue``s as JSON text: members in their given order, so output is reproducible.
public enum JSONWriter {
    /// The value as JSON text; `pretty` indents by two spaces and ends with a newline.
    public static func write(_ value: JSONValue, pretty: Bool = true) -> String {
        var output = ""
        output.reserveCapacity(256)
        append(value, to: &output, indent: pretty ? 0 : nil)
        if pretty { output += "\n" }
        return output
    }

    /// A string as a JSON string literal, with quotes.
    public static func quoted(_ string: String) -> String {
        var output = ""
        appendString(string, to: &output)
        return output
    }

    private static func append(_ value: JSONValue, to output: inout String, indent: Int?) {
        switch value {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .number(let text): output += text
        case .string(let string): appendString(string, to: &output)
        case .array(let elements):
            appendItems(elements, between: "[", and: "]", to: &output, indent: indent) { element, output, inner in
                append(element, to: &output, indent: inner)
            }
        case .object(let members):
            appendItems(members, between: "{", and: "}", to: &output, indent: indent) { member, output, inner in
                appendString(member.key, to: &output)
                output += indent == nil ? ":" : ": "
                append(member.value, to: &output, indent: inner)
            }
        }
    }

    /// The elements of an array or the members of an object between its brackets, separated by
    /// commas and, when pretty, one a line at the next `indent`; `item` writes one.
    private static func appendItems<Item>(
        _ items: [Item],
        between open: String,
        and close: String,
        to output: inout String,
        indent: Int?,
        _ item: (Item, inout String, Int?) -> Void
    ) {
        guard !items.isEmpty else {
            output += open + close
            return
        }
        output += open
        for (offset, element) in items.enumerated() {
            if offset > 0 { output += "," }
            newline(&output, indent.map { $0 + 1 })
            item(element, &output, indent.map { $0 + 1 })
        }
        newline(&output, indent)
        output += close
    }

    private static func newline(_ output: inout String, _ indent: Int?) {
        guard let indent else { return }
        output += "\n"
        output += String(repeating: "  ", count: indent)
    }

    private static func appendString(_ string: String, to output: inout String) {
        output += "\""
        let utf8 = string.utf8
        guard utf8.withContiguousStorageIfAvailable(needsEscaping) ?? Array(utf8).withUnsafeBufferPointer(needsEscaping) else {
            output += string
            output += "\""
            return
        }
        var start = string.startIndex
        var index = start
        while index != string.endIndex {
            let scalar = string.unicodeScalars[index]
            let escape: String? =
                switch scalar {
                case "\"": "\\\""
                case "\\": "\\\\"
                case "\n": "\\n"
                case "\r": "\\r"
                case "\t": "\\t"
                default: isEscapedAsCode(scalar) ? "\\u" + hex4(scalar.value) : nil
                }
            let next = string.unicodeScalars.index(after: index)
            if let escape {
                output += string[start..<index]
                output += escape
                start = next
            }
            index = next
        }
        output += string[start..<string.endIndex]
        output += "\""
    }

    /// Whether UTF-8 `bytes` hold a character to escape: a byte below 0x20, `"`, `\`, DEL, a C1
    /// control (C2 80–C2 9F; other characters that start with C2, such as a no-break space, need
    /// nothing), or a character starting with E2, as the line separators and bidi controls do.
    private static func needsEscaping(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var previous: UInt8 = 0
        for byte in bytes {
            if byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x7F || byte == 0xE2 || (previous == 0xC2 && byte <= 0x9F) { return true }
            previous = byte
        }
        return false
    }

    /// Written as `\uXXXX`: C0 and C1 controls and DEL, which a terminal may act on; the line
    /// separators, which end a line in JavaScript; the bidi controls (U+202A–U+202E,
    /// U+2066–U+2069), which reorder what a reader sees. The value read back is the same.
    private static func isEscapedAsCode(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F...0x9F, 0x2028...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    private static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}

extension JSONValue {
    /// A string value, or null when `string` is nil.
    public static func optional(_ string: String?) -> JSONValue {
        string.map(JSONValue.string) ?? .null
    }

    /// An integer value.
    public static func int(_ value: Int) -> JSONValue {
        .number(String(value))
    }
}
