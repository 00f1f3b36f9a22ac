import ArgumentParser
import Foundation
import ShiplogModel
import ShiplogStore

/// The `--db URL` option of the commands that use the store.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The store: a SQLite file (created when missing).", valueName: "path"))
    var db: String

    /// Opens the store; a failure is reported and exits 74.
    func open() throws -> any Store {
        if db.hasPrefix("postgres://") || db.hasPrefix("postgresql://") {
            Console.error("\(db): PostgreSQL stores are not available in this version of shiplog; give a SQLite file path")
            throw ExitStatus.usage
        }
        do {
            return try SQLiteStore(path: db)
        } catch {
            Console.error("\(db): \(error)")
            throw ExitStatus.io
        }
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

    @Argument(help: ArgumentHelp("Data files (JSON, SPEC §1); several merge.", valueName: "file"))
    var files: [String] = []

    func validate() throws {
        if files.isEmpty { throw ValidationError("Give at least one data FILE to import.") }
    }

    func run() async throws {
        let loaded = try DataOptions.load(files)
        let opened = try store.open()
        let summary = try await storeCall { () async throws(StoreError) in try await opened.importData(loaded.data) }
        Console.output("Imported page \(JSONWriter.quoted(loaded.data.page.id)) into \(store.db): \(summary.description).")
    }
}

/// `shiplog export`: a page of the store as a data file on stdout.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Print a page of the store as data JSON (SPEC §1) on stdout.",
        discussion: "Importing the output into an empty store gives back the same data."
    )

    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: ArgumentHelp("The page to export; needed when the store has several.", valueName: "id"))
    var page: String?

    func run() async throws {
        let opened = try store.open()
        let id = try await selectPage(opened, page)
        guard let data = try await storeCall({ () async throws(StoreError) in try await opened.load(page: id) }) else {
            throw ExitCode.failure
        }
        FileHandle.standardOutput.write(Data((JSONWriter.write(DataEncoder.document(data)) + "\n").utf8))
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
            abstract: "Create a key and print it, alone, on stdout (it is shown only this once).",
            discussion: "The page is created when it does not exist. Only a hash of the key is stored."
        )

        @OptionGroup var store: StoreOptions

        @Option(name: .long, help: ArgumentHelp("The page the key belongs to.", valueName: "id"))
        var page: String

        @Option(
            name: .long,
            help: ArgumentHelp("read (GET only), write (also releases, deployments, sites) or admin (everything).", valueName: "scope")
        )
        var scope: String

        func validate() throws {
            if let problem = Rules.slugProblem(page) { throw ValidationError("--page: \(problem)") }
            if KeyScope(rawValue: scope) == nil { throw ValidationError("--scope must be read, write or admin") }
        }

        func run() async throws {
            let opened = try store.open()
            let scope = KeyScope(rawValue: scope) ?? .read
            let key = try await storeCall { () async throws(StoreError) in try await opened.createKey(page: page, scope: scope) }
            Console.output(key.secret)
            Console.error("Created \(scope.rawValue) key \(key.info.id) for page \(JSONWriter.quoted(page)); keep it secret, it is not shown again.")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys: id, page, scope, created, revoked (never the key itself).")

        @OptionGroup var store: StoreOptions

        @Option(name: .long, help: ArgumentHelp("Only this page's keys.", valueName: "id"))
        var page: String?

        func run() async throws {
            let opened = try store.open()
            let keys = try await storeCall { () async throws(StoreError) in try await opened.keys(page: page) }
            Console.output("id\tpage\tscope\tcreated\trevoked")
            for key in keys {
                Console.output("\(key.id)\t\(key.page)\t\(key.scope.rawValue)\t\(key.createdAt.rfc3339)\t\(key.revokedAt?.rfc3339 ?? "-")")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by its id (as `keys list` shows it); it stops working at once.")

        @OptionGroup var store: StoreOptions

        @Argument(help: ArgumentHelp("The key's id.", valueName: "id"))
        var id: String

        func run() async throws {
            let opened = try store.open()
            guard try await storeCall({ () async throws(StoreError) in try await opened.revokeKey(id: id) }) else {
                Console.error("no live key with id \(JSONWriter.quoted(id))")
                throw ExitCode.failure
            }
            Console.output("Revoked key \(id).")
        }
    }
}
