import Logging
import ShiplogMail

/// Mail over SMTP with ``SMTPSender``: one connection reused for many messages.
final class SMTPTransport: MailTransport {
    let sender: SMTPSender
    let from: MailAddress

    init(configuration: MailConfiguration, logger: Logger) throws {
        sender = SMTPSender(configuration: configuration.smtp, logger: logger)
        do {
            from = try MailAddress(mailbox: configuration.from)
        } catch {
            throw ConfigurationError(description: "--mail-from: \(error)")
        }
    }

    struct ConfigurationError: Error, CustomStringConvertible {
        var description: String
    }

    func deliver(_ mail: OutgoingMail, beforeContent: @escaping @Sendable () async -> Bool) async throws(DeliveryError) {
        let message: MailMessage
        do {
            message = MailMessage(
                from: from,
                to: [try MailAddress(mail.to)],
                subject: mail.subject,
                text: mail.text,
                html: mail.html,
                messageID: mail.messageID,
                headers: mail.headers.map { MailHeader($0.0, $0.1) }
            )
        } catch {
            throw DeliveryError.permanent("\(error)")
        }
        do {
            try await sender.send(message, beforeContent: beforeContent)
        } catch {
            if error.code == .cancelled { throw DeliveryError.cancelled }
            throw error.isPermanent ? DeliveryError.permanent(error.description) : DeliveryError.transient(error.description)
        }
    }

    func close() async { await sender.close() }
}
