import Foundation
import PostgresNIO
import ShiplogModel
public import ShiplogStore

extension PostgresStore {
    // MARK: Pages

    public func pageIDs() async throws(StoreError) -> [String] {
        try await read { connection in
            var ids: [String] = []
            for try await id in try await connection.query("SELECT id FROM pages ORDER BY seq", logger: logger).decode(String.self) {
                ids.append(id)
            }
            return ids
        }
    }

    @discardableResult
    public func ensurePage(id: String) async throws(StoreError) -> Bool {
        try await write { connection in try await Self.ensurePage(connection, id: id, logger: logger) }
    }

    static func ensurePage(_ connection: PostgresConnection, id: String, logger: Logger) async throws -> Bool {
        var created = false
        let rows = try await connection.query(
            "INSERT INTO pages (id, title) VALUES (\(id), \(id)) ON CONFLICT (id) DO NOTHING RETURNING seq",
            logger: logger
        )
        for try await _ in rows { created = true }
        return created
    }

    // MARK: Keys

    public func createKey(page: String, scope: KeyScope) async throws(StoreError) -> NewKey {
        let (key, hash) = SQLiteStore.makeKey(page: page, scope: scope, now: Timestamp(seconds: Self.now()))
        try await write { connection in
            _ = try await Self.ensurePage(connection, id: page, logger: logger)
            let (id, scope, created) = (key.info.id, scope.rawValue, key.info.createdAt.seconds)
            try await connection.query(
                "INSERT INTO api_keys (id, page_id, scope, hash, created_at) VALUES (\(id), \(page), \(scope), \(hash), \(created))",
                logger: logger
            )
        }
        return key
    }

    public func keys(page: String?) async throws(StoreError) -> [KeyInfo] {
        try await read { connection in
            let rows = try await connection.query(
                """
                SELECT id, page_id, scope, created_at, revoked_at FROM api_keys
                WHERE \(page)::TEXT IS NULL OR page_id = \(page) ORDER BY created_at, id
                """,
                logger: logger
            )
            var keys: [KeyInfo] = []
            for try await row in rows.decode((String, String, String, Int64, Int64?).self) {
                if let key = Self.keyInfo(row) { keys.append(key) }
            }
            return keys
        }
    }

    @discardableResult
    public func revokeKey(id: String) async throws(StoreError) -> Bool {
        let now = Self.now()
        return try await write { connection in
            var revoked = false
            let rows = try await connection.query(
                "UPDATE api_keys SET revoked_at = \(now) WHERE id = \(id) AND revoked_at IS NULL RETURNING id",
                logger: logger
            )
            for try await _ in rows { revoked = true }
            return revoked
        }
    }

    public func key(secret: String) async throws(StoreError) -> KeyInfo? {
        let hash = SQLiteStore.hash(secret)
        return try await read { connection in
            let rows = try await connection.query(
                "SELECT id, page_id, scope, created_at, revoked_at FROM api_keys WHERE hash = \(hash) AND revoked_at IS NULL",
                logger: logger
            )
            for try await row in rows.decode((String, String, String, Int64, Int64?).self) {
                return Self.keyInfo(row)
            }
            return nil
        }
    }

    static func keyInfo(_ row: (String, String, String, Int64, Int64?)) -> KeyInfo? {
        guard let scope = KeyScope(rawValue: row.2) else { return nil }
        return KeyInfo(
            id: row.0,
            page: row.1,
            scope: scope,
            createdAt: Timestamp(seconds: row.3),
            revokedAt: row.4.map { Timestamp(seconds: $0) }
        )
    }

    // MARK: Changes

    public func changeCounter() async throws(StoreError) -> Int {
        try await read { connection in
            for try await counter in try await connection.query("SELECT counter FROM shiplog_changes", logger: logger).decode(Int.self) {
                return counter
            }
            return 0
        }
    }
}
