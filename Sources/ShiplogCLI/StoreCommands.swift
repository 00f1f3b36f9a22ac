import ArgumentParser
import Foundation
import ShiplogMail
import ShiplogModel
import ShiplogPostgres
import ShiplogStore

/// The `--db URL` option of the commands that use the store.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The store: a SQLite file (created when missing) or a postgres://USER@HOST:PORT/DB URL.",
            valueName: "path-or-url"
        )
    )
    var db: String

    /// Opens the store; a failure is reported and exits 74 (64 for a malformed URL).
    func open() async throws -> any Store {
        do {
            if PostgresURL.isPostgres(db) { return try await PostgresStore.open(db) }
            return try SQLiteStore(path: db)
        } catch {
            // A PostgreSQL store's errors name its URL without the password; never print the URL as given.
            Console.error("\(PostgresURL.isPostgres(db) ? "--db" : db): \(error)")
            if case StoreError.invalid = error { throw ExitStatus.usage }
            throw ExitStatus.io
        }
    }
}

/// `--db` and `--page` for commands that work on one page of the store.
struct StorePageOptions: ParsableArguments {
    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: ArgumentHelp("The page; needed when the store has several.", valueName: "id"))
    var page: String?

    /// The opened store and the page to work on.
    func open() async throws -> (store: any Store, page: String) {
        let opened = try await store.open()
        return (opened, try await selectPage(opened, page))
    }
}

/// Runs a store call, reporting its failure with the right exit status.
func storeCall<T>(_ body: () async throws(StoreError) -> T) async throws -> T {
    do {
        return try await body()
    } catch {
        Console.error(error.description)
        switch error {
        case .database: throw ExitStatus.io
        case .invalid, .conflict: throw ExitStatus.badData
        case .notFound: throw ExitCode.failure
        }
    }
}

/// Tells the servers on a shared store (PostgreSQL) what a command changed, so they see it at once
/// (SPEC §8); a server on SQLite notices another process's commits by itself.
func announce(_ change: StoreChange, to store: any Store) async {
    await (store as? any ReplicatedStore)?.announce(change)
}

/// The page a command works on: the one given, or the store's only page.
func selectPage(_ store: any Store, _ requested: String?) async throws -> String {
    let pages = try await storeCall { () async throws(StoreError) in try await store.pageIDs() }
    if let requested {
        guard pages.contains(requested) else {
            Console.error("no page \(JSONWriter.quoted(requested)) in the store (it has: \(pages.isEmpty ? "none" : pages.joined(separator: ", ")))")
            throw ExitCode.failure
        }
        return requested
    }
    guard pages.count == 1, let only = pages.first else {
        Console.error(
            pages.isEmpty
                ? "the store has no page yet; import data first"
                : "the store has several pages (\(pages.joined(separator: ", "))); choose one with --page"
        )
        throw ExitStatus.usage
    }
    return only
}

/// `shiplog import`: validated data files into the store, all or nothing.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import data files into the store (validated like build; all or nothing).",
        discussion: """
            The page is created or updated; components, releases, groups, environments and sites are \
            created or updated by their identity (a release by component and version); deployments are \
            added unless the same one is there already. Importing the same file twice changes nothing.
            """
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: ArgumentHelp("Data files (JSON, see docs/data-format.md); several merge.", valueName: "file"))
    var files: [String] = []

    func validate() throws {
        if files.isEmpty { throw ValidationError("Give at least one data FILE to import.") }
    }

    func run() async throws {
        let loaded = try DataOptions.load(files)
        let opened = try await store.open()
        let summary = try await storeCall { () async throws(StoreError) in try await opened.importData(loaded.data) }
        await announce(StoreChange(page: loaded.data.page.id, subject: .page), to: opened)
        Console.output("Imported page \(JSONWriter.quoted(loaded.data.page.id)) into \(store.db): \(summary.description).")
    }
}

/// `shiplog export`: a page of the store as a data file on stdout.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Print a page of the store as data JSON (the format of `import`) on stdout, or write it to a file.",
        discussion: """
            Importing the output into an empty store gives back the same data. With --output the file \
            is replaced atomically and only once the export succeeded (unlike `> FILE`, which the shell \
            empties before shiplog starts).
            """
    )

    @OptionGroup var target: StorePageOptions

    @Option(name: [.short, .long], help: ArgumentHelp("Write to this file instead of stdout.", valueName: "file"))
    var output: String?

    func run() async throws {
        let (opened, id) = try await target.open()
        guard let data = try await storeCall({ () async throws(StoreError) in try await opened.load(page: id) }) else {
            throw ExitCode.failure
        }
        let document = Data((JSONWriter.write(DataEncoder.document(data)) + "\n").utf8)
        guard let output else { return FileHandle.standardOutput.write(document) }
        do {
            try document.write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            Console.error("cannot write \(output): \(error.localizedDescription)")
            throw ExitStatus.io
        }
    }
}

/// `shiplog keys`: the API keys of a page.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create, list and revoke API keys.",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Create a key and print it, alone, on stdout (it is shown only this once).",
            discussion: """
                The page must exist in the store (import its data first), unless --create-page is given, which \
                creates it empty. Only a hash of the key is stored.
                """
        )

        @OptionGroup var store: StoreOptions

        @Option(name: .long, help: ArgumentHelp("The page the key belongs to.", valueName: "id"))
        var page: String

        @Option(
            name: .long,
            help: ArgumentHelp("read (GET only), write (also releases, deployments, sites) or admin (everything).", valueName: "scope")
        )
        var scope: String

        @Flag(name: .long, help: "Create the page (empty) when the store does not have it yet.")
        var createPage = false

        func validate() throws {
            if let problem = Rules.slugProblem(page) { throw ValidationError("--page: \(problem)") }
            if KeyScope(rawValue: scope) == nil { throw ValidationError("--scope must be read, write or admin") }
        }

        func run() async throws {
            let opened = try await store.open()
            let scope = KeyScope(rawValue: scope) ?? .read
            let pages = try await storeCall { () async throws(StoreError) in try await opened.pageIDs() }
            guard createPage || pages.contains(page) else {
                Console.error(
                    "no page \(JSONWriter.quoted(page)) in \(store.db) (it has: \(pages.isEmpty ? "none" : pages.joined(separator: ", "))); "
                        + "import the page's data first, or pass --create-page to create it empty"
                )
                throw ExitStatus.usage
            }
            let key = try await storeCall { () async throws(StoreError) in try await opened.createKey(page: page, scope: scope) }
            if !pages.contains(page) { await announce(StoreChange(page: page, subject: .page), to: opened) }
            Console.output(key.secret)
            Console.error("Created \(scope.rawValue) key \(key.info.id) for page \(JSONWriter.quoted(page)); keep it secret, it is not shown again.")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List keys: id, page, scope, created, revoked (never the key itself)."
        )

        @OptionGroup var store: StoreOptions

        @Option(name: .long, help: ArgumentHelp("Only this page's keys.", valueName: "id"))
        var page: String?

        func run() async throws {
            let opened = try await store.open()
            let keys = try await storeCall { () async throws(StoreError) in try await opened.keys(page: page) }
            Console.output("id\tpage\tscope\tcreated\trevoked")
            for key in keys {
                Console.output("\(key.id)\t\(key.page)\t\(key.scope.rawValue)\t\(key.createdAt.rfc3339)\t\(key.revokedAt?.rfc3339 ?? "-")")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke",
            abstract: "Revoke a key by its id (as `keys list` shows it); it stops working at once."
        )

        @OptionGroup var store: StoreOptions

        @Argument(help: ArgumentHelp("The key's id.", valueName: "id"))
        var id: String

        func run() async throws {
            let opened = try await store.open()
            guard try await storeCall({ () async throws(StoreError) in try await opened.revokeKey(id: id) }) else {
                Console.error("no live key with id \(JSONWriter.quoted(id))")
                throw ExitCode.failure
            }
            await announce(.keys, to: opened)
            Console.output("Revoked key \(id).")
        }
    }
}

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
            Console.output("Imported \(changed) of \(list.count) subscribers into page \(JSONWriter.quoted(page)).")
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
            FileHandle.standardOutput.write(Data((lines.joined(separator: "\r\n") + "\r\n").utf8))
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
