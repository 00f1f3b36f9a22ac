import Foundation

/// Turns a ``MailMessage`` into the bytes of an Internet message (RFC 5322 with MIME).
///
/// The output is 7-bit ASCII with CRLF line endings and no line longer than 998 characters:
/// the subject and non-ASCII header values become RFC 2047 encoded words, the parts are UTF-8 in
/// quoted-printable or base64. Dot-stuffing is not applied here; ``SMTPConnection`` does it while
/// sending.
///
/// ```swift
/// let bytes = try MIMERenderer.render(message)
/// ```
public enum MIMERenderer {
    /// Headers the renderer writes itself, which ``MailMessage/headers`` may not hold.
    static let reservedHeaders: Set<String> = [
        "from", "to", "subject", "date", "message-id", "mime-version", "content-type", "content-transfer-encoding", "bcc",
    ]

    /// Renders a message with a random MIME boundary.
    ///
    /// - Throws: ``SMTPError`` with code ``SMTPError/Code-swift.struct/invalidMessage`` for a
    ///   header value with a line break or control character, a bad header name, a reserved
    ///   header, a bad message ID, no recipient, or a header line that cannot fit in 998 characters.
    public static func render(_ message: MailMessage) throws(SMTPError) -> [UInt8] {
        let random = (0..<3).map { _ in String(UInt64.random(in: 0...UInt64.max), radix: 36) }.joined()
        return try render(message, boundary: "=_shiplog_" + random)
    }

    /// Renders a message with the given MIME boundary (for tests that compare exact output).
    public static func render(_ message: MailMessage, boundary: String) throws(SMTPError) -> [UInt8] {
        guard !message.to.isEmpty else { throw invalid("the message has no recipient") }
        var output: [UInt8] = []
        output.reserveCapacity(1024 + message.text.utf8.count * 2 + (message.html?.utf8.count ?? 0) * 2)
        try header("From", mailbox(message.from), into: &output)
        try header("To", try message.to.map(mailbox).joined(separator: ", "), into: &output)
        try header("Subject", try subject(message.subject), into: &output)
        try header("Date", MIMEEncoding.date(message.date), into: &output)
        try header("Message-ID", "<\(try messageID(message))>", into: &output)
        try header("MIME-Version", "1.0", into: &output)
        for extra in message.headers {
            try checkName(extra.name)
            try header(extra.name, try unstructured(extra.value, field: extra.name), into: &output)
        }
        if let html = message.html {
            try header("Content-Type", "multipart/alternative; boundary=\"\(boundary)\"", into: &output)
            output += MIMEEncoding.crlf
            for (subtype, body) in [("plain", message.text), ("html", html)] {
                output += Array("--\(boundary)\r\n".utf8)
                part(subtype, body, message.transferEncoding, into: &output)
                output += MIMEEncoding.crlf
            }
            output += Array("--\(boundary)--\r\n".utf8)
        } else {
            part("plain", message.text, message.transferEncoding, into: &output)
            output += MIMEEncoding.crlf
        }
        return output
    }

    private static func part(_ subtype: String, _ body: String, _ encoding: MailMessage.TransferEncoding, into output: inout [UInt8]) {
        let name = encoding == .base64 ? "base64" : "quoted-printable"
        output += Array("Content-Type: text/\(subtype); charset=utf-8\r\nContent-Transfer-Encoding: \(name)\r\n\r\n".utf8)
        switch encoding {
        case .quotedPrintable: MIMEEncoding.quotedPrintable(body, into: &output)
        case .base64: MIMEEncoding.base64Lines(body, into: &output)
        }
    }

    private static func header(_ name: String, _ value: String, into output: inout [UInt8]) throws(SMTPError) {
        for line in MIMEEncoding.fold("\(name): \(value)") {
            guard line.utf8.count <= 998 else {
                throw invalid("the \(name) header cannot be folded into lines of 998 characters")
            }
            output += Array(line.utf8)
            output += MIMEEncoding.crlf
        }
    }

    private static func checkName(_ name: String) throws(SMTPError) {
        guard !name.isEmpty, name.utf8.count <= 76, name.utf8.allSatisfy({ $0 >= 33 && $0 <= 126 && $0 != UInt8(ascii: ":") }) else {
            throw invalid("the header name \(MailAddress.quoted(name)) is not printable ASCII without a colon")
        }
        guard !reservedHeaders.contains(name.lowercased()) else {
            throw invalid("the header \(name) is written by the renderer; set it through the message's properties")
        }
    }

    /// A header value as it is when plain, else as encoded words; control characters throw.
    private static func unstructured(_ value: String, field: String) throws(SMTPError) -> String {
        try checkNoControl(value, field)
        return MIMEEncoding.isPlainHeaderText(value) ? value : MIMEEncoding.encodedWords(value).joined(separator: " ")
    }

    /// The subject as ``unstructured(_:field:)`` writes it, but as encoded words also when a word
    /// of plain text is too long for a line of 998 characters, which folding cannot split.
    private static func subject(_ value: String) throws(SMTPError) -> String {
        let longest = value.split(separator: " ").map(\.utf8.count).max() ?? 0
        guard longest > 998 - "Subject: ".count else { return try unstructured(value, field: "Subject") }
        try checkNoControl(value, "Subject")
        return MIMEEncoding.encodedWords(value).joined(separator: " ")
    }

    private static func mailbox(_ address: MailAddress) throws(SMTPError) -> String {
        if let problem = MailAddress.validate(address.address) {
            throw invalid("invalid address \(MailAddress.quoted(address.address)): \(problem)")
        }
        guard let name = address.name else { return address.address }
        try checkNoControl(name, "display name")
        if MIMEEncoding.isPlainHeaderText(name) {
            let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(escaped)\" <\(address.address)>"
        }
        return MIMEEncoding.phrase(name) + " <\(address.address)>"
    }

    private static func messageID(_ message: MailMessage) throws(SMTPError) -> String {
        guard let id = message.messageID else {
            let domain = message.from.address.split(separator: "@").last.map(String.init) ?? "localhost"
            return "\(UUID().uuidString.lowercased())@\(domain)"
        }
        let valid = id.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") }
        guard valid, id.utf8.count <= 250, let at = id.firstIndex(of: "@"), at != id.startIndex, id.index(after: at) != id.endIndex else {
            throw invalid("the message ID \(MailAddress.quoted(id)) is not of the form left@right in printable ASCII")
        }
        return id
    }

    private static func checkNoControl(_ value: String, _ field: String) throws(SMTPError) {
        if let scalar = value.unicodeScalars.first(where: MailAddress.isControl) {
            let what = scalar == "\r" || scalar == "\n" ? "a line break" : "a control character"
            throw invalid("the \(field) contains \(what) (U+\(String(scalar.value, radix: 16, uppercase: true)))")
        }
    }

    private static func invalid(_ message: String) -> SMTPError {
        SMTPError(.invalidMessage, message, isPermanent: true)
    }
}
