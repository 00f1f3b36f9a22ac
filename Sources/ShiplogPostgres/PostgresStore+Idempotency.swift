import Foundation
import PostgresNIO
public import ShiplogStore

// Answers kept for `Idempotency-Key` (SPEC §6.1): ShiplogStore's `IdempotencyKeys.swift` in
// PostgreSQL's dialect (`INSERT … ON CONFLICT DO UPDATE` for SQLite's `INSERT OR REPLACE`).
extension PostgresStore {
    public func storedAnswer(page: String, caller: String, key: String) async throws(StoreError) -> StoredAnswer? {
        let oldest = Self.now() - IdempotencyKeys.lifetime
        return try await read { connection in
            let rows = try await connection.query(
                """
                SELECT page_id, caller, key, fingerprint, status, content_type, location, body, created_at FROM idempotency_keys
                WHERE page_id = \(page) AND caller = \(caller) AND key = \(key) AND created_at > \(oldest)
                """,
                logger: logger
            )
            for try await row in rows.decode((String, String, String, String, Int, String?, String?, Data, Int64).self) {
                return StoredAnswer(
                    page: row.0,
                    caller: row.1,
                    key: row.2,
                    fingerprint: row.3,
                    status: row.4,
                    contentType: row.5,
                    location: row.6,
                    body: [UInt8](row.7),
                    createdAt: row.8
                )
            }
            return nil
        }
    }

    public func storeAnswer(_ answer: StoredAnswer) async throws(StoreError) {
        let expired = answer.createdAt - IdempotencyKeys.lifetime
        let body = Data(answer.body)
        try await write { connection in
            // Expired answers go as new ones come, so the table holds about a day of POSTs.
            try await connection.query("DELETE FROM idempotency_keys WHERE created_at <= \(expired)", logger: logger)
            try await connection.query(
                """
                INSERT INTO idempotency_keys (page_id, caller, key, fingerprint, status, content_type, location, body, created_at)
                VALUES (\(answer.page), \(answer.caller), \(answer.key), \(answer.fingerprint), \(answer.status),
                    \(answer.contentType), \(answer.location), \(body), \(answer.createdAt))
                ON CONFLICT (page_id, caller, key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, status = EXCLUDED.status,
                    content_type = EXCLUDED.content_type, location = EXCLUDED.location, body = EXCLUDED.body,
                    created_at = EXCLUDED.created_at
                """,
                logger: logger
            )
        }
    }
}
