import ShiplogMail
import Testing

/// No value can end a header line early: CR, LF and other control characters throw before rendering.
@Suite struct HeaderInjectionTests {
    @Test(arguments: ["Hi\r\nBcc: eve@example.net", "Hi\nBcc: eve@example.net", "Hi\rBcc: eve@example.net", "Hi\0there", "Hi\u{2028}there"])
    func controlCharactersInTheSubjectThrow(subject: String) async throws {
        let message = try releaseMessage(subject: subject)
        let error = await expectSMTPError(.invalidMessage) { try MIMERenderer.render(message) }
        #expect(error?.isPermanent == true)
    }

    @Test(arguments: [
        MailHeader("X-Note", "ok\r\nBcc: eve@example.net"),
        MailHeader("X-Note", "ok\nBcc: eve@example.net"),
        MailHeader("X-Note\r\nBcc", "eve@example.net"),
        MailHeader("X Note", "spaces in the name"),
        MailHeader("X:Note", "a colon in the name"),
        MailHeader("", "empty name"),
        MailHeader("Bcc", "eve@example.net"),
        MailHeader("subject", "a second subject"),
        MailHeader("Content-Type", "text/plain"),
    ])
    func badExtraHeadersThrow(header: MailHeader) async throws {
        let message = try releaseMessage(headers: [header])
        await expectSMTPError(.invalidMessage) { try MIMERenderer.render(message) }
    }

    @Test func lineBreaksInAddressesAndNamesThrow() async throws {
        await expectSMTPError(.invalidMessage) { try MailAddress("ada@example.org\r\nBcc: eve@example.net") }
        await expectSMTPError(.invalidMessage) { try MailAddress("ada@example.org>\nBcc: <eve@example.net") }
        await expectSMTPError(.invalidMessage) { try MailAddress("ada@example.org", name: "Ada\r\nBcc: eve@example.net") }
        await expectSMTPError(.invalidMessage) { try MailAddress("ada@example.org", name: "Ada\n") }
    }

    @Test func badMessageIDsThrow() async throws {
        for id in ["x@y>\r\nBcc: eve@example.net", "no-at-sign", "a b@c", "<a@b>", "@b", "a@"] {
            var message = try releaseMessage()
            message.messageID = id
            await expectSMTPError(.invalidMessage) { try MIMERenderer.render(message) }
        }
    }

    @Test func aHeaderThatCannotBeFoldedThrows() async throws {
        let message = try releaseMessage(headers: [MailHeader("X-Long", String(repeating: "x", count: 1000))])
        await expectSMTPError(.invalidMessage) { try MIMERenderer.render(message) }
    }

    @Test func aMessageWithoutRecipientsThrows() async throws {
        var message = try releaseMessage()
        message.to = []
        await expectSMTPError(.invalidMessage) { try MIMERenderer.render(message) }
    }
}
