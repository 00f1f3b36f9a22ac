import ShiplogMail
import Testing

/// Times 1000 messages over one reused connection to the local sink; prints the rate and checks
/// only that every message arrived (the bar is ≥ 200 mails/s; timing is not asserted).
@Suite struct ThroughputTests {
    @Test func thousandMessagesOverOneConnection() async throws {
        let sink = try await SMTPSink()
        let sender = SMTPSender(configuration: try sink.configuration())
        let messages = try (0..<1000).map { try releaseMessage(to: "reader\($0)@example.org") }
        let clock = ContinuousClock()
        let elapsed = try await clock.measure {
            for message in messages { try await sender.send(message) }
        }
        await sender.close()
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("ShiplogMail: 1000 messages over one connection in \(seconds) s: \(Int(1000 / seconds)) mails/s")
        #expect(await sender.connectionsOpened == 1)
        #expect(try sink.received().count == 1000)
    }
}
