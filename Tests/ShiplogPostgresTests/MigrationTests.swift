import Foundation
import PostgresNIO
import ShiplogStore
import Testing

@testable import ShiplogPostgres

/// The PostgreSQL schema: migrated on open, once, and a newer one refused (SPEC §8).
@Suite(.enabled(if: !TestPostgres.skipped)) struct PostgresMigrationTests {
    @Test func aNewDatabaseIsMigratedToTheLastVersionOnceAcrossOpens() async throws {
        let url = try await TestPostgres.newDatabase()
        let store = try await PostgresStore.open(url)
        defer { store.close() }
        #expect(try await store.schemaVersion() == PostgresSchema.migrations.count)
        let again = try await PostgresStore.open(url)
        defer { again.close() }
        #expect(try await again.schemaVersion() == PostgresSchema.migrations.count)
    }

    @Test func replicasOpeningTogetherMigrateOnce() async throws {
        let url = try await TestPostgres.newDatabase()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    let store = try await PostgresStore.open(url)
                    store.close()
                }
            }
            try await group.waitForAll()
        }
        let store = try await PostgresStore.open(url)
        defer { store.close() }
        #expect(try await store.schemaVersion() == PostgresSchema.migrations.count)
    }

    @Test func aSchemaNewerThanTheBinaryIsRefusedWithAClearMessage() async throws {
        let url = try await TestPostgres.newDatabase()
        let store = try await PostgresStore.open(url)
        let newer = PostgresSchema.migrations.count + 1
        try await store.client.query("INSERT INTO shiplog_schema VALUES (\(newer), 'from the future', 0)")
        store.close()
        await #expect(throws: StoreError.self) { try await PostgresStore.open(url) }
        do {
            _ = try await PostgresStore.open(url)
        } catch {
            #expect("\(error)".contains("schema version \(newer), newer than this shiplog knows (\(newer - 1)): upgrade shiplog"))
        }
    }

    @Test func anUnreachableServerIsADatabaseErrorNamingTheURLWithoutItsPassword() async throws {
        // A free loopback port: nothing listens there.
        let url = "postgres://ada:secret@127.0.0.1:1/none?sslmode=disable"
        do {
            _ = try await PostgresStore.open(url)
            Issue.record("opened a store where no server runs")
        } catch {
            #expect("\(error)".contains("postgres://ada@127.0.0.1:1/none"))
            #expect(!"\(error)".contains("secret"))
        }
    }
}
