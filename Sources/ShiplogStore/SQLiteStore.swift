import Foundation
import GRDB
import ShiplogModel

/// The embedded store: one SQLite file through GRDB, in WAL mode with foreign keys on and
/// `synchronous = FULL`, so a committed write survives a crash and a half-done one never shows.
///
/// ```swift
/// let store = try SQLiteStore(path: "shiplog.db")
/// try await store.importData(loaded.data)
/// ```
public final class SQLiteStore: Store {
    let pool: DatabasePool

    /// Opens (creating when needed) the database at `path` and migrates it to the current schema.
    ///
    /// A new store file is readable by its owner only (0600): it holds webhook secrets and
    /// unsubscribe tokens. SQLite gives its `-wal` and `-shm` files the database file's mode.
    public init(path: String) throws(StoreError) {
        var created = false
        if !FileManager.default.fileExists(atPath: path) {
            created = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        let superseded: [String]
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // A store migrated by a newer shiplog is refused before anything writes to it.
            superseded = try pool.read { db in try Self.unknownMigrations(db) }
            if superseded.isEmpty { try Schema.migrator.migrate(pool) }
        } catch {
            // A file this call created for a store that could not open (`:memory:`, a URL SQLite
            // does not take) is not left behind.
            if created {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
            throw StoreError.database("cannot open \(path): \(Self.message(error))", cause: error)
        }
        if !superseded.isEmpty {
            throw StoreError.database(
                "cannot open \(path): its schema is newer than this shiplog knows (migration "
                    + "\(superseded.map { JSONWriter.quoted($0) }.joined(separator: ", "))): upgrade shiplog to use it"
            )
        }
    }

    /// The migrations a database has that this binary does not know: a newer shiplog's.
    static func unknownMigrations(_ db: Database) throws -> [String] {
        guard try db.tableExists("grdb_migrations") else { return [] }
        let known = Set(Schema.migrator.migrations)
        return try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations").filter { !known.contains($0) }
    }

    public func changeCounter() async throws(StoreError) -> Int {
        // data_version is per connection and counts other connections' commits: ask the writer's.
        try await Self.converting { try await pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA data_version") ?? 0 } }
    }

    @discardableResult
    public func read<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws(StoreError) -> T {
        try await Self.converting { try await pool.read { db in try body(SQLiteSession(db)) } }
    }

    @discardableResult
    public func write<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws(StoreError) -> T {
        try await Self.converting { try await pool.write { db in try body(SQLiteSession(db)) } }
    }

    /// Runs `access` to the database, turning what it throws into the store's error (``storeError(_:)``).
    private static func converting<T>(_ access: () async throws -> T) async throws(StoreError) -> T {
        do {
            return try await access()
        } catch {
            throw storeError(error)
        }
    }

    static func storeError(_ error: any Error) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? DatabaseError, error.resultCode == .SQLITE_CONSTRAINT {
            return .conflict(error.message ?? "a constraint of the store was violated")
        }
        return .database(message(error), cause: error)
    }

    static func message(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? error.description }
        return String(describing: error)
    }
}
