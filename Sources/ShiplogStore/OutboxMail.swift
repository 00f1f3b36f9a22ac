import Foundation

/// The mail outbox's states: `queued` (due, or waiting for a retry), `sending`, `sent`, `failed`.
///
/// Exactly once across replicas (SPEC §8): a mail is marked `sending`, in its own committed transaction, after the SMTP server accepted
/// the envelope and just before the content goes out. The replica that sent it turns it into
/// `sent` on the server's 250, or back into `queued` on any failure (a live replica knows it got
/// no 250). A replica killed in between leaves it `sending`: the server most likely has it, so no
/// replica claims it again (claims take `queued` mail only). Once its lease is over it is given up
/// as `failed`, with a message saying it may have been delivered, so it shows in the counts.
extension Store {
    /// The error recorded on a mail whose replica stopped while handing it to the SMTP server.
    static var abandonedSending: String {
        "the replica sending it stopped while the SMTP server was receiving it; it was probably delivered, and is not sent again"
    }

    /// Records that a mail `owner` holds is being handed to the SMTP server (`sending`), just
    /// before its content goes out; false when `owner` no longer holds it queued.
    public func markSending(mail id: Int64, owner: String) async throws(StoreError) -> Bool {
        try await writeOutbox { db in
            try db.execute(
                sql: "UPDATE outbox SET state = 'sending' WHERE id = ? AND state = 'queued' AND leased_by = ?",
                arguments: [id, owner]
            ) == 1
        }
    }

    /// Gives up, as failed, the mails left `sending` by a replica that stopped: those `owner`
    /// (a replica known to be gone) held, and any whose lease is over. Returns how many.
    @discardableResult
    public func giveUpAbandonedMail(owner: String?) async throws(StoreError) -> Int {
        let now = Self.now()
        let abandoned = "state = 'sending' AND (leased_by = CAST(? AS TEXT) OR lease_until <= ?)"
        let any = try await read { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM outbox WHERE \(abandoned) LIMIT 1", arguments: [owner, now]) ?? false
        }
        guard any else { return 0 }
        return try await writeOutbox { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET state = 'failed', last_error = ?, payload = NULL, lease_until = NULL, leased_by = NULL
                    WHERE \(abandoned)
                    """,
                arguments: [Self.abandonedSending, owner, now]
            )
        }
    }

    /// Mail due for delivery now that no replica holds, oldest first (a look: nothing is claimed).
    public func dueMail(limit: Int) async throws(StoreError) -> [OutboxMail] {
        try await due(Self.mailQueue, limit: limit, as: OutboxMailRecord.self).map(\.mail)
    }

    /// Records that the SMTP server accepted a mail (its lease ends).
    public func markSent(mail id: Int64) async throws(StoreError) {
        let now = Self.now()
        try await writeOutbox { db in
            try db.execute(
                sql: "UPDATE outbox SET state = 'sent', sent_at = ?, payload = NULL, lease_until = NULL, leased_by = NULL WHERE id = ?",
                arguments: [now, id]
            )
        }
    }

    /// Records a failed delivery: retried at `retryAt` (Unix seconds), or given up when nil.
    public func markFailed(mail id: Int64, error: String, retryAt: Int64?) async throws(StoreError) {
        try await writeOutbox { db in
            if let retryAt {
                try db.execute(
                    sql: """
                        UPDATE outbox SET state = 'queued', attempts = attempts + 1, next_attempt_at = ?, last_error = ?, lease_until = NULL,
                            leased_by = NULL
                        WHERE id = ? AND state IN ('queued', 'sending')
                        """,
                    arguments: [retryAt, error, id]
                )
            } else {
                try db.execute(
                    sql: """
                        UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ?, payload = NULL, lease_until = NULL,
                            leased_by = NULL
                        WHERE id = ? AND state IN ('queued', 'sending')
                        """,
                    arguments: [error, id]
                )
            }
        }
    }

    /// How many mails are queued, sent and failed.
    public func outboxCounts(page: String?) async throws(StoreError) -> OutboxCounts {
        try await read { db in
            var counts = OutboxCounts()
            for row in try SQLRow.fetchAll(
                db,
                sql: "SELECT state, COUNT(*) AS n FROM outbox WHERE CAST(?1 AS TEXT) IS NULL OR page_id = ?1 GROUP BY state",
                arguments: [page]
            ) {
                let n: Int = row["n"]
                switch row["state"] as String {
                case "queued", "sending": counts.queued += n
                case "sent": counts.sent = n
                default: counts.failed = n
                }
            }
            return counts
        }
    }
}
