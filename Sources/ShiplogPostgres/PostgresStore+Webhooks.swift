import PostgresNIO
import ShiplogModel
public import ShiplogStore

// Registered webhooks (SPEC §6): ShiplogStore's `Webhooks.swift`, with the same row-to-webhook code
// (`SQLiteStore.webhook`) and the same SQL. Their delivery queue is not here yet.
extension PostgresStore {
    public func createWebhook(_ registration: WebhookRegistration, page: String) async throws(StoreError) -> Webhook {
        let id = SQLiteStore.randomHex(bytes: 8)
        let now = Self.now()
        let events = Webhooks.encode(registration.events)
        let settings = Webhooks.encode(settings: registration.settings)
        return try await write { connection in
            try await Self.requirePage(connection, page, logger: logger)
            try await connection.query(
                """
                INSERT INTO webhooks (id, page_id, url, secret, events, format, settings, created_at)
                VALUES (\(id), \(page), \(registration.url), \(registration.secret), \(events), \(registration.format.rawValue), \(settings), \(now))
                """,
                logger: logger
            )
            guard let webhook = try await Self.rows(connection, SQLiteStore.webhookSelect + " WHERE w.id = ?", id, logger: logger).first
            else { throw StoreError.database("the webhook vanished") }
            return SQLiteStore.webhook(webhook)
        }
    }

    public func webhooks(page: String) async throws(StoreError) -> [Webhook] {
        try await read { connection in
            try await Self.rows(connection, SQLiteStore.webhookSelect + " WHERE w.page_id = ? ORDER BY w.seq", page, logger: logger)
                .map { SQLiteStore.webhook($0) }
        }
    }

    @discardableResult
    public func deleteWebhook(id: String, page: String) async throws(StoreError) -> Bool {
        try await write { connection in
            try await Self.exists(connection, "DELETE FROM webhooks WHERE id = \(id) AND page_id = \(page) RETURNING seq", logger: logger)
        }
    }
}
