import ShiplogMacroSupport

/// A reply from an SMTP server: a three-digit code and one or more lines of text.
///
/// Multi-line replies (`250-first`, `250-second`, `250 last`) are joined into one reply whose
/// ``lines`` hold the text after each code.
@MemberwiseInit
public struct SMTPReply: Sendable, Hashable, CustomStringConvertible {
    /// The reply code, such as 250 or 550.
    public var code: Int
    /// The text of each line, without the code and separator.
    public var lines: [String]

    /// Whether the code is 2xx.
    public var isSuccess: Bool { (200..<300).contains(code) }
    /// Whether the code is 4xx: the server may accept the same command later.
    public var isTransientFailure: Bool { (400..<500).contains(code) }
    /// Whether the code is 5xx: the server will refuse the same command again.
    public var isPermanentFailure: Bool { (500..<600).contains(code) }

    public var description: String {
        let text = lines.joined(separator: " / ")
        return text.isEmpty ? "\(code)" : "\(code) \(text)"
    }
}

/// Splits bytes from the server into replies; bytes may arrive in any pieces.
struct SMTPReplyParser {
    /// The longest line accepted; RFC 5321 allows 512 octets for reply lines.
    static let maximumLineLength = 4096
    /// The most lines in one reply (EHLO answers have a dozen).
    static let maximumLines = 256

    private var pending: [UInt8] = []
    private var lines: [String] = []
    private var code: Int?

    /// Whether bytes of an unfinished reply are waiting.
    var isEmpty: Bool { pending.isEmpty && lines.isEmpty }

    /// Appends bytes and returns the replies they complete.
    mutating func parse(_ bytes: some Sequence<UInt8>) throws(SMTPError) -> [SMTPReply] {
        pending.append(contentsOf: bytes)
        var replies: [SMTPReply] = []
        var start = 0
        while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
            var end = newline
            if end > start, pending[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            if let reply = try line(pending[start..<end]) { replies.append(reply) }
            start = newline + 1
        }
        pending.removeFirst(start)
        if pending.count > Self.maximumLineLength {
            throw SMTPError(.protocolViolation, "the server sent a reply line longer than \(Self.maximumLineLength) bytes")
        }
        return replies
    }

    private mutating func line(_ bytes: ArraySlice<UInt8>) throws(SMTPError) -> SMTPReply? {
        let digits = bytes.prefix(3)
        guard digits.count == 3, digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            let value = Int(String(decoding: digits, as: UTF8.self)), (200..<600).contains(value)
        else {
            throw SMTPError(.protocolViolation, "the server sent a line that is not an SMTP reply: \(Self.printable(bytes))")
        }
        if let code, code != value {
            throw SMTPError(.protocolViolation, "the server changed the code within a multi-line reply (\(code), then \(value))")
        }
        let separator = bytes.dropFirst(3).first
        guard separator == nil || separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-") else {
            throw SMTPError(.protocolViolation, "the server sent a malformed reply line: \(Self.printable(bytes))")
        }
        lines.append(String(decoding: bytes.dropFirst(4), as: UTF8.self))
        if separator == UInt8(ascii: "-") {
            code = value
            if lines.count > Self.maximumLines {
                throw SMTPError(.protocolViolation, "the server sent a reply of more than \(Self.maximumLines) lines")
            }
            return nil
        }
        defer {
            lines = []
            code = nil
        }
        return SMTPReply(code: value, lines: lines)
    }

    private static func printable(_ bytes: ArraySlice<UInt8>) -> String {
        let text = String(decoding: bytes.prefix(80), as: UTF8.self)
        return "\"" + String(text.unicodeScalars.map { $0.value < 32 || $0.value == 127 ? "?" : Character($0) }) + "\""
    }
}
