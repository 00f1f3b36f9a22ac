import Foundation
import ShiplogModel
import Testing

@testable import ShiplogSite

/// The default theme's mail, rendered and compared as a whole.
@Suite struct MailTemplateTests {
    static let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../templates").standardizedFileURL
        .path

    static func confirmation(_ preferences: [BumpKind]) throws -> RenderedMail {
        try MessageRenderer(directory: templates).confirmationMail(
            page: Page(id: "nimbus", title: "Nimbus"),
            preferences: preferences,
            confirmURL: "https://api.example/v1/pages/nimbus/subscribers/confirm?token=t1",
            unsubscribeURL: "https://api.example/v1/pages/nimbus/unsubscribe?token=u1"
        )
    }

    @Test func confirmationTextListsThePreferencesWithoutATrailingComma() throws {
        let mail = try Self.confirmation([.major, .minor, .patch])
        #expect(mail.subject == "Confirm your subscription to Nimbus")
        #expect(
            mail.text == """
                Someone, hopefully you, asked to get release notes from Nimbus by e-mail
                (major, minor, patch releases).

                Confirm within 7 days by opening this link:
                https://api.example/v1/pages/nimbus/subscribers/confirm?token=t1

                If it was not you, ignore this mail: nothing more will be sent.

                """
        )
    }

    @Test func aSubjectIsOnePlainLineWhateverThePageTitleHolds() throws {
        let rendered = try MessageRenderer(directory: Self.templates).confirmationMail(
            page: Page(id: "nimbus", title: "Nim\u{7}bus\r\nBcc: x@y.example \u{202E}evil"),
            preferences: [.major],
            confirmURL: "https://api.example/c",
            unsubscribeURL: "https://api.example/u"
        )
        #expect(rendered.subject == "Confirm your subscription to Nim bus Bcc: x@y.example evil")
    }

    @Test func confirmationHTMLListsThePreferencesWithoutATrailingComma() throws {
        let html = try Self.confirmation([.major, .minor, .patch]).html
        #expect(html.contains("by e-mail (major, minor, patch releases).</p>"))
        #expect(try Self.confirmation([.prerelease]).html.contains("by e-mail (prerelease releases).</p>"))
    }

    @Test func oneKindHasNoSeparator() throws {
        #expect(try Self.confirmation([.minor]).text.contains("(minor releases)."))
    }
}
