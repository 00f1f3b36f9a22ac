public import ShiplogModel

/// The active release of a component (SPEC §3, §6.1): `components.active_version`.
extension Store {
    /// Makes a release its component's active release, its latest (SPEC §3). A draft is published
    /// first, with publishing's effects (`published_at` set when missing, subscriber mail, the
    /// `release.published` event); a yanked release is a conflict. Returns the release as stored.
    /// `creator` is the id of the key that asked (recorded with the time as the activation's).
    public func activate(_ reference: ReleaseReference, page: String, by creator: String?) async throws(StoreError) -> Release {
        let now = Self.now()
        return try await write { db in
            try Rows.requirePage(db, page)
            let named = "release \(JSONWriter.quoted(reference.version)) of component \(JSONWriter.quoted(reference.component))"
            guard
                var release = try Rows.storedRelease(db, reference, page: page)
            else { throw StoreError.notFound(named) }
            switch release.status {
            case .yanked:
                throw StoreError.conflict("\(named) is yanked and cannot be activated; publish it again first or activate another release")
            case .draft:
                // Activating a draft publishes it, with everything publishing does (mail, `release.published`).
                release.status = .published
                if release.publishedAt == nil { release.publishedAt = Timestamp(seconds: now) }
                _ = try Rows.upsert(db, release, page: page, creation: Creation(by: nil, now: now))
                try Rows.releasesChanged(db, page: page, published: [reference], now: now)
            case .published:
                break
            }
            try db.execute(
                sql: "UPDATE components SET active_version = ?, activated_at = ?, activated_by = ? WHERE page_id = ? AND slug = ?",
                arguments: [reference.version, now, creator, page, reference.component]
            )
            return release
        }
    }

    /// Makes a component's latest automatic again; returns the version that was active (nil when none was).
    @discardableResult
    public func clearActive(component: String, page: String) async throws(StoreError) -> String? {
        try await write { db in
            try Rows.requirePage(db, page)
            guard
                let row = try SQLRow.fetchOne(
                    db,
                    sql: "SELECT active_version FROM components WHERE page_id = ? AND slug = ?",
                    arguments: [page, component]
                )
            else { throw StoreError.notFound("component \(JSONWriter.quoted(component))") }
            let previous: String? = row["active_version"]
            try db.execute(
                sql: "UPDATE components SET active_version = NULL, activated_at = NULL, activated_by = NULL WHERE page_id = ? AND slug = ?",
                arguments: [page, component]
            )
            return previous
        }
    }
}

extension Rows {
    /// Clears every active release of `page` that is no longer published (it was yanked, or made a
    /// draft again): the component's latest is automatic again (SPEC §3).
    static func dropUnpublishedActive(_ db: any SQLSession, page: String) throws {
        try db.execute(
            sql: """
                UPDATE components SET active_version = NULL, activated_at = NULL, activated_by = NULL
                WHERE page_id = ?1 AND active_version IS NOT NULL AND NOT EXISTS (
                    SELECT 1 FROM releases r WHERE r.page_id = ?1 AND r.component = components.slug
                    AND r.version = components.active_version AND r.status = 'published')
                """,
            arguments: [page]
        )
    }

    /// The component whose active release `reference` is, described for a message; nil when none.
    static func activeReferrer(_ db: any SQLSession, _ reference: ReleaseReference, page: String) throws -> String? {
        let pinned = try Bool.fetchOne(
            db,
            sql: "SELECT 1 FROM components WHERE page_id = ? AND slug = ? AND active_version = ?",
            arguments: [page, reference.component, reference.version]
        )
        guard pinned == true else { return nil }
        return
            "component \(JSONWriter.quoted(reference.component)) as its active release (DELETE …/components/\(reference.component)/active or activate another)"
    }
}
