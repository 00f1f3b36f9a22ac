import Foundation
import ShiplogModel

/// The byte-level encodings of a message: quoted-printable, base64, encoded words, folding, dates.
enum MIMEEncoding {
    static let crlf: [UInt8] = [0x0D, 0x0A]

    /// Splits text into lines at CRLF, LF or a lone CR.
    static func lines(_ text: String) -> [ArraySlice<UInt8>] {
        let bytes = Array(text.utf8)
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A || byte == 0x0D {
                lines.append(bytes[start..<index])
                if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A { index += 1 }
                start = index + 1
            }
            index += 1
        }
        lines.append(bytes[start...])
        return lines
    }

    /// Quoted-printable (RFC 2045 §6.7) with CRLF hard breaks and soft breaks within 76 characters.
    static func quotedPrintable(_ text: String, into output: inout [UInt8]) {
        for (number, line) in lines(text).enumerated() {
            if number > 0 { output += crlf }
            var length = 0
            for index in line.indices {
                let byte = line[index]
                let isLast = index == line.index(before: line.endIndex)
                let literal =
                    (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "=")) || (!isLast && (byte == 0x20 || byte == 0x09))
                let width = literal ? 1 : 3
                if length + width > (isLast ? 76 : 75) {
                    output += [UInt8(ascii: "=")] + crlf
                    length = 0
                }
                if literal {
                    output.append(byte)
                } else {
                    output += [UInt8(ascii: "="), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
                }
                length += width
            }
        }
    }

    /// Base64 of the text with CRLF line endings, in lines of 76 characters.
    static func base64Lines(_ text: String, into output: inout [UInt8]) {
        var normalized: [UInt8] = []
        for (number, line) in lines(text).enumerated() {
            if number > 0 { normalized += crlf }
            normalized += line
        }
        let encoded = base64(normalized)
        var start = 0
        while start < encoded.count {
            if start > 0 { output += crlf }
            let end = min(start + 76, encoded.count)
            output += encoded[start..<end]
            start = end
        }
    }

    /// Standard base64 with padding.
    static func base64(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let bytes = Array(bytes)
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let first = bytes[index]
            let second = index + 1 < bytes.count ? bytes[index + 1] : 0
            let third = index + 2 < bytes.count ? bytes[index + 2] : 0
            output.append(base64Alphabet[Int(first >> 2)])
            output.append(base64Alphabet[Int((first & 0x03) << 4 | second >> 4)])
            output.append(index + 1 < bytes.count ? base64Alphabet[Int((second & 0x0F) << 2 | third >> 6)] : UInt8(ascii: "="))
            output.append(index + 2 < bytes.count ? base64Alphabet[Int(third & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return output
    }

    /// RFC 2047 B-encoded words of at most 39 UTF-8 bytes each (64 characters), whole scalars each.
    static func encodedWords(_ text: String) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        func flush() {
            words.append("=?UTF-8?B?" + String(decoding: base64(chunk), as: UTF8.self) + "?=")
            chunk = []
        }
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > 39 { flush() }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { flush() }
        return words
    }

    /// A display name that is not plain text as an RFC 5322 phrase: its words of atom characters
    /// as they are, each run of other words as encoded words. Runs stay whole where they fit in
    /// one encoded word, since some decoders keep the space between two encoded words of a phrase.
    static func phrase(_ text: String) -> String {
        var output: [String] = []
        var run: [Substring] = []
        func flush() {
            if !run.isEmpty { output += encodedWords(run.joined(separator: " ")) }
            run = []
        }
        for word in text.split(separator: " ") {
            if word.utf8.allSatisfy(isAtext), !word.contains("=?") {
                flush()
                output.append(String(word))
            } else {
                run.append(word)
            }
        }
        flush()
        return output.joined(separator: " ")
    }

    /// RFC 5322 `atext`: letters, digits and ``!#$%&'*+-/=?^_`{|}~``.
    private static func isAtext(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || atextSymbols.contains(byte)
    }

    private static let atextSymbols = Set("!#$%&'*+-/=?^_`{|}~".utf8)

    /// Whether text can go into a header as it is: printable ASCII and spaces, no `=?`.
    static func isPlainHeaderText(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F } && !text.contains("=?")
    }

    /// Folds a header line before spaces so that lines stay within 78 characters where a space allows.
    static func fold(_ line: String) -> [String] {
        var rest = Substring(line)
        var lines: [String] = []
        let minimum = (rest.firstIndex(of: ":").map { rest.distance(from: rest.startIndex, to: $0) } ?? 0) + 2
        while rest.utf8.count > 78 {
            let spaces = rest.indices.filter { rest[$0] == " " && rest.distance(from: rest.startIndex, to: $0) >= minimum }
            guard
                let cut = spaces.last(where: { rest.distance(from: rest.startIndex, to: $0) <= 78 })
                    ?? spaces.first
            else { break }
            lines.append(String(rest[..<cut]))
            rest = rest[cut...]
        }
        lines.append(String(rest))
        return lines
    }

    /// The date as RFC 5322 wants it, in UTC: `Mon, 23 Nov 2026 13:56:35 +0000`.
    static func date(_ date: Date) -> String {
        Timestamp(seconds: Int64(date.timeIntervalSince1970.rounded(.down))).rfc5322
    }
    private static let hexDigits = Array("0123456789ABCDEF".utf8)
    private static let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
}
