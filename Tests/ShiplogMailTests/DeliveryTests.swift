import Foundation
import ShiplogMail
import Synchronization
import Testing

/// Sends to a real SMTP server on loopback (aiosmtpd) and reads what it received.
@Suite struct DeliveryTests {
    @Test func plainSendDeliversTheRenderedBytes() async throws {
        let sink = try await SMTPSink()
        let connection = try await SMTPConnection.connect(to: try sink.configuration())
        let message = try releaseMessage(
            subject: "Version 2.0 — Überarbeitet ✓",
            text: "Hello,\n.\n..two dots\n.hidden line\nlast line",
            html: "<p>Grüße</p>\n.\n"
        )
        try await connection.send(message)
        #expect(await connection.isEncrypted == false)
        #expect(await connection.messagesSent == 1)
        await connection.close()

        let received = try sink.received()
        try #require(received.count == 1)
        let mail = received[0]
        #expect(mail.envelope.mailFrom == "releases@example.com")
        #expect(mail.envelope.rcptTos == ["ada@example.org"])
        #expect(!mail.envelope.tls)
        let contentType = try #require(headerValue("Content-Type", in: mail.text))
        let boundary = try #require(contentType.split(separator: "\"").dropFirst().first)
        #expect(mail.data == (try MIMERenderer.render(message, boundary: String(boundary))))
        #expect(decodeEncodedWords(try #require(headerValue("Subject", in: mail.text))) == message.subject)
        #expect(headerValue("List-Unsubscribe", in: mail.text) == "<https://example.com/u/abc>")
        #expect(headerValue("List-Unsubscribe-Post", in: mail.text) == "List-Unsubscribe=One-Click")
        #expect(headerValue("MIME-Version", in: mail.text) == "1.0")
        #expect(headerValue("Date", in: mail.text) == "Wed, 18 Nov 2026 11:06:40 +0000")
        #expect(mail.text.contains("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n"))
        #expect(mail.text.contains("Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n"))
        #expect(mail.text.contains("Hello,\r\n.\r\n..two dots\r\n.hidden line\r\nlast line\r\n--"))
        #expect(mail.text.contains("<p>Gr=C3=BC=C3=9Fe</p>\r\n.\r\n\r\n--"))
        #expect(!mail.text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    }

    @Test(arguments: [(["PLAIN", "LOGIN"], "PLAIN"), (["LOGIN"], "LOGIN"), (["PLAIN"], "PLAIN")])
    func authentication(offered: [String], used: String) async throws {
        let sink = try await SMTPSink(.init(starttls: true, auth: ("mailer@example.com", "s:cret/ü"), mechanisms: offered))
        let configuration = try sink.configuration(credentials: "mailer%40example.com:s%3Acret%2F%C3%BC", query: "tls_verify=false")
        let connection = try await SMTPConnection.connect(to: configuration)
        #expect(await connection.extensions["AUTH"].map { Set($0.split(separator: " ").map(String.init)) } == Set(offered))
        try await connection.send(try releaseMessage())
        await connection.close()
        let envelope = try #require(try sink.received().first).envelope
        #expect(envelope.mechanism == used)
        #expect(envelope.login == "mailer@example.com")
        #expect(try sink.authAttempts().map(\.tls) == [true])
    }

    @Test func wrongPasswordIsATransientAuthenticationFailure() async throws {
        let sink = try await SMTPSink(.init(starttls: true, auth: ("mailer", "secret")))
        let error = await expectSMTPError(.authenticationFailed) {
            try await SMTPConnection.connect(to: try sink.configuration(credentials: "mailer:wrong", query: "tls_verify=false"))
        }
        #expect(error?.isTransient == true)
        #expect(error?.reply?.code == 535)
    }

    /// A server (or a man in the middle) that offers no STARTTLS gets no AUTH: the credentials would travel in clear.
    @Test(arguments: [["PLAIN", "LOGIN"], ["LOGIN"]])
    func credentialsAreNeverSentWithoutTLS(offered: [String]) async throws {
        let sink = try await SMTPSink(.init(auth: ("mailer", "secret"), mechanisms: offered))
        let error = await expectSMTPError(.tlsFailed) {
            try await SMTPConnection.connect(to: try sink.configuration(credentials: "mailer:secret"))
        }
        #expect(error?.isTransient == true)
        #expect(error?.message.contains("credentials are sent only over TLS, and the server does not offer STARTTLS") == true)
        #expect(try sink.authAttempts().isEmpty)

        let sender = SMTPSender(configuration: try sink.configuration(credentials: "mailer:secret"))
        await expectSMTPError(.tlsFailed) { try await sender.send(try releaseMessage()) }
        await sender.close()
        #expect(try sink.authAttempts().isEmpty)
        #expect(try sink.received().isEmpty)
    }

    @Test func passwordGivenApartFromTheURL() async throws {
        let sink = try await SMTPSink(.init(starttls: true, auth: ("mailer", "s:cret")))
        let configuration = try SMTPConfiguration(url: "smtp://mailer@127.0.0.1:\(sink.port)?tls_verify=false", password: "s:cret")
        let connection = try await SMTPConnection.connect(to: configuration)
        try await connection.send(try releaseMessage())
        await connection.close()
        #expect(try sink.authAttempts().map(\.login) == ["mailer"])
        #expect(try sink.received().count == 1)
    }

    @Test func missingCredentialsAreNotAPermanentFailureOfTheMessage() async throws {
        let sink = try await SMTPSink(.init(auth: ("mailer", "secret")))
        let connection = try await SMTPConnection.connect(to: try sink.configuration())
        let error = await expectSMTPError(.authenticationFailed) { try await connection.send(try releaseMessage()) }
        #expect(error?.isTransient == true)
        #expect(error?.reply?.code == 530)
    }

    @Test func startTLSWhenOffered() async throws {
        let sink = try await SMTPSink(.init(starttls: true, auth: ("mailer", "secret")))
        let connection = try await SMTPConnection.connect(to: try sink.configuration(credentials: "mailer:secret", query: "tls_verify=false"))
        #expect(await connection.isEncrypted)
        #expect(await connection.extensions["STARTTLS"] == nil)
        try await connection.send(try releaseMessage())
        await connection.close()
        let envelope = try #require(try sink.received().first).envelope
        #expect(envelope.tls)
        #expect(envelope.mechanism == "PLAIN")
    }

    @Test(arguments: ["localhost", "127.0.0.1"])
    func startTLSTrustingTheServersCertificate(host: String) async throws {
        let sink = try await SMTPSink(.init(starttls: true))
        let configuration = try sink.configuration(host: host, query: "starttls=required&tls_ca=\(sink.certificatePath)")
        let connection = try await SMTPConnection.connect(to: configuration)
        try await connection.send(try releaseMessage())
        await connection.close()
        #expect(try sink.received().first?.envelope.tls == true)
    }

    @Test func anUntrustedCertificateFailsTransiently() async throws {
        let sink = try await SMTPSink(.init(starttls: true))
        let error = await expectSMTPError(.tlsFailed) { try await SMTPConnection.connect(to: try sink.configuration()) }
        #expect(error?.isTransient == true)
    }

    @Test func startTLSNeverStaysPlain() async throws {
        let sink = try await SMTPSink(.init(starttls: true))
        let connection = try await SMTPConnection.connect(to: try sink.configuration(query: "starttls=never"))
        #expect(await connection.isEncrypted == false)
        try await connection.send(try releaseMessage())
        await connection.close()
        #expect(try sink.received().first?.envelope.tls == false)
    }

    @Test func startTLSRequiredButNotOffered() async throws {
        let sink = try await SMTPSink()
        let error = await expectSMTPError(.tlsFailed) { try await SMTPConnection.connect(to: try sink.configuration(query: "starttls=required")) }
        #expect(error?.isTransient == true)
    }

    @Test func implicitTLSWithAuthLogin() async throws {
        let sink = try await SMTPSink(.init(implicitTLS: true, auth: ("mailer", "secret"), mechanisms: ["LOGIN"]))
        let configuration = try sink.configuration(
            scheme: "smtps",
            credentials: "mailer:secret",
            host: "localhost",
            query: "tls_ca=\(sink.certificatePath)"
        )
        let connection = try await SMTPConnection.connect(to: configuration)
        #expect(await connection.isEncrypted)
        try await connection.send(try releaseMessage())
        await connection.close()
        let envelope = try #require(try sink.received().first).envelope
        #expect(envelope.tls)
        #expect(envelope.mechanism == "LOGIN")
    }

    @Test func heloWhenEHLOIsRefused() async throws {
        let sink = try await SMTPSink(.init(noEHLO: true))
        let connection = try await SMTPConnection.connect(to: try sink.configuration())
        #expect(await connection.extensions.isEmpty)
        try await connection.send(try releaseMessage())
        await connection.close()
        #expect(try sink.received().count == 1)
    }

    @Test func theSenderOpensANewConnectionAfterItsLimit() async throws {
        let sink = try await SMTPSink()
        let sender = SMTPSender(configuration: try sink.configuration(), messagesPerConnection: 2)
        for number in 0..<5 { try await sender.send(try releaseMessage(to: "reader\(number)@example.org")) }
        #expect(await sender.connectionsOpened == 3)
        await sender.close()
        #expect(try sink.received().count == 5)
    }

    @Test func oneConnectionSendsManyMessages() async throws {
        let sink = try await SMTPSink()
        let connection = try await SMTPConnection.connect(to: try sink.configuration())
        try await withThrowingTaskGroup { group in
            for number in 0..<50 {
                group.addTask { try await connection.send(try releaseMessage(to: "reader\(number)@example.org")) }
            }
            try await group.waitForAll()
        }
        #expect(await connection.messagesSent == 50)
        await connection.close()
        let recipients = try sink.received().flatMap(\.envelope.rcptTos)
        #expect(Set(recipients) == Set((0..<50).map { "reader\($0)@example.org" }))
    }
}

/// The gate before a message's content (``SMTPConnection/ContentGate``): asked once the server
/// accepted `DATA`, so an outbox can record the hand-over; a refusal sends nothing.
@Suite struct ContentGateTests {
    @Test func theGateIsAskedOnceAndItsYesSendsTheMessage() async throws {
        let sink = try await SMTPSink()
        let sender = SMTPSender(configuration: try sink.configuration())
        let asked = Counter()
        try await sender.send(try releaseMessage()) {
            asked.add()
            return true
        }
        await sender.close()
        #expect(asked.value == 1)
        #expect(try sink.received().count == 1)
    }

    @Test func aRefusalGivesTheMessageUpAndTheNextOneStillGoesOut() async throws {
        let sink = try await SMTPSink()
        let sender = SMTPSender(configuration: try sink.configuration())
        let asked = Counter()
        let error = await expectSMTPError(.cancelled) {
            try await sender.send(try releaseMessage(subject: "given up")) {
                asked.add()
                return false
            }
        }
        #expect(error?.isTransient == true)
        // Not retried on a new connection: a refusal means another process holds the message.
        #expect(asked.value == 1)
        try await sender.send(try releaseMessage(subject: "sent"))
        await sender.close()
        let received = try sink.received()
        #expect(received.count == 1)
        #expect(received.first.map { $0.text.contains("Subject: sent") } == true)
    }
}

/// A count that `@Sendable` closures can add to.
final class Counter: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
