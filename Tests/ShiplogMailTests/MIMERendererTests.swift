import Foundation
import Testing

@testable import ShiplogMail

@Suite struct MIMERendererTests {
    @Test func multipartAlternativeWithUnsubscribeHeaders() throws {
        try expectRendered(
            try releaseMessage(),
            """
            \(releaseMessageHead)
            List-Unsubscribe: <https://example.com/u/abc>
            List-Unsubscribe-Post: List-Unsubscribe=One-Click
            Content-Type: multipart/alternative; boundary="BOUNDARY"

            --BOUNDARY
            Content-Type: text/plain; charset=utf-8
            Content-Transfer-Encoding: quoted-printable

            Hello,
            version 2.0 is out.

            --BOUNDARY
            Content-Type: text/html; charset=utf-8
            Content-Transfer-Encoding: quoted-printable

            <p>Hello,<br>version <b>2.0</b> is out.</p>

            --BOUNDARY--

            """
        )
    }

    @Test func textOnlyIsASinglePart() throws {
        try expectRendered(
            try releaseMessage(text: "Grüße", html: nil, headers: []),
            """
            \(releaseMessageHead)
            Content-Type: text/plain; charset=utf-8
            Content-Transfer-Encoding: quoted-printable

            Gr=C3=BC=C3=9Fe

            """
        )
    }

    @Test func base64Parts() throws {
        var message = try releaseMessage(text: "Ünïcode\r\nline", html: nil, headers: [])
        message.transferEncoding = .base64
        let text = String(decoding: try MIMERenderer.render(message, boundary: "B"), as: UTF8.self)
        #expect(text.hasSuffix("Content-Transfer-Encoding: base64\r\n\r\nw5xuw69jb2RlDQpsaW5l\r\n"))
    }

    @Test func nonASCIISubjectBecomesEncodedWordsOnShortLines() throws {
        let subject = "Version 2.0 — schnellere Überprüfung ✓ " + String(repeating: "é", count: 60)
        let bytes = try MIMERenderer.render(try releaseMessage(subject: subject))
        let text = String(decoding: bytes, as: UTF8.self)
        let value = try #require(headerValue("Subject", in: text))
        #expect(value.hasPrefix("=?UTF-8?B?"))
        #expect(decodeEncodedWords(value) == subject)
        for line in text.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 78) }
        #expect(bytes.allSatisfy { $0 < 0x80 })
    }

    @Test func nonASCIIDisplayNameIsEncoded() throws {
        var message = try releaseMessage()
        message.from = try MailAddress("releases@example.com", name: "Zoë \"Z\" Release")
        let text = String(decoding: try MIMERenderer.render(message), as: UTF8.self)
        let from = try #require(headerValue("From", in: text))
        // Words of atom characters stay as they are; the others become one encoded word where they fit.
        #expect(from == "=?UTF-8?B?Wm/DqyAiWiI=?= Release <releases@example.com>")
        #expect(decodeEncodedWords(String(from.dropLast(" Release <releases@example.com>".count))) == "Zoë \"Z\"")
        message.from = try MailAddress("releases@example.com", name: "A \"quoted\" \\ name")
        let plain = String(decoding: try MIMERenderer.render(message), as: UTF8.self)
        #expect(headerValue("From", in: plain) == #""A \"quoted\" \\ name" <releases@example.com>"#)
    }

    @Test func longASCIIHeadersAreFoldedAtSpaces() throws {
        let subject = Array(repeating: "word", count: 40).joined(separator: " ")
        let text = String(decoding: try MIMERenderer.render(try releaseMessage(subject: subject)), as: UTF8.self)
        #expect(headerValue("Subject", in: text) == subject)
        for line in text.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 78) }
    }

    @Test func generatedMessageIDUsesTheSenderDomain() throws {
        var message = try releaseMessage()
        message.messageID = nil
        let text = String(decoding: try MIMERenderer.render(message), as: UTF8.self)
        let id = try #require(headerValue("Message-ID", in: text))
        #expect(id.hasPrefix("<") && id.hasSuffix("@example.com>"))
    }

    @Test(arguments: [
        (0.0, "Thu, 01 Jan 1970 00:00:00 +0000"),
        (-1, "Wed, 31 Dec 1969 23:59:59 +0000"),
        (951_782_400, "Tue, 29 Feb 2000 00:00:00 +0000"),
        (1_795_000_000.75, "Wed, 18 Nov 2026 11:06:40 +0000"),
        (4_102_444_799, "Thu, 31 Dec 2099 23:59:59 +0000"),
    ])
    func dates(seconds: Double, expected: String) {
        #expect(MIMEEncoding.date(Date(timeIntervalSince1970: seconds)) == expected)
    }
}

@Suite struct QuotedPrintableTests {
    private func encode(_ text: String) -> String {
        var output: [UInt8] = []
        MIMEEncoding.quotedPrintable(text, into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    @Test(arguments: [
        ("plain text", "plain text"),
        ("a = b", "a =3D b"),
        ("trailing space \nand tab\t", "trailing space=20\r\nand tab=09"),
        ("cr\rlf\ncrlf\r\nend", "cr\r\nlf\r\ncrlf\r\nend"),
        (".leading dot\n.", ".leading dot\r\n."),
        ("naïve", "na=C3=AFve"),
    ])
    func encodes(text: String, expected: String) {
        #expect(encode(text) == expected)
    }

    @Test func softBreaksKeepLinesWithin76() {
        #expect(encode(String(repeating: "a", count: 76)) == String(repeating: "a", count: 76))
        #expect(encode(String(repeating: "a", count: 100)) == String(repeating: "a", count: 75) + "=\r\n" + String(repeating: "a", count: 25))
        let encoded = encode(String(repeating: "é", count: 100) + " " + String(repeating: "x y ", count: 300))
        for line in encoded.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 76) }
    }
}
