import Crypto
package import Foundation
public import ShiplogModel

/// A store whose rows live in a SQL database: every ``Store`` method is written once, here and in
/// the files that extend `SQLStore`, in the SQL both databases accept (``SQLSession``). A store only
/// opens its database, migrates it and runs transactions: ``SQLiteStore`` and the PostgreSQL store.
public protocol SQLStore: Store {
    /// Runs `body` on a snapshot of the database.
    @discardableResult
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws(StoreError) -> T
    /// Runs `body` in one transaction, alone: writes are serialized, as SQLite's are, so a rule that
    /// reads and then writes sees no other write in between. A thrown error rolls everything back.
    @discardableResult
    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws(StoreError) -> T
    /// A write of the delivery queues alone (claims, marks, leases given back): one transaction, but
    /// not serialized with the writes of the data, which it never touches. On PostgreSQL the claims'
    /// `FOR UPDATE SKIP LOCKED` keeps replicas apart, and a mark commits without waiting for another
    /// replica's write: the time between an SMTP server's acceptance and the mark, when a replica
    /// killed would leave its mail to be sent again, stays one statement long. On SQLite: ``write(_:)``.
    @discardableResult
    func writeOutbox<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws(StoreError) -> T
}

extension SQLStore {
    @discardableResult
    public func writeOutbox<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws(StoreError) -> T {
        try await write(body)
    }
}

extension SQLStore {
    // MARK: Pages and their data

    public func pageIDs() async throws(StoreError) -> [String] {
        try await read { db in try String.fetchAll(db, sql: "SELECT id FROM pages ORDER BY seq") }
    }

    public func load(page: String) async throws(StoreError) -> ReleaseData? {
        try await read { db in try PageRows.load(db, page: page) }
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
            return try db.execute(
                sql: "DELETE FROM releases WHERE page_id = ? AND component = ? AND version = ?",
                arguments: [page, reference.component, reference.version]
            ) > 0
        }
    }

    public func createGroup(_ group: ReleaseGroup, page: String) async throws(StoreError) {
        try await write { db in
            try Rows.requirePage(db, page)
            // Canonically equivalent versions are one version (as for releases: ``Rows/createRelease``).
            let versions = try String.fetchAll(db, sql: "SELECT version FROM release_groups WHERE page_id = ?", arguments: [page])
            if versions.contains(group.version.text) {
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
            try KeyRecord(key.info, hash: hash).insert(db)
        }
        return key
    }

    public func keys(page: String?) async throws(StoreError) -> [KeyInfo] {
        try await read { db in
            try KeyRecord.fetchAll(
                db,
                sql: "SELECT * FROM api_keys WHERE CAST(?1 AS TEXT) IS NULL OR page_id = ?1 ORDER BY created_at, id",
                arguments: [page]
            ).compactMap(\.key)
        }
    }

    @discardableResult
    public func revokeKey(id: String) async throws(StoreError) -> Bool {
        let now = Int64(Date().timeIntervalSince1970)
        return try await write { db in
            try db.execute(sql: "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [now, id]) > 0
        }
    }

    public func key(secret: String) async throws(StoreError) -> KeyInfo? {
        let hash = Self.hash(secret)
        return try await read { db in
            try KeyRecord.fetchOne(db, sql: "SELECT * FROM api_keys WHERE hash = ? AND revoked_at IS NULL", arguments: [hash])?.key
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
}
