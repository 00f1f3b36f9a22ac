import Foundation
import GRDB
import ShiplogModel
import Testing

@testable import ShiplogStore

/// Stable ids and creation metadata (SPEC §1, §6.1): given by the store, kept by export and import.
@Suite struct IDTests {
    /// Whether `id` is a lower-case UUIDv7 (`xxxxxxxx-xxxx-7xxx-[89ab]xxx-xxxxxxxxxxxx`).
    static func isUUIDv7(_ id: String?) -> Bool {
        guard let id else { return false }
        let parts = id.split(separator: "-", omittingEmptySubsequences: false)
        return parts.map(\.count) == [8, 4, 4, 4, 12] && id.allSatisfy { "0123456789abcdef-".contains($0) }
            && parts[2].first == "7" && "89ab".contains(parts[3].first!)
    }

    @Test func idsAreUUIDv7AndCarryTheTime() {
        let id = StableID.make(milliseconds: 0x0190_F3C2_7A1B, random: (0xFFFF_FFFF_FFFF_FFFF, 0))
        #expect(id == "0190f3c2-7a1b-7fff-bfff-ffffffff0000")
        #expect(Self.isUUIDv7(StableID.make()))
        #expect(Set((0..<1000).map { _ in StableID.make() }).count == 1000)
    }

    @Test func importGivesEveryReleaseAndDeploymentANewUniqueIdByImport() async throws {
        let before = Int64(Date().timeIntervalSince1970)
        let (temporary, data) = try await TemporaryStore.example()
        let stored = try #require(try await temporary.store.load(page: data.page.id))
        let ids = stored.releases.map(\.id) + stored.deployments.map(\.id)
        #expect(ids.allSatisfy(Self.isUUIDv7))
        #expect(Set(ids).count == ids.count)
        #expect(stored.releases.allSatisfy { $0.createdBy == "import" && ($0.createdAt?.seconds ?? 0) >= before })
        #expect(stored.deployments.allSatisfy { $0.createdBy == "import" && ($0.createdAt?.seconds ?? 0) >= before })
        #expect(stored.sites.allSatisfy { $0.createdBy == "import" && $0.createdAt != nil })
        // Importing the same data again changes no id.
        try await temporary.store.importData(data)
        #expect(try await temporary.store.load(page: data.page.id)?.releases.map(\.id) == stored.releases.map(\.id))
    }

    @Test func exportThenImportIntoAnotherStoreKeepsIdsAndCreation() async throws {
        let (first, data) = try await TemporaryStore.example()
        let release = try await first.store.createRelease(
            Release(component: "api", version: Version("9.0.0"), publishedAt: Timestamp(seconds: 1_800_000_000)),
            page: data.page.id,
            by: "k3y1d"
        )
        #expect(Self.isUUIDv7(release.id) && release.createdBy == "k3y1d")
        let stored = try #require(try await first.store.load(page: data.page.id))
        let exported = JSONWriter.write(DataEncoder.document(stored))
        let reloaded = try DataLoader.load([DataSource(name: "export.json", bytes: Array(exported.utf8))])
        let second = try await TemporaryStore(importing: reloaded.data)
        #expect(try await second.store.load(page: data.page.id) == stored)
    }

    @Test func anExportImportedWhereTheSameDataIsMergesInsteadOfDoubling() async throws {
        let data = try exampleData()
        let (first, second) = (try await TemporaryStore(importing: data), try await TemporaryStore(importing: data))
        let exported = try #require(try await first.store.load(page: data.page.id))
        let summary = try await second.store.importData(exported)
        #expect(summary.created["deployments"] == nil && summary.created["releases"] == nil)
        let merged = try #require(try await second.store.load(page: data.page.id))
        #expect(merged.deployments.map(\.id) == exported.deployments.map(\.id))
        #expect(merged.releases.map(\.id) == exported.releases.map(\.id))
        // Two events with the same data are two deployments, kept apart by their ids.
        var twice = exported
        var again = try #require(exported.deployments.first)
        again.id = "again"
        twice.deployments.append(again)
        #expect(try await second.store.importData(twice).created["deployments"] == 1)
        #expect(try await second.store.load(page: data.page.id)?.deployments.count == exported.deployments.count + 1)
    }

    @Test func anIdAnotherReleaseHasIsRefused() async throws {
        let temporary = try await TemporaryStore()
        var data = try exampleData()
        try await temporary.store.importData(data)
        let taken = try #require(try await temporary.store.load(page: data.page.id)?.releases[0].id)
        data.releases[1].id = taken
        await #expect(throws: StoreError.self) { try await temporary.store.importData(data) }
        // Another page may not take it either: ids are unique in the store.
        data.page.id = "other"
        data.releases = [data.releases[1]]
        (data.groups, data.deployments, data.sites) = ([], [], [])
        await #expect(throws: StoreError.self) { try await temporary.store.importData(data) }
        #expect(try await temporary.store.load(page: "other") == nil)
    }

    /// Ids are unique in the store across kinds: a deployment may not take a release's id.
    @Test func aReleasesIdIsRefusedForADeployment() async throws {
        let (temporary, data) = try await TemporaryStore.example()
        let store = temporary.store
        let taken = try #require(try await store.load(page: data.page.id)?.releases[0].id)
        let release = try #require(data.releases.first { $0.status == .published })
        var deployment = Deployment(component: release.component, version: release.version.text, environment: "production")
        deployment.id = taken
        await #expect(throws: StoreError.self) { try await store.addDeployment(deployment, page: data.page.id, by: "k") }
        deployment.id = "free-id"
        #expect(try await store.addDeployment(deployment, page: data.page.id, by: "k").deployment.id == "free-id")
    }

    @Test func fromVersionIsWhatTheEnvironmentRanBefore() async throws {
        let (temporary, data) = try await TemporaryStore.example()
        let store = temporary.store
        let page = data.page.id
        try await store.createEnvironment(Environment(name: "canary"), page: page)
        let versions = data.releases.filter { $0.component == "api" && $0.status == .published }.map(\.version.text)
        func deploy(_ version: String, _ status: Deployment.Status) async throws -> Deployment {
            try await store.addDeployment(Deployment(component: "api", version: version, environment: "canary", status: status), page: page, by: "k")
                .deployment
        }
        #expect(try await deploy(versions[0], .success).fromVersion == nil)
        #expect(try await deploy(versions[1], .failure).fromVersion == versions[0])
        #expect(try await deploy(versions[2], .success).fromVersion == versions[0])
        let next = try await deploy(versions[3], .pending)
        #expect(next.fromVersion == versions[2] && next.createdBy == "k" && Self.isUUIDv7(next.id))
        // Another component's or environment's deployments are not what this one ran.
        #expect(
            try await store.addDeployment(Deployment(component: "web", version: "3.4.0", environment: "canary"), page: page).deployment.fromVersion
                == nil
        )
    }

    @Test func aDeploymentIsChangedAndDeletedByItsId() async throws {
        let (temporary, data) = try await TemporaryStore.example()
        let store = temporary.store
        let page = data.page.id
        try await store.ensurePage(id: "other")
        let release = Release(component: "api", version: Version("9.0.0"), publishedAt: Timestamp(seconds: 1_800_000_000))
        try await store.createRelease(release, page: page, by: "k")
        let added = try await store.addDeployment(
            Deployment(component: "api", version: "9.0.0", environment: "production", status: .inProgress),
            page: page,
            by: "k"
        ).deployment
        var change = added
        change.status = .failure
        change.errorMessage = "migration 42 failed"
        change.component = "web"  // not something a change may touch
        let changed = try await store.replaceDeployment(change, page: page)
        #expect(changed.status == .failure && changed.errorMessage == "migration 42 failed" && changed.finishedAt != nil)
        #expect(changed.component == "api" && changed.id == added.id && changed.createdBy == "k" && changed.createdAt == added.createdAt)
        #expect(try await store.load(page: page)?.deployments.last == changed)
        await #expect(throws: StoreError.self) { try await store.replaceDeployment(change, page: "other") }
        await #expect(throws: StoreError.self) { try await store.deleteRelease(release.reference, page: page) }
        #expect(try await store.deleteDeployment(id: try #require(added.id), page: "other") == false)
        #expect(try await store.deleteDeployment(id: try #require(added.id), page: page))
        #expect(try await store.deleteDeployment(id: try #require(added.id), page: page) == false)
        // With its deployment gone, nothing refers to the release any more.
        #expect(try await store.deleteRelease(release.reference, page: page))
    }

    @Test func webhookEventsCarryTheIdsAndCreation() async throws {
        let (temporary, data) = try await TemporaryStore.example()
        let store = temporary.store
        let page = data.page.id
        _ = try await store.createWebhook(WebhookRegistration(url: "https://a.example/hook", secret: "s"), page: page)
        let release = try await store.createRelease(
            Release(component: "api", version: Version("9.9.9"), publishedAt: Timestamp(seconds: 1_893_553_445)),
            page: page,
            by: "k1"
        )
        let deployment = try await store.addDeployment(
            Deployment(component: "api", version: "9.9.9", environment: "production"),
            page: page,
            by: "k2"
        )
        var events: [JSONValue] = []
        while let next = try await store.dueWebhookDeliveries(limit: 1).first {
            events.append(try JSONParser.parse(next.body)["data"] ?? .null)
            try await store.markWebhookDelivered(next.seq, status: 204)
        }
        #expect(events.count == 2)
        #expect(events.first?["id"] == release.id.map(JSONValue.string) && events.first?["created_by"] == .string("k1"))
        let sent = try #require(events.last)
        #expect(sent["id"] == deployment.deployment.id.map(JSONValue.string) && sent["created_by"] == .string("k2"))
        #expect(sent["from_version"] == deployment.deployment.fromVersion.map(JSONValue.string) && sent["error_message"] == .null)
        #expect(sent["created_at"] != nil && sent["created_at"] != .null)
    }

    @Test(.enabled(if: TemporaryStore.onSQLite, "SQLite's earlier schema")) func migratingAStoreOfEarlierVersionsGivesItsRowsIds() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shiplog-old-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("shiplog.db").path
        do {
            // The schema as the releases before ids left it, with rows in it.
            let old = try DatabaseQueue(path: path)
            try Schema.migrator.migrate(old, upTo: "webhook settings")
            try await old.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO pages (id, title) VALUES ('acme', 'Acme');
                        INSERT INTO components (page_id, slug) VALUES ('acme', 'api');
                        INSERT INTO releases (page_id, component, version, status, published_at) VALUES
                            ('acme', 'api', '1.0.0', 'published', 1), ('acme', 'api', '1.1.0', 'published', 2);
                        INSERT INTO environments (page_id, name) VALUES ('acme', 'production');
                        INSERT INTO deployments (page_id, component, version, environment, status) VALUES
                            ('acme', 'api', '1.0.0', 'production', 'success'), ('acme', 'api', '1.1.0', 'production', 'failure'),
                            ('acme', 'api', '1.1.0', 'production', 'success');
                        INSERT INTO sites (page_id, slug) VALUES ('acme', 'globex');
                        """
                )
            }
            try old.close()
        }
        let store = try SQLiteStore(path: path)
        let data = try #require(try await store.load(page: "acme"))
        let ids = data.releases.map(\.id) + data.deployments.map(\.id)
        #expect(ids.count == 5 && ids.allSatisfy(Self.isUUIDv7) && Set(ids).count == 5)
        #expect(data.deployments.map(\.fromVersion) == [nil, "1.0.0", "1.0.0"])
        // When and by whom they were made is not known.
        #expect(data.releases.allSatisfy { $0.createdAt == nil && $0.createdBy == nil })
        let added = try await store.addDeployment(Deployment(component: "api", version: "1.0.0", environment: "production"), page: "acme")
        #expect(added.deployment.fromVersion == "1.1.0" && !ids.contains(added.deployment.id))
    }
}
