import Logging
import PostgresNIO
import ShiplogStore

extension PostgresStore {
    /// Any number: the advisory lock that lets one process at a time migrate (replicas start together).
    static let migrationLock = 0x5348_4950_4C4F_47

    /// Brings the schema of the database `connection` is connected to up to ``PostgresSchema/migrations``'
    /// last version, each migration in its own transaction, one process at a time (an advisory lock:
    /// replicas start together); refuses a database whose schema is newer than this binary knows.
    static func migrate(_ connection: PostgresConnection, url: PostgresURL, logger: Logger) async throws(StoreError) {
        let known = PostgresSchema.migrations.count
        do {
            try await connection.query("SELECT pg_advisory_lock(\(migrationLock))", logger: logger)
            do {
                try await apply(on: connection, known: known, url: url, logger: logger)
                try await connection.query("SELECT pg_advisory_unlock(\(migrationLock))", logger: logger)
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(migrationLock))", logger: logger)
                throw error
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.database("cannot migrate \(url.redacted): \(reason(error))", cause: error)
        }
    }

    private static func apply(on connection: PostgresConnection, known: Int, url: PostgresURL, logger: Logger) async throws {
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS shiplog_schema (
                version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)
            """,
            logger: logger
        )
        var current = 0
        for try await version in try await connection.query("SELECT COALESCE(MAX(version), 0) FROM shiplog_schema", logger: logger)
            .decode(Int.self)
        {
            current = version
        }
        if current > known {
            throw StoreError.database(
                "the database \(url.redacted) has schema version \(current), newer than this shiplog knows (\(known)): "
                    + "upgrade shiplog to use it"
            )
        }
        for version in (current + 1)...max(current + 1, known) where version <= known {
            let migration = PostgresSchema.migrations[version - 1]
            try await connection.query("BEGIN", logger: logger)
            do {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                let name = migration.name
                let now = now()
                try await connection.query(
                    "INSERT INTO shiplog_schema (version, name, applied_at) VALUES (\(version), \(name), \(now))",
                    logger: logger
                )
                try await connection.query("COMMIT", logger: logger)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// The schema version the database is at.
    func schemaVersion() async throws(StoreError) -> Int {
        try await read { db in try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(version), 0) FROM shiplog_schema") ?? 0 }
    }
}
