import Foundation
import GRDB
import ShiplogStore
import Testing

/// A store migrated by a newer shiplog is refused, not written to (SPEC §8).
@Suite struct SchemaVersionTests {
    @Test(.enabled(if: TemporaryStore.onSQLite, "SQLite's migration table")) func aNewerSchemaRefusesThisBinaryWithAClearMessage() async throws {
        let temporary = try await TemporaryStore()
        let path = temporary.location
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('from the future')")
        }
        try queue.close()
        let expected = StoreError.database(
            "cannot open \(path): its schema is newer than this shiplog knows (migration \"from the future\"): upgrade shiplog to use it"
        )
        #expect(throws: expected) { try SQLiteStore(path: path) }
    }
}
