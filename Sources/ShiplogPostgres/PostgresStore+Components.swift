import Logging
import PostgresNIO
public import ShiplogModel
public import ShiplogStore

// Components and environments: the SQL of ShiplogStore's `Rows.upsert` in PostgreSQL's dialect
// (`IS NOT DISTINCT FROM` for SQLite's `IS`), with the same messages.
extension PostgresStore {
    @discardableResult
    public func putComponent(_ component: Component, page: String) async throws(StoreError) -> Bool {
        try await write { connection in
            try await Self.requirePage(connection, page, logger: logger)
            let (slug, name, repo, url, description, active) =
                (component.slug, component.name, component.repo, component.url, component.description, component.active)
            let existed = try await Self.exists(
                connection,
                "SELECT 1 FROM components WHERE page_id = \(page) AND slug = \(slug)",
                logger: logger
            )
            try await connection.query(
                """
                INSERT INTO components (page_id, slug, name, repo, url, description, active_version)
                VALUES (\(page), \(slug), \(name), \(repo), \(url), \(description), \(active))
                ON CONFLICT (page_id, slug) DO UPDATE SET name = EXCLUDED.name, repo = EXCLUDED.repo,
                    url = EXCLUDED.url, description = EXCLUDED.description,
                    active_version = COALESCE(EXCLUDED.active_version, components.active_version),
                    activated_at = CASE WHEN EXCLUDED.active_version IS NULL
                        OR EXCLUDED.active_version IS NOT DISTINCT FROM components.active_version
                        THEN components.activated_at END,
                    activated_by = CASE WHEN EXCLUDED.active_version IS NULL
                        OR EXCLUDED.active_version IS NOT DISTINCT FROM components.active_version
                        THEN components.activated_by END
                """,
                logger: logger
            )
            return !existed
        }
    }

    public func createEnvironment(_ environment: Environment, page: String) async throws(StoreError) {
        try await write { connection in
            try await Self.requirePage(connection, page, logger: logger)
            let (name, frozen) = (environment.name, environment.frozen ? 1 : 0)
            let rows = try await connection.query(
                "INSERT INTO environments (page_id, name, frozen) VALUES (\(page), \(name), \(frozen)) ON CONFLICT DO NOTHING RETURNING seq",
                logger: logger
            )
            var created = false
            for try await _ in rows { created = true }
            guard created else { throw StoreError.conflict("environment \(JSONWriter.quoted(name)) already exists") }
        }
    }

    public func setFrozen(_ frozen: Bool, environment: String, page: String) async throws(StoreError) {
        let flag = frozen ? 1 : 0
        try await write { connection in
            let changed = try await Self.exists(
                connection,
                "UPDATE environments SET frozen = \(flag) WHERE page_id = \(page) AND name = \(environment) RETURNING seq",
                logger: logger
            )
            guard changed else { throw StoreError.notFound("environment \(JSONWriter.quoted(environment))") }
        }
    }

    // MARK: Lookups

    static func requirePage(_ connection: PostgresConnection, _ page: String, logger: Logger) async throws {
        guard try await exists(connection, "SELECT 1 FROM pages WHERE id = \(page)", logger: logger) else {
            throw StoreError.notFound("page \(JSONWriter.quoted(page))")
        }
    }

    /// Whether the query gives at least one row.
    static func exists(_ connection: PostgresConnection, _ query: PostgresQuery, logger: Logger) async throws -> Bool {
        for try await _ in try await connection.query(query, logger: logger) { return true }
        return false
    }
}
