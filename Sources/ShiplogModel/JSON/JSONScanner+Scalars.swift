import Dispatch
import Synchronization

/// Numbers and strings.
extension JSONScanner {
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
