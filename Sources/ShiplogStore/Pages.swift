import Crypto
package import Foundation
public import ShiplogModel

extension Store {
    // MARK: Pages and their data

    /// The ids of every page, in creation order.
    public func pageIDs() async throws(StoreError) -> [String] {
        try await read { db in try String.fetchAll(db, sql: "SELECT id FROM pages ORDER BY seq") }
    }

    /// A page's data in the data format's model, or nil when there is no such page.
    public func load(page: String) async throws(StoreError) -> ReleaseData? {
        try await read { db in try PageRows.load(db, page: page) }
    }

    /// Merges valid data into the store (SPEC §5 `import`): the page is created or updated; components,
    /// releases, groups, environments and sites are created or updated by their identity; a deployment
    /// with an id the page has updates it, any other is added unless the same one is there. Given ids
    /// and `created_*` are kept; what lacks them gets a new id and `created_by` `import`. Returns what changed.
    @discardableResult
    public func importData(_ data: ReleaseData) async throws(StoreError) -> ImportSummary {
        let now = Self.now()
        return try await write { db in try Rows.importData(db, data, now: now) }
    }

    /// Creates a page with just an id and title, unless it exists. Returns whether it was created.
    @discardableResult
    public func ensurePage(id: String) async throws(StoreError) -> Bool {
        try await write { db in try Rows.ensurePage(db, id: id) }
    }

    /// Creates or updates a component. Returns whether it was created.
    @discardableResult
    public func putComponent(_ component: Component, page: String) async throws(StoreError) -> Bool {
        try await write { db in
            try Rows.requirePage(db, page)
            return try Rows.upsert(db, component, page: page)
        }
    }

    /// Adds a release; its component must exist and its version be new. The store gives it an id,
    /// `created_at` and `created_by` (`creator`: the id of the key that asked). Returns it as stored.
    @discardableResult
    public func createRelease(_ release: Release, page: String, by creator: String?) async throws(StoreError) -> Release {
        let creation = Creation(by: creator, now: Self.now())
        return try await write { db in try Rows.createRelease(db, release, page: page, creation: creation) }
    }

    /// Replaces the release with the same component and version; its id and creation stay. Returns it as stored.
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

    /// Deletes a release nothing refers to; false when there was none.
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

    /// Adds a group whose members exist.
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

    /// Creates a key for `page` (creating the page when needed) and returns it; only its hash is kept.
    public func createKey(page: String, scope: KeyScope) async throws(StoreError) -> NewKey {
        let (key, hash) = Self.makeKey(page: page, scope: scope, now: Timestamp(seconds: Int64(Date().timeIntervalSince1970)))
        try await write { db in
            _ = try Rows.ensurePage(db, id: page)
            try KeyRecord(key.info, hash: hash).insert(db)
        }
        return key
    }

    /// The keys of `page` (all pages when nil), newest last.
    public func keys(page: String?) async throws(StoreError) -> [KeyInfo] {
        try await read { db in
            try KeyRecord.fetchAll(
                db,
                sql: "SELECT * FROM api_keys WHERE CAST(?1 AS TEXT) IS NULL OR page_id = ?1 ORDER BY created_at, id",
                arguments: [page]
            ).compactMap(\.key)
        }
    }

    /// Revokes a key by its id; false when there is no such key.
    @discardableResult
    public func revokeKey(id: String) async throws(StoreError) -> Bool {
        let now = Int64(Date().timeIntervalSince1970)
        return try await write { db in
            try db.execute(sql: "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [now, id]) > 0
        }
    }

    /// The live (not revoked) key whose secret is `secret`, if any.
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
