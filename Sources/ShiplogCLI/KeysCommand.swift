import ArgumentParser
import Foundation
import ShiplogMail
import ShiplogModel
import ShiplogPostgres
import ShiplogStore

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
            do {
                try Console.output(key.secret)
            } catch {
                // A key nobody saw must not stay live.
                _ = try? await opened.revokeKey(id: key.info.id)
                await announce(.keys, to: opened)
                Console.error("The new key \(key.info.id) could not be shown, so it was revoked again.")
                throw error
            }
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
            let opened = try await store.open(creating: false)
            let keys = try await storeCall { () async throws(StoreError) in try await opened.keys(page: page) }
            try Console.output("id\tpage\tscope\tcreated\trevoked")
            for key in keys {
                try Console.output("\(key.id)\t\(key.page)\t\(key.scope.rawValue)\t\(key.createdAt.rfc3339)\t\(key.revokedAt?.rfc3339 ?? "-")")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke",
            abstract: "Revoke a key by its id (as `keys list` shows it); a running server refuses it within a second or two."
        )

        @OptionGroup var store: StoreOptions

        @Argument(help: ArgumentHelp("The key's id.", valueName: "id"))
        var id: String

        func run() async throws {
            let opened = try await store.open(creating: false)
            guard try await storeCall({ () async throws(StoreError) in try await opened.revokeKey(id: id) }) else {
                Console.error("no live key with id \(JSONWriter.quoted(id))")
                throw ExitCode.failure
            }
            await announce(.keys, to: opened)
            try Console.output("Revoked key \(id).")
        }
    }
}
