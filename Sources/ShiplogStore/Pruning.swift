import Foundation
import ShiplogMacroSupport

/// What ``Store/pruneDelivered(before:)`` removed.
@MemberwiseInit
public struct PrunedRows: Sendable, Hashable {
    /// Mails the SMTP server accepted (`sent`).
    public var mails: Int = 0
    /// Webhook deliveries the receiver accepted (`delivered`).
    public var webhookDeliveries: Int = 0
}

extension Store {
    /// Removes the mails sent and the webhook deliveries delivered before `cutoff` (Unix seconds);
    /// queued and failed ones are never removed: they always stay (`serve --keep-delivered`,
    /// `shiplog prune`). Rows go a batch per transaction, so writes never wait long behind a large
    /// removal, and a store with nothing to remove is only read.
    public func pruneDelivered(before cutoff: Int64) async throws(StoreError) -> PrunedRows {
        var pruned = PrunedRows()
        for target in PruneTarget.all {
            while true {
                let due = try await read { db in
                    try Bool.fetchOne(db, sql: "SELECT 1 FROM \(target.table) WHERE \(target.condition) LIMIT 1", arguments: [cutoff]) ?? false
                }
                guard due else { break }
                let removed = try await write { db in
                    try db.execute(
                        sql: """
                            DELETE FROM \(target.table) WHERE \(target.key) IN (
                                SELECT \(target.key) FROM \(target.table) WHERE \(target.condition) LIMIT \(PruneTarget.batch))
                            """,
                        arguments: [cutoff]
                    )
                }
                switch target.table {
                case "outbox": pruned.mails += removed
                default: pruned.webhookDeliveries += removed
                }
                if removed < PruneTarget.batch { break }
            }
        }
        return pruned
    }
}

/// A table whose delivered rows are pruned, and which rows those are.
struct PruneTarget {
    var table: String
    var key: String
    /// Rows delivered before the cutoff (the one `?`).
    var condition: String

    /// Rows removed per transaction.
    static let batch = 1000

    static let all = [
        PruneTarget(table: "outbox", key: "id", condition: "state = 'sent' AND sent_at < ?"),
        PruneTarget(table: "webhook_deliveries", key: "seq", condition: "state = 'delivered' AND delivered_at < ?"),
    ]
}
