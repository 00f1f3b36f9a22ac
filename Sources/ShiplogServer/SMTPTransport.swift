import Logging
import ShiplogMail

/// Mail over SMTP with ``SMTPSender``: one connection reused for many messages.
final class SMTPTransport: MailTransport {
    let sender: SMTPSender

    init(configuration: MailConfiguration, logger: Logger) {
        sender = SMTPSender(configuration: configuration.smtp, logger: logger)
    }

    func deliver(_ message: MailMessage, beforeContent: @escaping @Sendable () async -> Bool) async throws(DeliveryError) {
        do {
            try await sender.send(message, beforeContent: beforeContent)
        } catch {
            if error.code == .cancelled { throw DeliveryError.cancelled }
            throw error.isPermanent ? DeliveryError.permanent(error.description) : DeliveryError.transient(error.description)
        }
    }

    func close() async { await sender.close() }
}
