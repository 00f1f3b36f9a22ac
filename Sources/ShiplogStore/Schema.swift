import GRDB

/// The tables of the embedded store and their migrations. Each migration runs once, in a
/// transaction; never change the SQL a shipped migration runs (how its text is written may change), add the next.
enum Schema {
    /// A table of a page's things, one per `key` in the page, deleted with it: the numbered row, the
    /// page, the key, then `columns` (each element a line of column definitions).
    static func pageTable(_ name: String, key: String, _ columns: [String]) -> String {
        """
        CREATE TABLE \(name) (
            seq INTEGER PRIMARY KEY,
            page_id TEXT NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
            \(key) TEXT NOT NULL,
            \(columns.joined(separator: ",\n    ")),
            UNIQUE (page_id, \(key))
        );
        """
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration(
            "1 pages and releases",
            sql: """
                CREATE TABLE pages (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    title TEXT NOT NULL,
                    description TEXT,
                    base_url TEXT,
                    grouping TEXT NOT NULL DEFAULT 'none',
                    public INTEGER NOT NULL DEFAULT 1,
                    feed_limit INTEGER NOT NULL DEFAULT 50,
                    server_url TEXT
                );
                \(pageTable("components", key: "slug", ["name TEXT, repo TEXT, url TEXT, description TEXT"]))
                CREATE TABLE releases (
                    seq INTEGER PRIMARY KEY,
                    page_id TEXT NOT NULL,
                    component TEXT NOT NULL,
                    version TEXT NOT NULL,
                    title TEXT,
                    published_at INTEGER,
                    author TEXT,
                    notes TEXT,
                    status TEXT NOT NULL,
                    prerelease INTEGER,
                    commit_id TEXT, tag TEXT, url TEXT, code_name TEXT,
                    assets TEXT,
                    UNIQUE (page_id, component, version),
                    FOREIGN KEY (page_id, component) REFERENCES components(page_id, slug) ON DELETE CASCADE
                );
                \(pageTable("release_groups", key: "version", ["title TEXT, published_at INTEGER, notes TEXT"]))
                CREATE TABLE group_members (
                    group_seq INTEGER NOT NULL REFERENCES release_groups(seq) ON DELETE CASCADE,
                    position INTEGER NOT NULL,
                    page_id TEXT NOT NULL, component TEXT NOT NULL, version TEXT NOT NULL,
                    PRIMARY KEY (group_seq, position),
                    FOREIGN KEY (page_id, component, version) REFERENCES releases(page_id, component, version)
                );
                CREATE INDEX group_members_release ON group_members(page_id, component, version);
                \(pageTable("environments", key: "name", ["frozen INTEGER NOT NULL DEFAULT 0"]))
                CREATE TABLE deployments (
                    seq INTEGER PRIMARY KEY,
                    page_id TEXT NOT NULL,
                    component TEXT NOT NULL, version TEXT NOT NULL, environment TEXT NOT NULL,
                    status TEXT NOT NULL,
                    started_at INTEGER, finished_at INTEGER,
                    host TEXT, actor TEXT, commit_id TEXT, meta TEXT,
                    FOREIGN KEY (page_id, component, version) REFERENCES releases(page_id, component, version),
                    FOREIGN KEY (page_id, environment) REFERENCES environments(page_id, name)
                );
                CREATE INDEX deployments_release ON deployments(page_id, component, version);
                CREATE INDEX deployments_environment ON deployments(page_id, environment, seq);
                \(pageTable("sites", key: "slug", ["name TEXT"]))
                CREATE TABLE site_releases (
                    seq INTEGER PRIMARY KEY,
                    site_seq INTEGER NOT NULL REFERENCES sites(seq) ON DELETE CASCADE,
                    page_id TEXT NOT NULL, component TEXT NOT NULL, version TEXT NOT NULL,
                    UNIQUE (site_seq, component, version),
                    FOREIGN KEY (page_id, component, version) REFERENCES releases(page_id, component, version)
                );
                CREATE INDEX site_releases_release ON site_releases(page_id, component, version);
                CREATE TABLE api_keys (
                    id TEXT PRIMARY KEY,
                    page_id TEXT NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
                    scope TEXT NOT NULL,
                    hash BLOB NOT NULL UNIQUE,
                    created_at INTEGER NOT NULL,
                    revoked_at INTEGER
                );
                """
        )
        migrator.registerMigration(
            "2 subscribers and the mail outbox",
            sql: """
                CREATE TABLE subscribers (
                    id INTEGER PRIMARY KEY,
                    page_id TEXT NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
                    email TEXT NOT NULL,
                    email_key TEXT NOT NULL,
                    state TEXT NOT NULL,
                    preferences TEXT NOT NULL,
                    unsubscribe_token TEXT NOT NULL UNIQUE,
                    created_at INTEGER NOT NULL,
                    confirmed_at INTEGER,
                    unsubscribed_at INTEGER,
                    UNIQUE (page_id, email_key)
                );
                CREATE INDEX subscribers_confirmed ON subscribers(page_id, state);
                CREATE TABLE confirmations (
                    token_hash BLOB PRIMARY KEY,
                    subscriber_id INTEGER NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
                    preferences TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    used_at INTEGER
                );
                CREATE INDEX confirmations_subscriber ON confirmations(subscriber_id, created_at);
                CREATE TABLE outbox (
                    id INTEGER PRIMARY KEY,
                    page_id TEXT NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
                    kind TEXT NOT NULL,
                    subscriber_id INTEGER NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
                    component TEXT,
                    version TEXT,
                    bump TEXT,
                    payload TEXT,
                    state TEXT NOT NULL DEFAULT 'queued',
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at INTEGER NOT NULL,
                    last_error TEXT,
                    created_at INTEGER NOT NULL,
                    sent_at INTEGER
                );
                CREATE UNIQUE INDEX outbox_once ON outbox(subscriber_id, kind, component, version) WHERE kind = 'release';
                CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
                """
        )
        migrator.registerMigration(
            "3 webhooks",
            sql: """
                CREATE TABLE webhooks (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    page_id TEXT NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
                    url TEXT NOT NULL,
                    secret TEXT NOT NULL,
                    events TEXT NOT NULL,
                    format TEXT NOT NULL DEFAULT 'json',
                    created_at INTEGER NOT NULL
                );
                CREATE INDEX webhooks_page ON webhooks(page_id);
                CREATE TABLE webhook_deliveries (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    webhook_id TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
                    page_id TEXT NOT NULL,
                    event TEXT NOT NULL,
                    body TEXT NOT NULL,
                    state TEXT NOT NULL DEFAULT 'queued',
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at INTEGER NOT NULL,
                    last_status INTEGER,
                    last_error TEXT,
                    created_at INTEGER NOT NULL,
                    delivered_at INTEGER
                );
                CREATE INDEX webhook_deliveries_queue ON webhook_deliveries(state, webhook_id, seq);
                """
        )
        // The first answer to a POST with an `Idempotency-Key`, per page and caller, for 24 hours (SPEC §6.1).
        migrator.registerMigration(
            "idempotency keys",
            sql: """
                CREATE TABLE idempotency_keys (
                    page_id TEXT NOT NULL,
                    caller TEXT NOT NULL,
                    key TEXT NOT NULL,
                    fingerprint TEXT NOT NULL,
                    status INTEGER NOT NULL,
                    content_type TEXT,
                    location TEXT,
                    body BLOB NOT NULL,
                    created_at INTEGER NOT NULL,
                    PRIMARY KEY (page_id, caller, key)
                );
                CREATE INDEX idempotency_keys_age ON idempotency_keys(created_at);
                """
        )
        migrator.registerMigration("webhook settings") { db in
            // Forwarding formats (SPEC §6.1): the service's settings, and each delivery's own URL
            // (Sentry's holds the deployment's version); NULL means the webhook's URL.
            try db.addColumns(["settings TEXT NOT NULL DEFAULT '{}'"], to: "webhooks")
            try db.addColumns(["url TEXT"], to: "webhook_deliveries")
        }
        migrator.registerMigration("active release") { db in
            // The version of a component's active release (SPEC §3); NULL: the latest is automatic.
            try db.addColumns(["active_version TEXT"], to: "components")
        }
        migrator.registerMigration("ids and creation metadata") { db in
            // Stable ids, who created what and when (SPEC §1, §6.1); channel and build of releases;
            // where a deployment came from and why it failed.
            try db.addColumns(["id TEXT", "created_at INTEGER", "created_by TEXT", "channel TEXT", "build TEXT"], to: "releases")
            try db.addColumns(["id TEXT", "created_at INTEGER", "created_by TEXT", "from_version TEXT", "error_message TEXT"], to: "deployments")
            try db.addColumns(["created_at INTEGER", "created_by TEXT"], to: "sites")
            // Rows stored before ids get one each; when and by whom they were made is not known.
            for table in ["releases", "deployments"] {
                for seq in try Int64.fetchAll(db, sql: "SELECT seq FROM \(table) ORDER BY seq") {
                    try db.execute(sql: "UPDATE \(table) SET id = ? WHERE seq = ?", arguments: [StableID.make(), seq])
                }
            }
            // The version each environment ran before a deployment: its newest earlier success.
            try db.execute(
                sql: """
                    UPDATE deployments SET from_version = (
                        SELECT d.version FROM deployments d
                        WHERE d.page_id = deployments.page_id AND d.environment = deployments.environment
                            AND d.component = deployments.component AND d.status = 'success' AND d.seq < deployments.seq
                        ORDER BY d.seq DESC LIMIT 1
                    );
                    CREATE UNIQUE INDEX releases_id ON releases(id);
                    CREATE UNIQUE INDEX deployments_id ON deployments(id);
                    CREATE INDEX deployments_history ON deployments(page_id, environment, component, seq);
                    """
            )
        }
        migrator.registerMigration("activation metadata") { db in
            // When and by which key a component's active release was set (the app-releases
            // dialect's `activated_at`, `activated_by`); NULL when unknown or automatic.
            try db.addColumns(["activated_at INTEGER", "activated_by TEXT"], to: "components")
        }
        migrator.registerMigration("outbox leases") { db in
            // Replicas claim outbox mail and webhook deliveries (SPEC §8): a claimed item is
            // `leased_by`'s (a replica's id) until `lease_until` (Unix seconds), then anyone's again.
            for table in ["outbox", "webhook_deliveries"] {
                try db.addColumns(["lease_until INTEGER", "leased_by TEXT"], to: table)
            }
        }
        return migrator
    }
}

extension Database {
    /// Adds columns to a table, each given as its SQL definition (`name TYPE …`): SQLite's
    /// `ALTER TABLE` adds one column a statement.
    fileprivate func addColumns(_ columns: [String], to table: String) throws {
        for column in columns { try execute(sql: "ALTER TABLE \(table) ADD COLUMN \(column)") }
    }
}

extension DatabaseMigrator {
    /// Registers a migration that is one SQL script.
    fileprivate mutating func registerMigration(_ identifier: String, sql: String) {
        registerMigration(identifier) { db in try db.execute(sql: sql) }
    }
}
