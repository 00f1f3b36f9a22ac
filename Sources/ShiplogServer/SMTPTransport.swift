import Logging

/// Mail over SMTP (placeholder until the SMTP client lands).
final class SMTPTransport: MailTransport {
    init(configuration: MailConfiguration, logger: Logger) throws {}

    func deliver(_ mail: OutgoingMail) async throws(DeliveryError) {
        throw DeliveryError.transient("no SMTP client yet")
    }

    func close() async {}
}
