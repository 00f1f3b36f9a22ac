import ArgumentParser
import Foundation
import ShiplogModel
import ShiplogStore

/// `shiplog prune`: what `serve --keep-delivered` removes every hour, once, now.
struct PruneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Remove sent mail and delivered webhook deliveries older than --keep-delivered (as serve does every hour).",
        discussion: """
            Only rows that were delivered go: queued mail and deliveries, and mail that failed for good, \
            stay. A webhook's "delivered" count counts the deliveries kept.
            """
    )

    @OptionGroup var store: StoreOptions

    @Option(
        name: .customLong("keep-delivered"),
        help: ArgumentHelp("How long to keep delivered rows. " + KeepDelivered.help, valueName: "duration")
    )
    var keepDelivered = KeepDelivered.standard

    func validate() throws {
        if keepDelivered.forever {
            throw ValidationError("--keep-delivered 0 keeps delivered rows for ever (it turns pruning off in serve): nothing to prune")
        }
    }

    func run() async throws {
        let opened = try await store.open(creating: false)
        let cutoff = Timestamp.now().seconds - keepDelivered.seconds
        let pruned = try await storeCall { () async throws(StoreError) in try await opened.pruneDelivered(before: cutoff) }
        try Console.output(
            "Removed \(pruned.mails) sent mails and \(pruned.webhookDeliveries) delivered webhook deliveries "
                + "older than \(keepDelivered) from \(StoreLocation.shown(store.db))."
        )
    }
}
