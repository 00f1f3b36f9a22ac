import Logging
import PostgresNIO
public import ShiplogModel
public import ShiplogStore

// Customer sites (SPEC §6.1): the SQL of ShiplogStore's `Sites.swift` and `Rows.upsert(site)`,
// with the same messages.
extension PostgresStore {
    @discardableResult
    public func putSite(slug: String, name: String?, page: String, by creator: String?) async throws(StoreError) -> Bool {
        let now = Self.now()
        return try await write { connection in
            try await Self.requirePage(connection, page, logger: logger)
            let existed = try await Self.siteSeq(connection, slug, page: page, logger: logger) != nil
            try await connection.query(
                """
                INSERT INTO sites (page_id, slug, name, created_at, created_by) VALUES (\(page), \(slug), \(name), \(now), \(creator))
                ON CONFLICT (page_id, slug) DO UPDATE SET name = EXCLUDED.name
                """,
                logger: logger
            )
            return !existed
        }
    }

    public func createSite(slug: String, name: String?, page: String, by creator: String?) async throws(StoreError) {
        let now = Self.now()
        try await write { connection in
            try await Self.requirePage(connection, page, logger: logger)
            let created = try await Self.exists(
                connection,
                """
                INSERT INTO sites (page_id, slug, name, created_at, created_by) VALUES (\(page), \(slug), \(name), \(now), \(creator))
                ON CONFLICT DO NOTHING RETURNING seq
                """,
                logger: logger
            )
            guard created else { throw StoreError.conflict("site \(JSONWriter.quoted(slug)) already exists") }
        }
    }

    public func renameSite(slug: String, name: String?, page: String) async throws(StoreError) {
        try await write { connection in
            let renamed = try await Self.exists(
                connection,
                "UPDATE sites SET name = \(name) WHERE page_id = \(page) AND slug = \(slug) RETURNING seq",
                logger: logger
            )
            guard renamed else { throw StoreError.notFound("site \(JSONWriter.quoted(slug))") }
        }
    }

    @discardableResult
    public func deleteSite(slug: String, page: String) async throws(StoreError) -> Bool {
        try await write { connection in
            guard let seq = try await Self.siteSeq(connection, slug, page: page, logger: logger) else { return false }
            // Its attachments go first: the releases themselves stay.
            try await connection.query("DELETE FROM site_releases WHERE site_seq = \(seq)", logger: logger)
            try await connection.query("DELETE FROM sites WHERE seq = \(seq)", logger: logger)
            return true
        }
    }

    @discardableResult
    public func attach(_ reference: ReleaseReference, site: String, page: String) async throws(StoreError) -> Bool {
        try await write { connection in
            guard let seq = try await Self.siteSeq(connection, site, page: page, logger: logger) else {
                throw StoreError.notFound("site \(JSONWriter.quoted(site))")
            }
            let (component, version) = (reference.component, reference.version)
            let known = try await Self.exists(
                connection,
                "SELECT 1 FROM releases WHERE page_id = \(page) AND component = \(component) AND version = \(version)",
                logger: logger
            )
            guard known else {
                throw StoreError.notFound("release \(JSONWriter.quoted(version)) of component \(JSONWriter.quoted(component))")
            }
            return try await Self.exists(
                connection,
                """
                INSERT INTO site_releases (site_seq, page_id, component, version) VALUES (\(seq), \(page), \(component), \(version))
                ON CONFLICT DO NOTHING RETURNING seq
                """,
                logger: logger
            )
        }
    }

    @discardableResult
    public func detach(_ reference: ReleaseReference, site: String, page: String) async throws(StoreError) -> Bool {
        try await write { connection in
            guard let seq = try await Self.siteSeq(connection, site, page: page, logger: logger) else {
                throw StoreError.notFound("site \(JSONWriter.quoted(site))")
            }
            let (component, version) = (reference.component, reference.version)
            return try await Self.exists(
                connection,
                "DELETE FROM site_releases WHERE site_seq = \(seq) AND component = \(component) AND version = \(version) RETURNING seq",
                logger: logger
            )
        }
    }

    /// The row of a customer site; nil when the page has none of that slug.
    static func siteSeq(_ connection: PostgresConnection, _ slug: String, page: String, logger: Logger) async throws -> Int64? {
        let rows = try await connection.query("SELECT seq FROM sites WHERE page_id = \(page) AND slug = \(slug)", logger: logger)
        for try await seq in rows.decode(Int64.self) { return seq }
        return nil
    }
}
