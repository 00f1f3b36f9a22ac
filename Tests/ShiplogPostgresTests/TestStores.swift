import Foundation
import GRDB
import Glibc
import PostgresNIO
import ShiplogStore
import Testing

@testable import ShiplogPostgres

/// The PostgreSQL the tests use: `SHIPLOG_TEST_POSTGRES_URL` (`Tests/support/postgres.sh` starts a
/// private one and sets it; `.ci/run` does). Without it the PostgreSQL tests FAIL, naming the
/// variable, unless `SHIPLOG_TEST_POSTGRES=skip` says to leave them out: a missing server must not
/// pass silently.
enum TestPostgres {
    static let url = ProcessInfo.processInfo.environment["SHIPLOG_TEST_POSTGRES_URL"]
    static let skipped = url == nil && ProcessInfo.processInfo.environment["SHIPLOG_TEST_POSTGRES"] == "skip"

    /// A new, empty database on the test server; its URL.
    static func newDatabase() async throws -> String {
        guard let url else {
            Issue.record(
                """
                SHIPLOG_TEST_POSTGRES_URL is not set: run `bash Tests/support/postgres.sh swift test --skip-build`, \
                or set SHIPLOG_TEST_POSTGRES=skip to leave out the PostgreSQL tests
                """
            )
            throw StoreError.database("no test PostgreSQL")
        }
        let name = "shiplog_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        let admin = PostgresStore(url: try PostgresURL(url))
        defer { admin.close() }
        try await admin.client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
        var parts = URLComponents(string: url)!
        parts.path = "/\(name)"
        return parts.string!
    }
}

/// A store of each kind, for the tests that every store must pass (SPEC §8: same behaviour).
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// The kinds to run: SQLite always, PostgreSQL unless explicitly skipped.
    static var tested: [StoreKind] { TestPostgres.skipped ? [.sqlite] : allCases }

    /// A new, empty store of this kind (and its location, to open it again).
    func make() async throws -> (store: any Store, location: String) {
        switch self {
        case .sqlite:
            let directory = Self.sqliteFolder.appendingPathComponent(UUID().uuidString)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let path = directory.appendingPathComponent("shiplog.db").path
            return (try SQLiteStore(path: path), path)
        case .postgres:
            let url = try await TestPostgres.newDatabase()
            return (try await PostgresStore.open(url), url)
        }
    }

    /// Where this test process keeps its SQLite stores: `shiplog-pgsuite-PID` in the temporary folder.
    /// The stores stay open until the process ends, so the folder goes then: each process first
    /// removes the folders of processes that have ended.
    static let sqliteFolder: URL = {
        let temporary = FileManager.default.temporaryDirectory
        let prefix = "shiplog-pgsuite-"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? [] where name.hasPrefix(prefix) {
            let pid = name.dropFirst(prefix.count)
            if let number = Int32(pid), kill(number, 0) == 0 || errno == EPERM { continue }
            try? FileManager.default.removeItem(at: temporary.appendingPathComponent(name))
        }
        return temporary.appendingPathComponent("\(prefix)\(ProcessInfo.processInfo.processIdentifier)")
    }()

    /// Opens the store at `location` again (another connection, as a second process would).
    func reopen(_ location: String) async throws -> any Store {
        switch self {
        case .sqlite: try SQLiteStore(path: location)
        case .postgres: try await PostgresStore.open(location)
        }
    }
}

extension StoreKind {
    /// Runs SQL written for both stores on the store at `location`, beside the store's own connections
    /// (for rows the PostgreSQL store cannot make yet through its methods).
    func execute(_ statements: [String], at location: String) async throws {
        switch self {
        case .sqlite:
            let queue = try DatabaseQueue(path: location)
            try await queue.write { db in for statement in statements { try db.execute(sql: statement) } }
            try queue.close()
        case .postgres:
            let store = PostgresStore(url: try PostgresURL(location))
            defer { store.close() }
            for statement in statements { try await store.client.query(PostgresQuery(unsafeSQL: statement)) }
        }
    }
}
