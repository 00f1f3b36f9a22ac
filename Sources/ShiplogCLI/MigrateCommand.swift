import ArgumentParser
import Foundation
import ShiplogPostgres
import ShiplogStore

/// `shiplog migrate`: a whole store copied into an empty one (SPEC §8).
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy a whole store into an empty one: SQLite to PostgreSQL, PostgreSQL to SQLite, or SQLite to SQLite.",
        discussion: """
            Every table is copied, row for row with its ids: pages, components, releases, groups, \
            environments, deployments, sites, API keys (their hashes), subscribers with their state and \
            tokens, confirmations, the mail outbox, webhooks and their deliveries, idempotency keys. The \
            target is written in one transaction, committed only once each of its tables holds as many \
            rows as the source's; the counts are printed. A failure leaves the target as it was.

            The target must be empty: a SQLite file that does not exist yet, or a PostgreSQL database \
            without shiplog rows (its tables are created). A target holding any row is refused (exit \
            64). Both stores are first brought to this shiplog's schema. Stop the servers that write to \
            the source first: what they write during the copy is not copied.

            Example: shiplog migrate --from shiplog.db --to postgres://shiplog@127.0.0.1:5432/shiplog
            """
    )

    @Option(
        name: .long,
        help: ArgumentHelp("The store to copy: a SQLite file or a postgres:// URL, as --db takes.", valueName: "path-or-url")
    )
    var from: String

    @Option(
        name: .long,
        help: ArgumentHelp("The empty store to copy into: a SQLite file (created) or a postgres:// URL.", valueName: "path-or-url")
    )
    var to: String

    func validate() throws {
        if StoreLocation.sameSQLiteFile(from, to) || from == to {
            throw ValidationError("--from and --to name the same store")
        }
    }

    func run() async throws {
        let source = try await StoreLocation.open(from, option: "--from", creating: false)
        let createdTarget = !PostgresURL.isPostgres(to) && !FileManager.default.fileExists(atPath: to)
        let target = try await StoreLocation.open(to, option: "--to")
        let (shownFrom, shownTo) = (StoreLocation.shown(from), StoreLocation.shown(to))
        let held = try await storeCall { () async throws(StoreError) in try await StoreCopy.counts(target) }.filter { $0.rows > 0 }
        guard held.isEmpty else {
            Console.error(
                "--to \(shownTo) is not empty (\(StoreCopy.describe(held))): migrate copies into an empty store only; "
                    + "give a SQLite file that does not exist yet or an empty PostgreSQL database"
            )
            throw ExitStatus.usage
        }
        let counts: [StoreCopy.Count]
        do {
            counts = try await StoreCopy.copy(from: source, to: target)
        } catch {
            if createdTarget { StoreLocation.removeSQLite(to) }
            Console.error("cannot migrate \(shownFrom) to \(shownTo), nothing was written: \(error)")
            if error.code == .conflict { throw ExitStatus.usage }
            throw ExitStatus.io
        }
        let total = counts.reduce(0) { $0 + $1.rows }
        let width = counts.map(\.table.count).max() ?? 0
        try Console.output("Copied \(total) rows from \(shownFrom) to \(shownTo); every table's count matches:")
        for count in counts {
            try Console.output("  \(count.table):\(String(repeating: " ", count: width - count.table.count)) \(count.rows)")
        }
    }
}
