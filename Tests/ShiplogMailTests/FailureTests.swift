import ShiplogMail
import Testing

/// Permanent failures (never retry) against transient ones (retry later), on a real server.
@Suite struct FailureTests {
    @Test func aRejectedRecipientIsPermanentAndTheConnectionGoesOn() async throws {
        let sink = try await SMTPSink(.init(reject: ["gone@example.org"]))
        let connection = try await SMTPConnection.connect(to: try sink.configuration())
        let error = await expectSMTPError(.recipientRejected) { try await connection.send(try releaseMessage(to: "gone@example.org")) }
        #expect(error?.isPermanent == true)
        #expect(error?.reply?.code == 550)
        try await connection.send(try releaseMessage(to: "ada@example.org"))
        await connection.close()
        #expect(try sink.received().map(\.envelope.rcptTos) == [["ada@example.org"]])
    }

    @Test func aTemporaryFailureIsTransient() async throws {
        let sink = try await SMTPSink(.init(tempfail: ["busy@example.org"]))
        let sender = SMTPSender(configuration: try sink.configuration())
        let error = await expectSMTPError(.recipientRejected) { try await sender.send(try releaseMessage(to: "busy@example.org")) }
        #expect(error?.isTransient == true)
        #expect(error?.reply?.code == 451)
        try await sender.send(try releaseMessage(to: "ada@example.org"))
        #expect(await sender.connectionsOpened == 1)
        await sender.close()
        #expect(try sink.received().count == 1)
    }

    @Test func aMessageLargerThanTheServerAcceptsIsPermanentAndNotSent() async throws {
        let sink = try await SMTPSink(.init(size: 2000))
        let connection = try await SMTPConnection.connect(to: try sink.configuration())
        #expect(await connection.extensions["SIZE"] == "2000")
        let error = await expectSMTPError(.messageRejected) {
            try await connection.send(try releaseMessage(text: String(repeating: "long line of text\n", count: 200)))
        }
        #expect(error?.isPermanent == true)
        try await connection.send(try releaseMessage())
        await connection.close()
        #expect(try sink.received().count == 1)
    }

    @Test func aServerThatIsDownIsTransient() async throws {
        let sink = try await SMTPSink()
        let configuration = try sink.configuration()
        sink.stop()
        let error = await expectSMTPError(.connectionFailed) { try await SMTPConnection.connect(to: configuration) }
        #expect(error?.isTransient == true)
    }

    @Test func aServerThatNeverAnswersTimesOut() async throws {
        let sink = try await SMTPSink(.init(silent: true))
        let clock = ContinuousClock()
        let start = clock.now
        let error = await expectSMTPError(.timeout) { try await SMTPConnection.connect(to: try sink.configuration(query: "timeout=0.3")) }
        #expect(error?.isTransient == true)
        #expect(clock.now - start < .seconds(10))
    }

    @Test func theSenderConnectsAgainWhenTheServerIsBack() async throws {
        let first = try await SMTPSink()
        let port = first.port
        let sender = SMTPSender(configuration: try first.configuration())
        try await sender.send(try releaseMessage(to: "one@example.org"))
        first.stop()

        let error = await expectSMTPError(.connectionFailed) { try await sender.send(try releaseMessage(to: "two@example.org")) }
        #expect(error?.isTransient == true)

        let second = try await SMTPSink(.init(port: port))
        try await sender.send(try releaseMessage(to: "two@example.org"))
        try await sender.send(try releaseMessage(to: "three@example.org"))
        #expect(await sender.connectionsOpened == 2)
        await sender.close()
        #expect(try first.received().map(\.envelope.rcptTos) == [["one@example.org"]])
        #expect(try second.received().map(\.envelope.rcptTos) == [["two@example.org"], ["three@example.org"]])
    }

    @Test func theSenderReplacesAConnectionTheServerDropped() async throws {
        let first = try await SMTPSink()
        let sender = SMTPSender(configuration: try first.configuration())
        try await sender.send(try releaseMessage(to: "one@example.org"))
        first.stop()
        let second = try await SMTPSink(.init(port: first.port))
        try await sender.send(try releaseMessage(to: "two@example.org"))
        #expect(await sender.connectionsOpened == 2)
        await sender.close()
        #expect(try second.received().map(\.envelope.rcptTos) == [["two@example.org"]])
    }

    @Test func headerInjectionIsRejectedBeforeAnythingIsSent() async throws {
        let sink = try await SMTPSink()
        let sender = SMTPSender(configuration: try sink.configuration())
        let injected = [
            try releaseMessage(subject: "Hello\r\nBcc: eve@example.net"),
            try releaseMessage(headers: [MailHeader("List-Unsubscribe", "<https://example.com/u>\nBcc: eve@example.net")]),
            try releaseMessage(headers: [MailHeader("Bcc", "eve@example.net")]),
        ]
        for message in injected {
            let error = await expectSMTPError(.invalidMessage) { try await sender.send(message) }
            #expect(error?.isPermanent == true)
        }
        await expectSMTPError(.invalidMessage) { try await sender.send(try releaseMessage(to: "ada@example.org>\r\nBcc: <eve@example.net")) }
        #expect(await sender.connectionsOpened == 0)

        let connection = try await SMTPConnection.connect(to: try sink.configuration())
        for message in injected {
            await expectSMTPError(.invalidMessage) { try await connection.send(message) }
        }
        try await connection.send(try releaseMessage())
        await connection.close()
        let received = try sink.received()
        #expect(received.map(\.envelope.rcptTos) == [["ada@example.org"]])
        #expect(received.allSatisfy { !$0.text.contains("eve@example.net") })
    }
}
