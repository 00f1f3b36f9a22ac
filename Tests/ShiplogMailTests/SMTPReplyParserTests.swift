import Testing

@testable import ShiplogMail

@Suite struct SMTPReplyParserTests {
    @Test func multiLineRepliesArriveInAnyPieces() throws {
        let bytes = Array("220 sink.test ESMTP\r\n250-sink.test\r\n250-SIZE 1000\r\n250-AUTH=LOGIN\r\n250 AUTH PLAIN LOGIN\r\n".utf8)
        var parser = SMTPReplyParser()
        var replies: [SMTPReply] = []
        for byte in bytes { replies += try parser.parse([byte]) }
        #expect(
            replies == [
                SMTPReply(code: 220, lines: ["sink.test ESMTP"]),
                SMTPReply(code: 250, lines: ["sink.test", "SIZE 1000", "AUTH=LOGIN", "AUTH PLAIN LOGIN"]),
            ]
        )
        #expect(parser.isEmpty)
        #expect(SMTPConnection.extensions(of: replies[1]) == ["SIZE": "1000", "AUTH": "LOGIN PLAIN LOGIN"])
    }

    @Test func bareLinefeedsAndCodeOnlyLines() throws {
        var parser = SMTPReplyParser()
        #expect(
            try parser.parse(Array("250\n354 go ahead\r\n550".utf8)) == [
                SMTPReply(code: 250, lines: [""]), SMTPReply(code: 354, lines: ["go ahead"]),
            ]
        )
        #expect(!parser.isEmpty)
        #expect(try parser.parse(Array(" 5.1.1 no\r\n".utf8)) == [SMTPReply(code: 550, lines: ["5.1.1 no"])])
    }

    @Test(arguments: ["hello\r\n", "25 x\r\n", "250_x\r\n", "099 x\r\n", "250-a\r\n251 b\r\n"])
    func malformedRepliesThrow(text: String) async {
        var parser = SMTPReplyParser()
        await expectSMTPError(.protocolViolation) { try parser.parse(Array(text.utf8)) }
    }

    @Test func overlongLinesThrow() async {
        var parser = SMTPReplyParser()
        await expectSMTPError(.protocolViolation) { try parser.parse(Array(repeating: UInt8(ascii: "2"), count: 5000)) }
    }

    @Test func dotStuffing() {
        let stuffed = SMTPConnection.dotStuffed(Array(".a\r\n.\r\nb.\r\n..c".utf8))
        #expect(String(decoding: stuffed, as: UTF8.self) == "..a\r\n..\r\nb.\r\n...c\r\n.\r\n")
    }
}
