import Crypto
package import Foundation
import GRDB
public import ShiplogModel

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
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
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
            throw StoreError.database("cannot open \(path): \(Self.message(error))")
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

    // MARK: Pages and their data

    public func pageIDs() async throws(StoreError) -> [String] {
        try await read { db in try String.fetchAll(db, sql: "SELECT id FROM pages ORDER BY seq") }
    }

    public func load(page: String) async throws(StoreError) -> ReleaseData? {
        try await read { db in try Rows.load(db, page: page) }
    }

    @discardableResult
    public func importData(_ data: ReleaseData) async throws(StoreError) -> ImportSummary {
        let now = Self.now()
        return try await write { db in try Rows.importData(db, data, now: now) }
    }

    @discardableResult
    public func ensurePage(id: String) async throws(StoreError) -> Bool {
        try await write { db in try Rows.ensurePage(db, id: id) }
    }

    @discardableResult
    public func putComponent(_ component: Component, page: String) async throws(StoreError) -> Bool {
        try await write { db in
            try Rows.requirePage(db, page)
            return try Rows.upsert(db, component, page: page)
        }
    }

    @discardableResult
    public func createRelease(_ release: Release, page: String, by creator: String?) async throws(StoreError) -> Release {
        let creation = Creation(by: creator, now: Self.now())
        return try await write { db in try Rows.createRelease(db, release, page: page, creation: creation) }
    }

    @discardableResult
    public func updateRelease(_ release: Release, page: String) async throws(StoreError) -> Release {
        let creation = Creation(by: nil, now: Self.now())
        return try await write { db in
            guard let previous = try Rows.status(db, release.reference, page: page) else {
                throw StoreError.notFound("release \(JSONWriter.quoted(release.version.text)) of component \(JSONWriter.quoted(release.component))")
            }
            // The id and creation are the row's, whatever the caller holds.
            var release = release
            (release.id, release.createdAt, release.createdBy) = (nil, nil, nil)
            _ = try Rows.upsert(db, release, page: page, creation: creation)
            if release.status != previous {
                // Yanking the active release (or making it a draft) makes the latest automatic again.
                if release.status != .published { try Rows.dropUnpublishedActive(db, page: page) }
                try Rows.releasesChanged(
                    db,
                    page: page,
                    published: release.status == .published ? [release.reference] : [],
                    yanked: release.status == .yanked ? [release.reference] : [],
                    now: creation.now
                )
            }
            return try Rows.storedRelease(db, release.reference, page: page) ?? release
        }
    }

    @discardableResult
    public func deleteRelease(_ reference: ReleaseReference, page: String) async throws(StoreError) -> Bool {
        try await write { db in
            if let user = try Rows.referrer(db, reference, page: page) {
                throw StoreError.conflict(
                    "release \(JSONWriter.quoted(reference.version)) of component \(JSONWriter.quoted(reference.component)) is referred to by \(user); remove that first"
                )
            }
            try db.execute(
                sql: "DELETE FROM releases WHERE page_id = ? AND component = ? AND version = ?",
                arguments: [page, reference.component, reference.version]
            )
            return db.changesCount > 0
        }
    }

    public func createGroup(_ group: ReleaseGroup, page: String) async throws(StoreError) {
        try await write { db in
            try Rows.requirePage(db, page)
            let exists = try Bool.fetchOne(
                db,
                sql: "SELECT 1 FROM release_groups WHERE page_id = ? AND version = ?",
                arguments: [page, group.version.text]
            )
            if exists == true {
                throw StoreError.conflict("group \(JSONWriter.quoted(group.version.text)) already exists")
            }
            for member in group.members where try Rows.releaseSeq(db, member, page: page) == nil {
                throw StoreError.invalid(
                    field: "members.\(member.component)",
                    message: "no release \(JSONWriter.quoted(member.version)) of component \(JSONWriter.quoted(member.component))"
                )
            }
            _ = try Rows.upsert(db, group, page: page)
        }
    }

    // MARK: Keys

    public func createKey(page: String, scope: KeyScope) async throws(StoreError) -> NewKey {
        let (key, hash) = Self.makeKey(page: page, scope: scope, now: Timestamp(seconds: Int64(Date().timeIntervalSince1970)))
        try await write { db in
            _ = try Rows.ensurePage(db, id: page)
            try db.execute(
                sql: "INSERT INTO api_keys (id, page_id, scope, hash, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [key.info.id, page, scope.rawValue, hash, key.info.createdAt.seconds]
            )
        }
        return key
    }

    public func keys(page: String?) async throws(StoreError) -> [KeyInfo] {
        try await read { db in
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT * FROM api_keys WHERE ?1 IS NULL OR page_id = ?1 ORDER BY created_at, id",
                arguments: [page]
            )
            return rows.compactMap(Self.keyInfo)
        }
    }

    @discardableResult
    public func revokeKey(id: String) async throws(StoreError) -> Bool {
        let now = Int64(Date().timeIntervalSince1970)
        return try await write { db in
            try db.execute(sql: "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [now, id])
            return db.changesCount > 0
        }
    }

    public func key(secret: String) async throws(StoreError) -> KeyInfo? {
        let hash = Self.hash(secret)
        return try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM api_keys WHERE hash = ? AND revoked_at IS NULL", arguments: [hash])
                .flatMap(Self.keyInfo)
        }
    }

    public func changeCounter() async throws(StoreError) -> Int {
        // data_version is per connection and counts other connections' commits: ask the writer's.
        do {
            return try await pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
        } catch {
            throw Self.storeError(error)
        }
    }

    // MARK: Helpers

    /// A new key of `page` (its id and secret) and the hash of the secret, which is all a store keeps:
    /// the one recipe of every store.
    package static func makeKey(page: String, scope: KeyScope, now: Timestamp) -> (key: NewKey, hash: Data) {
        let id = randomHex(bytes: 6)
        let secret = "shiplog_\(id)_\(randomHex(bytes: 24))"
        return (NewKey(info: KeyInfo(id: id, page: page, scope: scope, createdAt: now), secret: secret), hash(secret))
    }

    package static func hash(_ secret: String) -> Data { Data(SHA256.hash(data: Data(secret.utf8))) }

    package static func randomHex(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in
            let byte = UInt8.random(in: 0...255, using: &generator)
            return String(byte >> 4, radix: 16) + String(byte & 0xF, radix: 16)
        }.joined()
    }

    static func keyInfo(_ row: Row) -> KeyInfo? {
        guard let scope = KeyScope(rawValue: row["scope"]) else { return nil }
        let revoked: Int64? = row["revoked_at"]
        return KeyInfo(
            id: row["id"],
            page: row["page_id"],
            scope: scope,
            createdAt: Timestamp(seconds: row["created_at"]),
            revokedAt: revoked.map { Timestamp(seconds: $0) }
        )
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw Self.storeError(error)
        }
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do {
            return try await pool.write(body)
        } catch {
            throw Self.storeError(error)
        }
    }

    static func storeError(_ error: any Error) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? DatabaseError, error.resultCode == .SQLITE_CONSTRAINT {
            return .conflict(error.message ?? "a constraint of the store was violated")
        }
        return .database(message(error))
    }

    static func message(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? error.description }
        return String(describing: error)
    }
}
