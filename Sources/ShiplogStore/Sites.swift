import ShiplogModel

extension Store {
    /// Creates a customer site (SPEC §6.1) by `creator`; a slug the page already has is a conflict.
    public func createSite(slug: String, name: String?, page: String, by creator: String?) async throws(StoreError) {
        let creation = Creation(by: creator, now: Self.now())
        try await write { db in
            try Rows.requirePage(db, page)
            guard try Rows.siteSeq(db, slug, page: page) == nil else {
                throw StoreError.conflict("site \(JSONWriter.quoted(slug)) already exists")
            }
            _ = try Rows.upsert(db, CustomerSite(slug: slug, name: name), page: page, creation: creation)
        }
    }

    /// Sets the name of an existing customer site (nil clears it); not found when it does not exist.
    public func renameSite(slug: String, name: String?, page: String) async throws(StoreError) {
        try await write { db in
            guard try Rows.siteSeq(db, slug, page: page) != nil else { throw StoreError.notFound("site \(JSONWriter.quoted(slug))") }
            try db.execute(sql: "UPDATE sites SET name = ? WHERE page_id = ? AND slug = ?", arguments: [name, page, slug])
        }
    }

    /// Deletes a customer site, detaching its releases (which stay); false when it did not exist.
    @discardableResult
    public func deleteSite(slug: String, page: String) async throws(StoreError) -> Bool {
        try await write { db in
            guard let seq = try Rows.siteSeq(db, slug, page: page) else { return false }
            // Its attachments go first: the releases themselves stay.
            try db.execute(sql: "DELETE FROM site_releases WHERE site_seq = ?", arguments: [seq])
            try db.execute(sql: "DELETE FROM sites WHERE seq = ?", arguments: [seq])
            return true
        }
    }
}

extension Rows {
    /// The row of a customer site; nil when the page has none of that slug.
    static func siteSeq(_ db: any SQLSession, _ slug: String, page: String) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT seq FROM sites WHERE page_id = ? AND slug = ?", arguments: [page, slug])
    }
}
