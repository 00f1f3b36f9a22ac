import Foundation
import ShiplogMail
import Testing

/// A release mail like the ones the outbox sends, with a fixed date and message ID.
func releaseMessage(
    to recipient: String = "ada@example.org",
    subject: String = "Example 2.0 is out",
    text: String = "Hello,\nversion 2.0 is out.\n",
    html: String? = "<p>Hello,<br>version <b>2.0</b> is out.</p>\n",
    headers: [MailHeader] = [
        MailHeader("List-Unsubscribe", "<https://example.com/u/abc>"),
        MailHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
    ]
) throws -> MailMessage {
    MailMessage(
        from: try MailAddress("releases@example.com", name: "Example Releases"),
        to: [try MailAddress(recipient)],
        subject: subject,
        text: text,
        html: html,
        date: Date(timeIntervalSince1970: 1_795_000_000),
        messageID: "release-2.0.\(recipient)",
        headers: headers
    )
}

/// The first headers of `releaseMessage()` rendered, with the default subject and recipient: the
/// same in every rendering, whatever its parts.
let releaseMessageHead = """
    From: "Example Releases" <releases@example.com>
    To: ada@example.org
    Subject: Example 2.0 is out
    Date: Wed, 18 Nov 2026 11:06:40 +0000
    Message-ID: <release-2.0.ada@example.org>
    MIME-Version: 1.0
    """

/// Text with LF line endings as the CRLF bytes a message holds.
func crlf(_ text: String) -> [UInt8] {
    Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
}

/// Expects the rendered bytes of a message, shown as text when they differ.
func expectRendered(_ message: MailMessage, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let bytes = try MIMERenderer.render(message, boundary: "BOUNDARY")
    #expect(String(decoding: bytes, as: UTF8.self) == String(decoding: crlf(expected), as: UTF8.self), sourceLocation: sourceLocation)
}

/// Expects an operation to throw an ``SMTPError`` with the code, and returns it.
@discardableResult
func expectSMTPError<T>(
    _ code: SMTPError.Code,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ operation: () async throws -> T
) async -> SMTPError? {
    do {
        _ = try await operation()
        Issue.record("expected an SMTPError \(code), but nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as SMTPError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected an SMTPError \(code), got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// The decoded value of an RFC 2047 B-encoded header (the words joined as they were split).
func decodeEncodedWords(_ value: String) -> String? {
    var bytes: [UInt8] = []
    for word in value.split(whereSeparator: { $0 == " " || $0 == "\r" || $0 == "\n" }) {
        guard word.hasPrefix("=?UTF-8?B?"), word.hasSuffix("?="), let data = Data(base64Encoded: String(word.dropFirst(10).dropLast(2))) else {
            return nil
        }
        bytes += data
    }
    return String(validating: bytes, as: UTF8.self)
}

/// The value of a header in a message's text, unfolded; nil when absent.
func headerValue(_ name: String, in text: String) -> String? {
    let head = text.components(separatedBy: "\r\n\r\n").first ?? ""
    let unfolded = head.replacingOccurrences(of: "\r\n ", with: " ")
    for line in unfolded.components(separatedBy: "\r\n") where line.lowercased().hasPrefix(name.lowercased() + ": ") {
        return String(line.dropFirst(name.count + 2))
    }
    return nil
}
