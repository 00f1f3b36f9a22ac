import PostgresNIO
public import ShiplogStore

// Subscribers as the page's owner sees them (SPEC §6.2), through the SQLite store's row code.
// Subscribing, confirming and unsubscribing are not here yet.
extension PostgresStore {
    public func subscribers(page: String) async throws(StoreError) -> [Subscriber] {
        try await read { connection in
            try await Self.rows(connection, "SELECT * FROM subscribers WHERE page_id = ? ORDER BY id", page, logger: logger)
                .map { SQLiteStore.subscriber($0) }
        }
    }
}
