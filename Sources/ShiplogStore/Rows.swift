import ShiplogModel

/// Writing the model's values as rows, and the lookups writes make; every function runs inside
/// the caller's transaction. Rows are read as records (``ReleaseRecord``, ``PageRows``).
package enum Rows {
    // MARK: Lookups

    static func requirePage(_ db: any SQLSession, _ page: String) throws {
        guard try Bool.fetchOne(db, sql: "SELECT 1 FROM pages WHERE id = ?", arguments: [page]) == true else {
            throw StoreError.notFound("page \(JSONWriter.quoted(page))")
        }
    }

    static func requireComponent(_ db: any SQLSession, _ slug: String, page: String) throws {
        let exists = try Bool.fetchOne(db, sql: "SELECT 1 FROM components WHERE page_id = ? AND slug = ?", arguments: [page, slug])
        guard exists == true else {
            throw StoreError.invalid(field: "component", message: "unknown component \(JSONWriter.quoted(slug)); create it first")
        }
    }

    static func releaseSeq(_ db: any SQLSession, _ reference: ReleaseReference, page: String) throws -> Int64? {
        try Int64.fetchOne(
            db,
            sql: "SELECT seq FROM releases WHERE page_id = ? AND component = ? AND version = ?",
            arguments: [page, reference.component, reference.version]
        )
    }

    /// What refers to a release (a group, a deployment or a site), described for a message; nil when nothing does.
    static func referrer(_ db: any SQLSession, _ reference: ReleaseReference, page: String) throws -> String? {
        if let component = try activeReferrer(db, reference, page: page) { return component }
        for (describe, sql) in referrers {
            if let name = try String.fetchOne(db, sql: sql, arguments: [page, reference.component, reference.version]) {
                return describe(JSONWriter.quoted(name))
            }
        }
        return nil
    }

    /// How each kind of referrer is described, and the name of the first one of a release (`?`:
    /// page, component, version).
    private static let referrers: [(describe: @Sendable (String) -> String, sql: String)] = [
        (
            { "group \($0)" },
            """
            SELECT g.version FROM group_members m JOIN release_groups g ON g.seq = m.group_seq
            WHERE m.page_id = ? AND m.component = ? AND m.version = ? LIMIT 1
            """
        ),
        ({ "a deployment to \($0)" }, "SELECT environment FROM deployments WHERE page_id = ? AND component = ? AND version = ? LIMIT 1"),
        (
            { "site \($0)" },
            """
            SELECT s.slug FROM site_releases r JOIN sites s ON s.seq = r.site_seq
            WHERE r.page_id = ? AND r.component = ? AND r.version = ? LIMIT 1
            """
        ),
    ]

    // MARK: Writing

    static func ensurePage(_ db: any SQLSession, id: String) throws -> Bool {
        try db.execute(sql: "INSERT INTO pages (id, title) VALUES (?, ?) ON CONFLICT (id) DO NOTHING", arguments: [id, id]) > 0
    }

    /// Creates or updates; returns whether the row was created.
    static func upsert(_ db: any SQLSession, _ page: Page) throws -> Bool {
        let existed = try Bool.fetchOne(db, sql: "SELECT 1 FROM pages WHERE id = ?", arguments: [page.id]) == true
        try PageRecord(page).upsert(db, onConflict: ["id"])
        return !existed
    }

    /// Creates or updates a component; its active release is set when `component.active` is given and
    /// kept otherwise (it changes through ``SQLiteStore/activate(_:page:)`` and ``SQLiteStore/clearActive(component:page:)``).
    static func upsert(_ db: any SQLSession, _ component: Component, page: String) throws -> Bool {
        let existed = try Bool.fetchOne(
            db,
            sql: "SELECT 1 FROM components WHERE page_id = ? AND slug = ?",
            arguments: [page, component.slug]
        )
        try db.execute(
            sql: """
                INSERT INTO components (page_id, slug, name, repo, url, description, active_version) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (page_id, slug) DO UPDATE SET name = excluded.name, repo = excluded.repo,
                    url = excluded.url, description = excluded.description,
                    active_version = COALESCE(excluded.active_version, components.active_version),
                    activated_at = CASE WHEN excluded.active_version IS NULL
                        OR excluded.active_version IS NOT DISTINCT FROM components.active_version THEN components.activated_at END,
                    activated_by = CASE WHEN excluded.active_version IS NULL
                        OR excluded.active_version IS NOT DISTINCT FROM components.active_version THEN components.activated_by END
                """,
            arguments: [page, component.slug, component.name, component.repo, component.url, component.description, component.active]
        )
        return existed != true
    }

    static func upsert(_ db: any SQLSession, _ group: ReleaseGroup, page: String) throws -> Bool {
        let existing = try Int64.fetchOne(
            db,
            sql: "SELECT seq FROM release_groups WHERE page_id = ? AND version = ?",
            arguments: [page, group.version.text]
        )
        try GroupRecord(group, page: page).upsert(db, onConflict: ["page_id", "version"])
        let seq =
            try existing
            ?? Int64.fetchOne(db, sql: "SELECT seq FROM release_groups WHERE page_id = ? AND version = ?", arguments: [page, group.version.text])
        try db.execute(sql: "DELETE FROM group_members WHERE group_seq = ?", arguments: [seq])
        for (position, member) in group.members.enumerated() {
            try db.execute(
                sql: "INSERT INTO group_members (group_seq, position, page_id, component, version) VALUES (?, ?, ?, ?, ?)",
                arguments: [seq, position, page, member.component, member.version]
            )
        }
        return existing == nil
    }

    static func upsert(_ db: any SQLSession, _ environment: Environment, page: String) throws -> Bool {
        let existed = try Bool.fetchOne(
            db,
            sql: "SELECT 1 FROM environments WHERE page_id = ? AND name = ?",
            arguments: [page, environment.name]
        )
        try EnvironmentRecord(environment, page: page).upsert(db, onConflict: ["page_id", "name"])
        return existed != true
    }
}
