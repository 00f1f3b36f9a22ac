import GRDB
import ShiplogModel

/// Reading and writing the model's values as rows; every function runs inside the caller's transaction.
enum Rows {
    // MARK: Reading

    static func load(_ db: Database, page id: String) throws -> ReleaseData? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM pages WHERE id = ?", arguments: [id]) else { return nil }
        let page = Page(
            id: row["id"],
            title: row["title"],
            description: row["description"],
            baseURL: row["base_url"],
            grouping: Page.Grouping(rawValue: row["grouping"]) ?? .none,
            isPublic: row["public"],
            feedLimit: row["feed_limit"],
            serverURL: row["server_url"]
        )
        let components = try Row.fetchAll(db, sql: "SELECT * FROM components WHERE page_id = ? ORDER BY seq", arguments: [id]).map {
            Component(
                slug: $0["slug"],
                name: $0["name"],
                repo: $0["repo"],
                url: $0["url"],
                description: $0["description"],
                active: $0["active_version"],
                activatedAt: ($0["activated_at"] as Int64?).map(Timestamp.init(seconds:)),
                activatedBy: $0["activated_by"]
            )
        }
        let releases = try Row.fetchAll(db, sql: "SELECT * FROM releases WHERE page_id = ? ORDER BY seq", arguments: [id]).map(release)
        var members: [Int64: [ReleaseReference]] = [:]
        for row in try Row.fetchAll(
            db,
            sql: "SELECT group_seq, component, version FROM group_members WHERE page_id = ? ORDER BY group_seq, position",
            arguments: [id]
        ) {
            members[row["group_seq"], default: []].append(ReleaseReference(component: row["component"], version: row["version"]))
        }
        let groups = try Row.fetchAll(db, sql: "SELECT * FROM release_groups WHERE page_id = ? ORDER BY seq", arguments: [id]).map {
            ReleaseGroup(
                version: Version($0["version"]),
                title: $0["title"],
                publishedAt: timestamp($0["published_at"]),
                notes: $0["notes"],
                members: members[$0["seq"]] ?? []
            )
        }
        let environments = try Row.fetchAll(db, sql: "SELECT * FROM environments WHERE page_id = ? ORDER BY seq", arguments: [id]).map {
            Environment(name: $0["name"], frozen: $0["frozen"])
        }
        let deployments = try Row.fetchAll(db, sql: "SELECT * FROM deployments WHERE page_id = ? ORDER BY seq", arguments: [id]).map(deployment)
        var siteReleases: [Int64: [ReleaseReference]] = [:]
        for row in try Row.fetchAll(
            db,
            sql: "SELECT site_seq, component, version FROM site_releases WHERE page_id = ? ORDER BY seq",
            arguments: [id]
        ) {
            siteReleases[row["site_seq"], default: []].append(ReleaseReference(component: row["component"], version: row["version"]))
        }
        let sites = try Row.fetchAll(db, sql: "SELECT * FROM sites WHERE page_id = ? ORDER BY seq", arguments: [id]).map {
            CustomerSite(
                slug: $0["slug"],
                name: $0["name"],
                releases: siteReleases[$0["seq"]] ?? [],
                createdAt: timestamp($0["created_at"]),
                createdBy: $0["created_by"]
            )
        }
        return ReleaseData(
            page: page,
            components: components,
            releases: releases,
            groups: groups,
            environments: environments,
            deployments: deployments,
            sites: sites
        )
    }

    static func release(_ row: Row) -> Release {
        let prerelease: Bool? = row["prerelease"]
        let assets: String? = row["assets"]
        return Release(
            component: row["component"],
            version: Version(row["version"]),
            title: row["title"],
            publishedAt: timestamp(row["published_at"]),
            author: row["author"],
            notes: row["notes"],
            status: Release.Status(rawValue: row["status"]) ?? .published,
            prereleaseFlag: prerelease,
            commit: row["commit_id"],
            tag: row["tag"],
            url: row["url"],
            codeName: row["code_name"],
            assets: assets.map(decodeAssets) ?? [],
            id: row["id"],
            createdAt: timestamp(row["created_at"]),
            createdBy: row["created_by"],
            channel: row["channel"],
            build: row["build"]
        )
    }

    static func deployment(_ row: Row) -> Deployment {
        let meta: String? = row["meta"]
        return Deployment(
            component: row["component"],
            version: row["version"],
            environment: row["environment"],
            status: Deployment.Status(rawValue: row["status"]) ?? .unknown,
            startedAt: timestamp(row["started_at"]),
            finishedAt: timestamp(row["finished_at"]),
            host: row["host"],
            actor: row["actor"],
            commit: row["commit_id"],
            meta: meta.flatMap { try? JSONParser.parse($0) },
            id: row["id"],
            createdAt: timestamp(row["created_at"]),
            createdBy: row["created_by"],
            fromVersion: row["from_version"],
            errorMessage: row["error_message"]
        )
    }

    static func timestamp(_ seconds: Int64?) -> Timestamp? { seconds.map { Timestamp(seconds: $0) } }

    static func decodeAssets(_ text: String) -> [Release.Asset] {
        guard case .array(let elements)? = try? JSONParser.parse(text) else { return [] }
        return elements.map { element in
            func string(_ key: String) -> String? {
                if case .string(let value)? = element[key] { return value }
                return nil
            }
            var size: Int?
            if case .number(let digits)? = element["size"] { size = Int(digits) }
            return Release.Asset(
                name: string("name"),
                url: string("url"),
                platform: string("platform"),
                signature: string("signature"),
                size: size,
                sha512: string("sha512"),
                sha256: string("sha256"),
                sha1: string("sha1"),
                minimumSystemVersion: string("minimum_system_version")
            )
        }
    }

    // MARK: Lookups

    static func requirePage(_ db: Database, _ page: String) throws {
        guard try Bool.fetchOne(db, sql: "SELECT 1 FROM pages WHERE id = ?", arguments: [page]) == true else {
            throw StoreError.notFound("page \(JSONWriter.quoted(page))")
        }
    }

    static func requireComponent(_ db: Database, _ slug: String, page: String) throws {
        let exists = try Bool.fetchOne(db, sql: "SELECT 1 FROM components WHERE page_id = ? AND slug = ?", arguments: [page, slug])
        guard exists == true else {
            throw StoreError.invalid(field: "component", message: "unknown component \(JSONWriter.quoted(slug)); create it first")
        }
    }

    static func releaseSeq(_ db: Database, _ reference: ReleaseReference, page: String) throws -> Int64? {
        try Int64.fetchOne(
            db,
            sql: "SELECT seq FROM releases WHERE page_id = ? AND component = ? AND version = ?",
            arguments: [page, reference.component, reference.version]
        )
    }

    /// What refers to a release (a group, a deployment or a site), described for a message; nil when nothing does.
    static func referrer(_ db: Database, _ reference: ReleaseReference, page: String) throws -> String? {
        if let component = try activeReferrer(db, reference, page: page) { return component }
        let arguments: StatementArguments = [page, reference.component, reference.version]
        if let group = try String.fetchOne(
            db,
            sql: """
                SELECT g.version FROM group_members m JOIN release_groups g ON g.seq = m.group_seq
                WHERE m.page_id = ? AND m.component = ? AND m.version = ? LIMIT 1
                """,
            arguments: arguments
        ) {
            return "group \(JSONWriter.quoted(group))"
        }
        if let environment = try String.fetchOne(
            db,
            sql: "SELECT environment FROM deployments WHERE page_id = ? AND component = ? AND version = ? LIMIT 1",
            arguments: arguments
        ) {
            return "a deployment to \(JSONWriter.quoted(environment))"
        }
        if let site = try String.fetchOne(
            db,
            sql: """
                SELECT s.slug FROM site_releases r JOIN sites s ON s.seq = r.site_seq
                WHERE r.page_id = ? AND r.component = ? AND r.version = ? LIMIT 1
                """,
            arguments: arguments
        ) {
            return "site \(JSONWriter.quoted(site))"
        }
        return nil
    }

    // MARK: Writing

    static func ensurePage(_ db: Database, id: String) throws -> Bool {
        try db.execute(sql: "INSERT INTO pages (id, title) VALUES (?, ?) ON CONFLICT (id) DO NOTHING", arguments: [id, id])
        return db.changesCount > 0
    }

    /// Creates or updates; returns whether the row was created.
    static func upsert(_ db: Database, _ page: Page) throws -> Bool {
        let existed = try Bool.fetchOne(db, sql: "SELECT 1 FROM pages WHERE id = ?", arguments: [page.id]) == true
        try db.execute(
            sql: """
                INSERT INTO pages (id, title, description, base_url, grouping, public, feed_limit, server_url)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET title = excluded.title, description = excluded.description,
                    base_url = excluded.base_url, grouping = excluded.grouping, public = excluded.public,
                    feed_limit = excluded.feed_limit, server_url = excluded.server_url
                """,
            arguments: [
                page.id, page.title, page.description, page.baseURL, page.grouping.rawValue, page.isPublic, page.feedLimit, page.serverURL,
            ]
        )
        return !existed
    }

    /// Creates or updates a component; its active release is set when `component.active` is given and
    /// kept otherwise (it changes through ``SQLiteStore/activate(_:page:)`` and ``SQLiteStore/clearActive(component:page:)``).
    static func upsert(_ db: Database, _ component: Component, page: String) throws -> Bool {
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
                    active_version = COALESCE(excluded.active_version, active_version),
                    activated_at = CASE WHEN excluded.active_version IS NULL OR excluded.active_version IS active_version
                        THEN activated_at END,
                    activated_by = CASE WHEN excluded.active_version IS NULL OR excluded.active_version IS active_version
                        THEN activated_by END
                """,
            arguments: [page, component.slug, component.name, component.repo, component.url, component.description, component.active]
        )
        return existed != true
    }

    static func upsert(_ db: Database, _ group: ReleaseGroup, page: String) throws -> Bool {
        let existing = try Int64.fetchOne(
            db,
            sql: "SELECT seq FROM release_groups WHERE page_id = ? AND version = ?",
            arguments: [page, group.version.text]
        )
        try db.execute(
            sql: """
                INSERT INTO release_groups (page_id, version, title, published_at, notes) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (page_id, version) DO UPDATE SET title = excluded.title,
                    published_at = excluded.published_at, notes = excluded.notes
                """,
            arguments: [page, group.version.text, group.title, group.publishedAt?.seconds, group.notes]
        )
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

    static func upsert(_ db: Database, _ environment: Environment, page: String) throws -> Bool {
        let existed = try Bool.fetchOne(
            db,
            sql: "SELECT 1 FROM environments WHERE page_id = ? AND name = ?",
            arguments: [page, environment.name]
        )
        try db.execute(
            sql: """
                INSERT INTO environments (page_id, name, frozen) VALUES (?, ?, ?)
                ON CONFLICT (page_id, name) DO UPDATE SET frozen = excluded.frozen
                """,
            arguments: [page, environment.name, environment.frozen]
        )
        return existed != true
    }
}
