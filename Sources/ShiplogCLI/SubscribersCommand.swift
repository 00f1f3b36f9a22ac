import ArgumentParser
import Foundation
import ShiplogMail
import ShiplogModel
import ShiplogPostgres
import ShiplogStore

/// `shiplog subscribers`: the e-mail subscribers of a page.
struct SubscribersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subscribers",
        abstract: "Export a page's e-mail subscribers, or import a list confirmed elsewhere.",
        subcommands: [Export.self, Import.self]
    )

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Add addresses already confirmed elsewhere as confirmed subscribers (CSV: email[,preferences]).",
            discussion: """
                Each line is an address and optionally its preferences separated by spaces (major minor \
                patch prerelease; default major minor patch). A header line starting with "email" is \
                skipped. Known addresses get the new preferences; addresses that unsubscribed stay \
                unsubscribed. Use it only for lists whose people opted in already.
                """
        )

        @OptionGroup var store: StoreOptions

        @Option(name: .long, help: ArgumentHelp("The page.", valueName: "id"))
        var page: String

        @Argument(help: ArgumentHelp("The CSV file.", valueName: "file"))
        var file: String

        func run() async throws {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                Console.error("\(file): cannot read the file")
                throw ExitStatus.io
            }
            var list: [(email: String, preferences: [BumpKind])] = []
            var problems: [String] = []
            for (offset, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
                let fields = line.split(separator: ",", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard let email = fields.first, !email.isEmpty, !(offset == 0 && email.lowercased() == "email") else { continue }
                var preferences: [BumpKind] = []
                for word in (fields.count > 1 ? fields[1] : "").split(separator: " ") {
                    if let kind = BumpKind(rawValue: String(word)) {
                        preferences.append(kind)
                    } else {
                        problems.append("\(file):\(offset + 1): unknown preference \(JSONWriter.quoted(String(word)))")
                    }
                }
                if let problem = MailAddress.validate(email) { problems.append("\(file):\(offset + 1): \(problem)") }
                list.append((email, preferences))
            }
            guard problems.isEmpty else {
                for problem in problems { Console.error(problem) }
                throw ExitStatus.badData
            }
            let opened = try await store.open()
            let changed = try await storeCall { () async throws(StoreError) in try await opened.importSubscribers(page: page, list) }
            try Console.output("Imported \(changed) of \(list.count) subscribers into page \(JSONWriter.quoted(page)).")
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Print every subscriber as CSV: email, state, preferences, created_at, confirmed_at, unsubscribed_at."
        )

        @OptionGroup var target: StorePageOptions

        func run() async throws {
            let (opened, id) = try await target.open()
            let subscribers = try await storeCall { () async throws(StoreError) in try await opened.subscribers(page: id) }
            var lines = ["email,state,preferences,created_at,confirmed_at,unsubscribed_at"]
            for s in subscribers {
                let fields = [
                    s.email, s.state.rawValue, s.preferences.map(\.rawValue).joined(separator: " "), s.createdAt.rfc3339,
                    s.confirmedAt?.rfc3339 ?? "", s.unsubscribedAt?.rfc3339 ?? "",
                ]
                lines.append(fields.map(Self.csvField).joined(separator: ","))
            }
            try Console.write(Data((lines.joined(separator: "\r\n") + "\r\n").utf8))
        }

        /// RFC 4180 quoting; a leading `=`, `+`, `-` or `@` is prefixed with `'` so spreadsheets do not run it.
        static func csvField(_ value: String) -> String {
            var text = value
            if let first = text.first, "=+-@".contains(first) { text = "'" + text }
            guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
    }
}
