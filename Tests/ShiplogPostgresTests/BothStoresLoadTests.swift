import GRDB
import PostgresNIO
import ShiplogModel
import ShiplogStore
import Testing

@testable import ShiplogPostgres

/// `load(page:)` reads the same rows into the same data on both stores: the rows are written with
/// the same SQL on each (the schemas are column for column the same), then loaded.
@Suite(.enabled(if: !TestPostgres.skipped)) struct BothStoresLoadTests {
    static let rows = [
        "INSERT INTO pages (id, title, description, base_url, grouping, public, feed_limit, server_url) VALUES ('acme', 'Acme', 'All of it', 'https://acme.example', 'component', 0, 20, 'https://api.acme.example')",
        "INSERT INTO components (page_id, slug, name, repo, active_version, activated_at, activated_by) VALUES ('acme', 'api', 'API', 'acme/api', '1.0.0', 1700000000, 'k1')",
        "INSERT INTO components (page_id, slug) VALUES ('acme', 'web')",
        """
        INSERT INTO releases (page_id, component, version, title, published_at, notes, status, prerelease, assets, id, created_at, created_by, channel, build)
        VALUES ('acme', 'api', '1.0.0', 'One', 1690000000, 'Notes', 'published', 0, '[{"name":"a.zip","url":"https://x.example/a.zip","size":12}]', 'r1', 1690000001, 'import', 'stable', '100')
        """,
        "INSERT INTO releases (page_id, component, version, status, prerelease, id) VALUES ('acme', 'web', '2.0.0-beta.1', 'draft', 1, 'r2')",
        "INSERT INTO release_groups (seq, page_id, version, title) VALUES (7, 'acme', '2026.1', 'January')",
        "INSERT INTO group_members (group_seq, position, page_id, component, version) VALUES (7, 0, 'acme', 'api', '1.0.0'), (7, 1, 'acme', 'web', '2.0.0-beta.1')",
        "INSERT INTO environments (page_id, name, frozen) VALUES ('acme', 'production', 1), ('acme', 'staging', 0)",
        """
        INSERT INTO deployments (page_id, component, version, environment, status, started_at, host, meta, id, created_at, from_version, error_message)
        VALUES ('acme', 'api', '1.0.0', 'production', 'failure', 1690000100, 'h1', '{"run":3}', 'd1', 1690000100, NULL, 'boom')
        """,
        "INSERT INTO sites (seq, page_id, slug, name, created_at, created_by) VALUES (3, 'acme', 'bigco', 'BigCo', 1690000200, 'k1')",
        "INSERT INTO site_releases (site_seq, page_id, component, version) VALUES (3, 'acme', 'api', '1.0.0')",
    ]

    @Test func theSameRowsLoadAsTheSameDataOnBothStores() async throws {
        let (sqlite, path) = try await StoreKind.sqlite.make()
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in for statement in Self.rows { try db.execute(sql: statement) } }
        try queue.close()
        let url = try await TestPostgres.newDatabase()
        let postgres = try await PostgresStore.open(url)
        defer { postgres.close() }
        for statement in Self.rows { try await postgres.client.query(PostgresQuery(unsafeSQL: statement)) }

        let expected = try #require(try await sqlite.load(page: "acme"))
        #expect(expected.page.isPublic == false)
        #expect(expected.groups.first?.members.count == 2)
        #expect(expected.sites.first?.releases.count == 1)
        #expect(expected.deployments.first?.errorMessage == "boom")
        #expect(expected.releases.first?.assets.first?.size == 12)
        #expect(try await postgres.load(page: "acme") == expected)
        #expect(try await postgres.load(page: "none") == nil)
    }

    @Test(arguments: StoreKind.tested) func anEnsuredPageLoadsWithItsIdAsTitle(kind: StoreKind) async throws {
        let (store, _) = try await kind.make()
        try await store.ensurePage(id: "acme")
        let data = try #require(try await store.load(page: "acme"))
        #expect(data.page.id == "acme")
        #expect(data.page.title == "acme")
        #expect(data.page.isPublic)
        #expect(data.releases.isEmpty && data.components.isEmpty)
    }
}
