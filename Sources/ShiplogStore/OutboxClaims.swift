import Foundation
import GRDB
import ShiplogMacroSupport
import ShiplogModel

/// Who holds claimed outbox items (mail, webhook deliveries) and until when (SPEC §8).
///
/// Several replicas deliver one outbox: each claims what is due, and no other replica takes an item
/// while its lease lasts. A replica that dies (`kill -9`) leaves its items leased: once the lease
/// ends, another replica claims them again, so nothing is lost. Marking an item sent, failed or
/// delivered ends its lease.
@MemberwiseInit
public struct OutboxLease: Sendable, Hashable {
    /// The replica's id (unique per process).
    public var owner: String
    /// Unix seconds: from then on, any replica may claim the items again.
    public var until: Int64
}

/// The SQL of outbox claims, shared by both stores.
enum Outbox {
    /// A mail (`o`) that may be sent now: queued, due, and held by no replica. Arguments: now, now.
    static let claimable = "o.state = 'queued' AND o.next_attempt_at <= ? AND (o.lease_until IS NULL OR o.lease_until <= ?)"

    /// `?, ?, …`: one placeholder per value.
    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }
}

extension Store {
    /// Outbox mails (`o`) with their subscribers, as ``OutboxMailRecord`` reads them.
    static var outboxMailSelect: String {
        """
        SELECT o.id AS mail_id, o.kind, o.component, o.version, o.bump, o.payload, o.attempts, o.created_at AS mail_created_at, s.*
        FROM outbox o JOIN subscribers s ON s.id = o.subscriber_id
        """
    }

    /// The mail outbox as replicas claim it.
    static var mailQueue: ClaimedQueue {
        ClaimedQueue(table: "outbox", alias: "o", key: "id", claimable: Outbox.claimable, select: outboxMailSelect)
    }

    /// Claims up to `limit` mails due now that no replica holds (their lease, if any, has ended),
    /// oldest first: they are `lease.owner`'s until `lease.until`, and no other replica takes them before.
    public func claimMail(limit: Int, lease: OutboxLease) async throws(StoreError) -> [OutboxMail] {
        try await claim(Self.mailQueue, limit: limit, lease: lease, as: OutboxMailRecord.self).map(\.mail)
    }

    /// Gives back claimed mails that were not attempted: any replica may take them at once.
    public func releaseMail(_ ids: [Int64], owner: String) async throws(StoreError) {
        guard !ids.isEmpty else { return }
        try await writeOutbox { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET lease_until = NULL, leased_by = NULL
                    WHERE leased_by = ? AND state = 'queued' AND id IN (\(Outbox.placeholders(ids.count)))
                    """,
                arguments: [owner] + ids.map { $0 }
            )
        }
    }

    /// The replicas that hold outbox mail or webhook deliveries now (leases not yet ended).
    public func leaseHolders() async throws(StoreError) -> [String] {
        let now = Self.now()
        return try await read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT leased_by FROM outbox WHERE state IN ('queued', 'sending') AND lease_until > ?1
                    UNION SELECT leased_by FROM webhook_deliveries WHERE state = 'queued' AND lease_until > ?1
                    """,
                arguments: [now]
            )
        }
    }

    /// Ends every lease `owner` holds, a replica known to be gone: its mail and webhook
    /// deliveries may be claimed at once. Returns how many items it held.
    @discardableResult
    public func releaseLeases(owner: String) async throws(StoreError) -> Int {
        try await writeOutbox { db in
            let mail = try db.execute(
                sql: "UPDATE outbox SET lease_until = NULL, leased_by = NULL WHERE leased_by = ? AND state = 'queued'",
                arguments: [owner]
            )
            let deliveries = try db.execute(
                sql: "UPDATE webhook_deliveries SET lease_until = NULL, leased_by = NULL WHERE leased_by = ? AND state = 'queued'",
                arguments: [owner]
            )
            return mail + deliveries
        }
    }

    /// Webhook deliveries (`d`) with their webhooks, as ``DeliveryRecord`` reads them.
    static var webhookDeliverySelect: String {
        """
        SELECT d.seq, d.id, d.webhook_id, d.event, d.body, d.attempts, COALESCE(d.url, w.url) AS url, w.secret, w.format, w.settings
        FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
        """
    }

    /// The oldest waiting delivery (`d`) of each webhook, when it is due and held by no replica.
    /// Arguments: now, now.
    static var claimableDelivery: String {
        """
        d.seq IN (SELECT MIN(seq) FROM webhook_deliveries WHERE state = 'queued' GROUP BY webhook_id)
        AND d.next_attempt_at <= ? AND (d.lease_until IS NULL OR d.lease_until <= ?)
        """
    }

    /// The webhook deliveries as replicas claim them (the oldest waiting one of each webhook).
    static var webhookQueue: ClaimedQueue {
        ClaimedQueue(table: "webhook_deliveries", alias: "d", key: "seq", claimable: claimableDelivery, select: webhookDeliverySelect)
    }

    /// Claims the deliveries due now as ``dueWebhookDeliveries(limit:)`` finds them, leaving out
    /// webhooks whose oldest waiting delivery a replica holds: they are `lease.owner`'s until `lease.until`.
    public func claimWebhookDeliveries(limit: Int, lease: OutboxLease) async throws(StoreError) -> [WebhookDelivery] {
        try await claim(Self.webhookQueue, limit: limit, lease: lease, as: DeliveryRecord.self).map(\.delivery)
    }

    /// Up to `limit` items of `queue` that may be claimed now, oldest due first, without claiming them.
    func due<Record: FetchableRecord & Sendable>(
        _ queue: ClaimedQueue,
        limit: Int,
        as _: Record.Type
    ) async throws(StoreError)
        -> [Record]
    {
        let now = Self.now()
        return try await self.read { db in
            try Record.fetchAll(
                db,
                sql: queue.select + " WHERE \(queue.claimable) ORDER BY \(queue.alias).next_attempt_at, \(queue.alias).\(queue.key) LIMIT ?",
                arguments: [now, now, limit]
            )
        }
    }

    /// Leases up to `limit` due items of `queue` that no replica holds to `lease`'s owner, oldest
    /// due first, and returns them as `read` makes them. A look comes first: an idle replica polls
    /// every second, and a claim is a write.
    private func claim<Record: FetchableRecord & Sendable>(
        _ queue: ClaimedQueue,
        limit: Int,
        lease: OutboxLease,
        as _: Record.Type
    ) async throws(StoreError) -> [Record] {
        let now = Self.now()
        let (table, alias, key) = (queue.table, queue.alias, queue.key)
        let due = "FROM \(table) \(alias) WHERE \(queue.claimable)"
        let any = try await self.read { db in try Bool.fetchOne(db, sql: "SELECT 1 \(due) LIMIT 1", arguments: [now, now]) }
        guard any == true, limit > 0 else { return [] }
        let order = "ORDER BY \(alias).next_attempt_at, \(alias).\(key)"
        return try await writeOutbox { db in
            let keys = try Int64.fetchAll(
                db,
                sql: """
                    UPDATE \(table) SET lease_until = ?, leased_by = ?
                    WHERE \(key) IN (SELECT \(alias).\(key) \(due) \(order) LIMIT ?\(db.skipLocked))
                    RETURNING \(key)
                    """,
                arguments: [lease.until, lease.owner, now, now, limit]
            )
            guard !keys.isEmpty else { return [] }
            return try Record.fetchAll(
                db,
                sql: queue.select + " WHERE \(alias).\(key) IN (\(Outbox.placeholders(keys.count))) \(order)",
                arguments: keys.map { $0 }
            )
        }
    }
}

/// A queue that replicas claim items of: its table, the alias its SQL uses, its key column, the
/// condition of a claimable item (bound to now, twice) and the SELECT that reads an item whole.
struct ClaimedQueue: Sendable {
    var table: String
    var alias: String
    var key: String
    var claimable: String
    var select: String
}
