public import Foundation
import ShiplogMacroSupport

/// An e-mail to send: addresses, subject, a plain-text body and an optional HTML alternative.
///
/// Nothing is checked until the message is rendered (``MIMERenderer/render(_:boundary:)``, which
/// ``SMTPConnection/send(_:)`` calls before it sends anything): then any CR, LF or other control
/// character in the subject or a header throws, so no value can add a header of its own.
///
/// ```swift
/// let message = MailMessage(
///     from: try MailAddress("releases@example.com", name: "Example"),
///     to: [try MailAddress("ada@example.org")],
///     subject: "Example 2.0 is out",
///     text: "Read the notes at https://example.com/releases/2.0",
///     html: "<p>Read <a href=\"https://example.com/releases/2.0\">the notes</a></p>",
///     headers: [MailHeader("List-Unsubscribe", "<https://example.com/u/abc>")]
/// )
/// ```
@MemberwiseInit
public struct MailMessage: Sendable, Hashable {
    /// How the body parts are encoded for transfer; both keep every line within 76 characters.
    public enum TransferEncoding: Sendable, Hashable {
        /// Readable for mostly-ASCII text; the default.
        case quotedPrintable
        /// Compact for text in non-Latin scripts.
        case base64
    }

    /// The author (`From:`) and the envelope sender (`MAIL FROM`).
    public var from: MailAddress
    /// The recipients (`To:`), each also an envelope recipient (`RCPT TO`); at least one.
    public var to: [MailAddress]
    /// The subject, in any script: non-ASCII text is sent as RFC 2047 encoded words.
    public var subject: String
    /// The plain-text body; any line endings become CRLF.
    public var text: String
    /// The HTML body; when set the message is `multipart/alternative` with the text part first.
    public var html: String?
    /// The `Date:` header.
    public var date: Date = Date()
    /// The `Message-ID:` without angle brackets, such as `1234.5678@example.com`; one is made from
    /// a UUID and the sender's domain when nil.
    public var messageID: String?
    /// Further headers in order, such as `List-Unsubscribe`; they may not repeat the headers the
    /// renderer writes (From, To, Subject, Date, Message-ID, MIME-Version, Content-*), nor be `Bcc`.
    public var headers: [MailHeader] = []
    /// How the body parts are encoded.
    public var transferEncoding: TransferEncoding = .quotedPrintable
}

/// One header line of a message: a field name and an unstructured value.
@MemberwiseInit(unlabeled: 2)
public struct MailHeader: Sendable, Hashable {
    /// The field name, such as `List-Unsubscribe`: printable ASCII without a colon.
    public var name: String
    /// The value, without line breaks; non-ASCII text is sent as RFC 2047 encoded words.
    public var value: String
}
