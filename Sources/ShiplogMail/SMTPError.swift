import ShiplogMacroSupport

/// Why a mail could not be sent, and whether trying again later can help.
///
/// Every error thrown by this module is an `SMTPError`. An outbox decides from ``isPermanent``:
/// a permanent failure will fail the same way next time (a recipient the server rejected with a
/// 5xx reply, a message with a CR in a header), anything else is worth retrying with backoff
/// (4xx replies, refused connections, timeouts, TLS and authentication problems that an operator
/// can fix without changing the message).
///
/// ```swift
/// do {
///     try await sender.send(message)
/// } catch let error as SMTPError where error.isPermanent {
///     // give up on this message
/// }
/// ```
@MemberwiseInit(unlabeled: 2)
public struct SMTPError: Error, Sendable, CustomStringConvertible {
    /// A broad classification of the failure; new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidConfiguration
            case invalidMessage
            case connectionFailed
            case connectionClosed
            case timeout
            case tlsFailed
            case protocolViolation
            case serviceUnavailable
            case authenticationFailed
            case senderRejected
            case recipientRejected
            case messageRejected
            case cancelled
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// An SMTP URL or configuration value is malformed.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// The message cannot be rendered safely: a CR or LF in a header, a bad address.
        public static let invalidMessage = Code(.invalidMessage)
        /// No connection could be made to the server (refused, unreachable, unknown host).
        public static let connectionFailed = Code(.connectionFailed)
        /// The server or the network closed an established connection.
        public static let connectionClosed = Code(.connectionClosed)
        /// The server did not answer (or the connection was not made) within the configured time.
        public static let timeout = Code(.timeout)
        /// TLS could not be negotiated, or the server's certificate was not trusted.
        public static let tlsFailed = Code(.tlsFailed)
        /// The server answered something that is not SMTP, or not what the protocol allows.
        public static let protocolViolation = Code(.protocolViolation)
        /// The server refused the session: a bad greeting, EHLO refused, a required extension missing.
        public static let serviceUnavailable = Code(.serviceUnavailable)
        /// The server rejected the credentials, or offers no mechanism this client knows.
        public static let authenticationFailed = Code(.authenticationFailed)
        /// The server rejected the envelope sender (`MAIL FROM`).
        public static let senderRejected = Code(.senderRejected)
        /// The server rejected a recipient (`RCPT TO`).
        public static let recipientRejected = Code(.recipientRejected)
        /// The server rejected the message content (`DATA`), or it is larger than the server allows.
        public static let messageRejected = Code(.messageRejected)
        /// The caller gave the message up after `DATA` was accepted and before its content was sent
        /// (see ``SMTPSender/send(_:beforeContent:)``); the server never got it.
        public static let cancelled = Code(.cancelled)

        public var description: String { base.rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// A sentence saying what went wrong and, where it helps, how to fix it.
    public var message: String
    /// The server's reply that caused the failure, when there was one.
    public var reply: SMTPReply?
    /// The underlying error (a NIO or TLS error), when there was one.
    public var cause: (any Error)?
    /// Whether sending the same message again cannot succeed.
    ///
    /// True for a 5xx reply to `MAIL FROM`, `RCPT TO` or the message data, and for
    /// ``Code-swift.struct/invalidMessage``. False for everything about the connection or the
    /// session, even with a 5xx code (an authentication failure is fixed by configuration,
    /// not by dropping mail).
    public var isPermanent: Bool = false
    /// Whether a later attempt may succeed; the opposite of ``isPermanent``.
    public var isTransient: Bool { !isPermanent }

    /// Whether the server may have accepted the message after all: true only when the connection
    /// broke or timed out after the whole message was sent, before the server's reply to it came.
    /// A retry may then deliver it twice; SMTP offers no way to know.
    public internal(set) var mayHaveBeenDelivered = false

    /// An error for an unexpected reply: permanent for a 5xx code when `permanentIf5xx`.
    /// 552 to RCPT TO is transient (RFC 5321 §4.5.3.1.10). Replies about authentication (530 required, 534 too weak, 538 encryption required) are
    /// ``Code-swift.struct/authenticationFailed`` and never permanent, whatever command got them.
    static func reply(_ code: Code, _ what: String, _ reply: SMTPReply, permanentIf5xx: Bool) -> SMTPError {
        if [530, 534, 538].contains(reply.code) {
            return SMTPError(.authenticationFailed, "\(what): the server wants authentication first: \(reply)", reply: reply)
        }
        if code == .recipientRejected, reply.code == 552 {
            // RFC 5321 §4.5.3.1.10: 552 to RCPT (a full mailbox) is to be treated as temporary.
            return SMTPError(code, "\(what): the server answered \(reply)", reply: reply)
        }
        return SMTPError(code, "\(what): the server answered \(reply)", reply: reply, isPermanent: permanentIf5xx && reply.isPermanentFailure)
    }

    public var description: String {
        var text = "\(code): \(message)"
        if let cause { text += " (\(cause))" }
        return text
    }
}
