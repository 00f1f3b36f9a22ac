import Foundation
import GRDB
import ShiplogModel
import ShiplogStore
import Testing

@testable import ShiplogPostgres

/// `shiplog migrate` (SPEC §8): a whole store copied into an empty one, SQLite to PostgreSQL and back,
/// every row of every table kept as it was, in one transaction that a failure rolls back.
@Suite(.enabled(if: !TestPostgres.skipped)) struct StoreCopyTests {
    /// A SQLite store with a row in every table, made through the store's own methods.
    static func filledSQLite() async throws -> (store: SQLiteStore, path: String, secret: String) {
        let (made, path) = try await StoreKind.sqlite.make()
        let store = try #require(made as? SQLiteStore)
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../site/data.json")
        let bytes = try [UInt8](Data(contentsOf: file))
        try await store.importData(try DataLoader.load([DataSource(name: "data.json", bytes: bytes)]).data)
        let key = try await store.createKey(page: "nimbus", scope: .admin)
        #expect(try await store.subscribe(page: "nimbus", email: "ada@example.com", preferences: [.major]) == .confirmationQueued)
        #expect(try await store.importSubscribers(page: "nimbus", [("bob@example.com", [.major, .minor, .patch])]) == 1)
        _ = try await store.createWebhook(WebhookRegistration(url: "https://hooks.example/in", secret: "s3cret"), page: "nimbus")
        // Published: a release mail for bob and a `release.published` delivery.
        try await store.createRelease(Release(component: "api", version: Version("9.0.0")), page: "nimbus", by: key.info.id)
        try await store.markSent(mail: 1)
        try await store.storeAnswer(
            StoredAnswer(
                page: "nimbus",
                caller: "key:\(key.info.id)",
                key: "k1",
                fingerprint: "f",
                status: 201,
                contentType: "application/json",
                location: nil,
                body: [0, 1, 255],
                createdAt: Int64(Date().timeIntervalSince1970)
            )
        )
        return (store, path, key.secret)
    }

    /// Every row of every table, by column name.
    static func rows(_ store: any Store) async throws -> [String: [[String: SQLValue]]] {
        try await store.read { db in
            var all: [String: [[String: SQLValue]]] = [:]
            for table in StoreCopy.tables {
                all[table.name] = try SQLRow.fetchAll(db, sql: "SELECT * FROM \(table.name) ORDER BY \(table.order)").map { row in
                    Dictionary(uniqueKeysWithValues: zip(row.columns, row.values))
                }
            }
            return all
        }
    }

    @Test func sqliteToPostgresAndBackKeepsEveryRowAndTheCopyWorks() async throws {
        let (source, _, secret) = try await Self.filledSQLite()
        let counts = try await StoreCopy.counts(source)
        #expect(counts.map(\.table) == StoreCopy.tables.map(\.name))
        #expect(counts.allSatisfy { $0.rows > 0 }, "a row in every table: \(StoreCopy.describe(counts))")
        let expected = try await Self.rows(source)

        let postgres = try await PostgresStore.open(try await TestPostgres.newDatabase())
        defer { postgres.close() }
        #expect(try await StoreCopy.copy(from: source, to: postgres) == counts)
        #expect(try await Self.rows(postgres) == expected)

        // The ids continue after the copied ones: new rows of every kind can be made. (A draft: a
        // published release's mail is queued with SQL the parity fixes of issue 13 make portable.)
        let release = try await postgres.createRelease(
            Release(component: "api", version: Version("9.1.0"), status: .draft),
            page: "nimbus",
            by: nil
        )
        #expect(release.version.text == "9.1.0")
        let seqs = try await postgres.read { db in
            try Int64.fetchAll(db, sql: "SELECT seq FROM releases WHERE version IN ('9.0.0', '9.1.0') ORDER BY seq")
        }
        #expect(seqs.count == 2 && seqs[1] == seqs[0] + 1)
        #expect(try await postgres.subscribe(page: "nimbus", email: "cy@example.com", preferences: [.major]) == .confirmationQueued)
        _ = try await postgres.createWebhook(WebhookRegistration(url: "https://hooks.example/two", secret: "s"), page: "nimbus")
        try await postgres.createEnvironment(Environment(name: "qa"), page: "nimbus")
        #expect(try await postgres.key(secret: secret)?.page == "nimbus")
        let subscribers = try await postgres.subscribers(page: "nimbus")
        #expect(subscribers.map(\.email) == ["ada@example.com", "bob@example.com", "cy@example.com"])

        let (made, _) = try await StoreKind.sqlite.make()
        let back = try #require(made as? SQLiteStore)
        try await StoreCopy.copy(from: postgres, to: back)
        #expect(try await Self.rows(back) == Self.rows(postgres))
        #expect(try await back.load(page: "nimbus") == postgres.load(page: "nimbus"))
    }

    @Test func aTargetThatHoldsAnyRowIsRefusedAndLeftAsItWas() async throws {
        let (source, _, _) = try await Self.filledSQLite()
        let postgres = try await PostgresStore.open(try await TestPostgres.newDatabase())
        defer { postgres.close() }
        _ = try await postgres.createKey(page: "other", scope: .read)
        let before = try await Self.rows(postgres)
        do {
            try await StoreCopy.copy(from: source, to: postgres)
            Issue.record("copied into a store that holds rows")
        } catch {
            #expect("\(error)".contains("the target is not empty (pages: 1, api_keys: 1)"))
        }
        #expect(try await Self.rows(postgres) == before)
    }

    @Test func aFailureHalfwayLeavesTheTargetEmpty() async throws {
        let (source, path, _) = try await Self.filledSQLite()
        // A column the target does not have: the outbox (late in the order) cannot be written.
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in try db.execute(sql: "ALTER TABLE outbox ADD COLUMN extra TEXT") }
        try queue.close()
        let postgres = try await PostgresStore.open(try await TestPostgres.newDatabase())
        defer { postgres.close() }
        await #expect(throws: StoreError.self) { try await StoreCopy.copy(from: source, to: postgres) }
        #expect(try await StoreCopy.counts(postgres).allSatisfy { $0.rows == 0 })
        // The sequences did not move either: the first page made is seq 1.
        try await postgres.ensurePage(id: "fresh")
        #expect(try await postgres.read { db in try Int64.fetchOne(db, sql: "SELECT seq FROM pages") } == 1)
    }

    @Test(arguments: StoreKind.tested) func theCopyKnowsEveryTableOfTheSchema(kind: StoreKind) async throws {
        let (store, _) = try await kind.make()
        let sql =
            kind == .sqlite
            ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            : "SELECT CAST(table_name AS TEXT) FROM information_schema.tables WHERE table_schema = current_schema()"
        let tables = try await store.read { db in try String.fetchAll(db, sql: sql) }
        #expect(Set(tables).subtracting(StoreCopy.bookkeeping) == Set(StoreCopy.tables.map(\.name)))
    }
}
