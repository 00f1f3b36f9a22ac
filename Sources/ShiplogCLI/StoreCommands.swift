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
            "The store: a SQLite file (commands that write create it) or a postgres://USER@HOST:PORT/DB URL.",
            valueName: "path-or-url"
        )
    )
    var db: String

    /// Opens the store; a failure is reported and exits 74 (64 for a malformed URL). A command that
    /// only reads passes `creating: false`: a SQLite file that does not exist is then an error (74)
    /// instead of a new empty store left behind by a typo.
    func open(creating: Bool = true) async throws -> any Store {
        // A PostgreSQL store's errors name its URL without the password; never print the URL as given.
        try await StoreLocation.open(db, named: PostgresURL.isPostgres(db) ? "--db" : db, creating: creating)
    }
}

/// `--db` and `--page` for commands that work on one page of the store.
struct StorePageOptions: ParsableArguments {
    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: ArgumentHelp("The page; needed when the store has several.", valueName: "id"))
    var page: String?

    /// The opened store and the page to work on (the commands that name a page read it: the store
    /// must exist).
    func open() async throws -> (store: any Store, page: String) {
        let opened = try await store.open(creating: false)
        return (opened, try await selectPage(opened, page))
    }
}

/// Runs a store call, reporting its failure with the right exit status.
func storeCall<T>(describe: (StoreError) -> String = \.description, _ body: () async throws(StoreError) -> T) async throws -> T {
    do {
        return try await body()
    } catch {
        Console.error(describe(error))
        switch error.code {
        case .invalid, .conflict: throw ExitStatus.badData
        case .notFound: throw ExitCode.failure
        default: throw ExitStatus.io
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
            // A --page the store does not hold is a wrong command line, as in `keys create`.
            throw ExitStatus.usage
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
        let locate = { (error: StoreError) in located(error, loaded) }
        let summary = try await storeCall(describe: locate) { () async throws(StoreError) in try await opened.importData(loaded.data) }
        await announce(StoreChange(page: loaded.data.page.id, subject: .page), to: opened)
        try Console.output("Imported page \(JSONWriter.quoted(loaded.data.page.id)) into \(store.db): \(summary.description).")
    }
}

extension ImportCommand {
    /// A store error about a release of the data (`releases[3].id`) as `FILE: JSON.PATH: message`
    /// (SPEC §1), the path that of the file the release came from; any other as it is.
    func located(_ error: StoreError, _ loaded: LoadedData) -> String {
        guard let field = error.field, field.hasPrefix("releases["), let close = field.firstIndex(of: "]"),
            let index = Int(field[field.index(field.startIndex, offsetBy: 9)..<close]), let (source, position) = loaded.releasePosition(index),
            files.indices.contains(source)
        else { return error.description }
        return "\(files[source]): releases[\(position)]\(field[field.index(after: close)...]): \(error.message)"
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
        guard let output else { return try Console.write(document) }
        do {
            // Through a link to the file it names; a device or a pipe is written to, not replaced.
            let target = URL(fileURLWithPath: output).resolvingSymlinksInPath()
            let type = (try? FileManager.default.attributesOfItem(atPath: target.path)[.type]) as? FileAttributeType
            try document.write(to: target, options: type == nil || type == .typeRegular ? .atomic : [])
        } catch {
            Console.error("cannot write \(output): \(error.localizedDescription)")
            throw ExitStatus.io
        }
    }
}
