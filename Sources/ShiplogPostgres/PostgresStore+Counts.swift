import PostgresNIO
public import ShiplogStore

// The queue sizes `/metrics` shows: ShiplogStore's `outboxCounts` and `webhookQueueCounts` in
// PostgreSQL's dialect (`COUNT(*) FILTER` for SQLite's `SUM(condition)`).
extension PostgresStore {
    public func outboxCounts(page: String?) async throws(StoreError) -> OutboxCounts {
        try await read { connection in
            var counts = OutboxCounts()
            let rows = try await connection.query(
                "SELECT state, COUNT(*) FROM outbox WHERE \(page)::TEXT IS NULL OR page_id = \(page) GROUP BY state",
                logger: logger
            )
            for try await (state, n) in rows.decode((String, Int).self) {
                switch state {
                case "queued": counts.queued = n
                case "sent": counts.sent = n
                default: counts.failed = n
                }
            }
            return counts
        }
    }

    public func webhookQueueCounts() async throws(StoreError) -> WebhookQueueCounts {
        try await read { connection in
            let rows = try await connection.query(
                "SELECT COUNT(*), COUNT(*) FILTER (WHERE attempts > 0) FROM webhook_deliveries WHERE state = 'queued'",
                logger: logger
            )
            for try await (queued, failing) in rows.decode((Int, Int).self) {
                return WebhookQueueCounts(queued: queued, failing: failing)
            }
            return WebhookQueueCounts()
        }
    }
}
