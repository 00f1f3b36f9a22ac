import Foundation
import ShiplogModel
import ShiplogPostgres
import ShiplogStore
import Testing

/// A new, empty store, removed when the test ends: a SQLite file in a temporary directory, or with
/// `SHIPLOG_TEST_STORE=postgres` a new database on the PostgreSQL of `SHIPLOG_TEST_POSTGRES_URL`
/// (`.ci/run` runs this suite both ways: SPEC §8, the same behaviour on both stores).
final class TemporaryStore {
    /// Which store this run of the suite tests.
    static let kind = ProcessInfo.processInfo.environment["SHIPLOG_TEST_STORE"] == "postgres" ? "postgres" : "sqlite"
    static var onSQLite: Bool { kind == "sqlite" }

    let directory: URL
    /// The SQLite file's path, or the PostgreSQL database's URL.
    let location: String
    let store: any Store

    init() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("shiplog-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if Self.onSQLite {
            location = directory.appendingPathComponent("shiplog.db").path
            store = try SQLiteStore(path: location)
        } else {
            location = try await TestDatabase.create()
            store = try await PostgresStore.open(location)
        }
    }

    /// The same store opened again: another connection, as another process would.
    func reopen() async throws -> any Store {
        Self.onSQLite ? try SQLiteStore(path: location) : try await PostgresStore.open(location)
    }

    /// A new store holding `data`, imported.
    convenience init(importing data: ReleaseData) async throws {
        try await self.init()
        try await store.importData(data)
    }

    /// A new store holding the example page (``exampleData()``), and that data.
    static func example() async throws -> (TemporaryStore, ReleaseData) {
        let data = try exampleData()
        return (try await TemporaryStore(importing: data), data)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }
}

/// New databases on the test PostgreSQL.
enum TestDatabase {
    static func create() async throws -> String {
        guard let url = ProcessInfo.processInfo.environment["SHIPLOG_TEST_POSTGRES_URL"] else {
            throw StoreError.database("SHIPLOG_TEST_STORE=postgres needs SHIPLOG_TEST_POSTGRES_URL (bash Tests/support/postgres.sh starts one)")
        }
        let name = "shiplog_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        let admin = try await PostgresStore.open(url)
        defer { admin.close() }
        try await admin.createDatabase(name)
        var parts = try #require(URLComponents(string: url))
        parts.path = "/\(name)"
        return try #require(parts.string)
    }
}

/// The example page of the repository (site/data.json), loaded as `build` loads it.
func exampleData() throws -> ReleaseData {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../site/data.json").standardizedFileURL
    let bytes = try [UInt8](Data(contentsOf: url))
    return try DataLoader.load([DataSource(name: "data.json", bytes: bytes)]).data
}

@Suite struct ImportExportTests {
    @Test func importThenLoadGivesBackTheSameData() async throws {
        let temporary = try await TemporaryStore()
        let data = try exampleData()
        let summary = try await temporary.store.importData(data)
        #expect(summary.created["releases"] == data.releases.count)
        #expect(try await temporary.store.load(page: data.page.id)?.withoutStoreFields == data)
        #expect(try await temporary.store.pageIDs() == [data.page.id])
    }

    @Test func exportedDocumentLoadsAsTheSameData() async throws {
        let (temporary, data) = try await TemporaryStore.example()
        let stored = try #require(try await temporary.store.load(page: data.page.id))
        let text = JSONWriter.write(DataEncoder.document(stored))
        let reloaded = try DataLoader.load([DataSource(name: "export.json", bytes: Array(text.utf8))])
        #expect(reloaded.warnings.isEmpty)
        // What the store set (ids, creation, from_version) survives the round trip.
        #expect(reloaded.data == stored)
        #expect(reloaded.data.withoutStoreFields == data)
    }

    @Test func importingTwiceChangesNothing() async throws {
        let (temporary, data) = try await TemporaryStore.example()
        let second = try await temporary.store.importData(data)
        #expect(second.created["releases"] == nil)
        #expect(second.created["deployments"] == nil)
        #expect(try await temporary.store.load(page: data.page.id)?.withoutStoreFields == data)
    }

    @Test func importMergesByIdentity() async throws {
        let temporary = try await TemporaryStore()
        var data = try exampleData()
        try await temporary.store.importData(data)
        var changed = data
        changed.releases = [data.releases[0]]
        changed.releases[0].notes = "Rewritten notes."
        changed.groups = []
        changed.deployments = []
        changed.sites = []
        try await temporary.store.importData(changed)
        data.releases[0].notes = "Rewritten notes."
        #expect(try await temporary.store.load(page: data.page.id)?.withoutStoreFields == data)
    }

    @Test func anImportThatBreaksAConstraintWritesNothing() async throws {
        let temporary = try await TemporaryStore()
        var data = try exampleData()
        // A release of a component the data does not have: the import must fail whole.
        data.releases.append(Release(component: "ghost", version: Version("1.0.0"), publishedAt: Timestamp(seconds: 0)))
        await #expect(throws: StoreError.self) { try await temporary.store.importData(data) }
        #expect(try await temporary.store.pageIDs().isEmpty)
        #expect(try await temporary.store.load(page: data.page.id) == nil)
    }
}

@Suite struct ReleaseWriteTests {
    @Test func createUpdateAndDeleteARelease() async throws {
        let (temporary, data) = try await TemporaryStore.example()
        let store = temporary.store
        let component = data.components[0].slug
        var release = Release(component: component, version: Version("9.0.0"), publishedAt: Timestamp(seconds: 1_800_000_000), notes: "New.")
        try await store.createRelease(release, page: data.page.id)
        await #expect(throws: StoreError.conflict("release \"9.0.0\" of component \"\(component)\" already exists")) {
            try await store.createRelease(release, page: data.page.id)
        }
        release.status = .yanked
        try await store.updateRelease(release, page: data.page.id)
        let loaded = try #require(try await store.load(page: data.page.id))
        #expect(loaded.releases.last?.withoutStoreFields == release)
        #expect(try await store.deleteRelease(release.reference, page: data.page.id))
        #expect(try await store.deleteRelease(release.reference, page: data.page.id) == false)
        #expect(try await store.load(page: data.page.id)?.withoutStoreFields == data)
    }

    @Test func aReleaseNeedsItsComponentAndPage() async throws {
        let (temporary, data) = try await TemporaryStore.example()
        let orphan = Release(component: "ghost", version: Version("1.0.0"), publishedAt: Timestamp(seconds: 0))
        await #expect(throws: StoreError.invalid(field: "component", message: "unknown component \"ghost\"; create it first")) {
            try await temporary.store.createRelease(orphan, page: data.page.id)
        }
        await #expect(throws: StoreError.notFound("page \"nope\"")) {
            try await temporary.store.createRelease(orphan, page: "nope")
        }
    }

    @Test func aReleaseSomethingRefersToCannotBeDeleted() async throws {
        let (temporary, data) = try await TemporaryStore.example()
        let member = try #require(data.groups.first?.members.first)
        await #expect(throws: StoreError.self) { try await temporary.store.deleteRelease(member, page: data.page.id) }
        #expect(try await temporary.store.load(page: data.page.id)?.withoutStoreFields == data)
    }

    @Test func groupsNeedExistingMembersAndANewVersion() async throws {
        let (temporary, data) = try await TemporaryStore.example()
        let existing = try #require(data.groups.first)
        await #expect(throws: StoreError.conflict("group \"\(existing.version.text)\" already exists")) {
            try await temporary.store.createGroup(existing, page: data.page.id)
        }
        let bad = ReleaseGroup(version: Version("2099.1"), members: [ReleaseReference(component: data.components[0].slug, version: "0.0.0-nope")])
        await #expect(throws: StoreError.self) { try await temporary.store.createGroup(bad, page: data.page.id) }
        var good = existing
        good.version = Version("2099.1")
        try await temporary.store.createGroup(good, page: data.page.id)
        #expect(try await temporary.store.load(page: data.page.id)?.groups.last == good)
    }

    @Test func putComponentCreatesThenUpdates() async throws {
        let temporary = try await TemporaryStore()
        try await temporary.store.ensurePage(id: "acme")
        #expect(try await temporary.store.putComponent(Component(slug: "api"), page: "acme"))
        #expect(try await temporary.store.putComponent(Component(slug: "api", name: "API"), page: "acme") == false)
        #expect(try await temporary.store.load(page: "acme")?.components == [Component(slug: "api", name: "API")])
    }
}

@Suite struct KeyTests {
    @Test func aKeyIsFoundByItsSecretUntilRevoked() async throws {
        let temporary = try await TemporaryStore()
        let key = try await temporary.store.createKey(page: "acme", scope: .write)
        #expect(key.secret.utf8.count >= 32)
        #expect(try await temporary.store.pageIDs() == ["acme"])
        #expect(try await temporary.store.key(secret: key.secret) == key.info)
        #expect(try await temporary.store.key(secret: key.secret + "x") == nil)
        #expect(try await temporary.store.keys(page: "acme") == [key.info])
        #expect(try await temporary.store.revokeKey(id: key.info.id))
        #expect(try await temporary.store.key(secret: key.secret) == nil)
        #expect(try await temporary.store.revokeKey(id: key.info.id) == false)
        #expect(try await temporary.store.keys(page: nil).first?.revokedAt != nil)
    }

    @Test(.enabled(if: TemporaryStore.onSQLite, "reads the SQLite file")) func keysAreRandomAndStoredOnlyAsHashes() async throws {
        let temporary = try await TemporaryStore()
        var secrets: Set<String> = []
        for _ in 0..<20 { secrets.insert(try await temporary.store.createKey(page: "acme", scope: .read).secret) }
        #expect(secrets.count == 20)
        let file = try Data(contentsOf: temporary.directory.appendingPathComponent("shiplog.db"))
        let wal = (try? Data(contentsOf: temporary.directory.appendingPathComponent("shiplog.db-wal"))) ?? Data()
        for secret in secrets {
            #expect(file.range(of: Data(secret.utf8)) == nil)
            #expect(wal.range(of: Data(secret.utf8)) == nil)
        }
    }

    @Test(.enabled(if: TemporaryStore.onSQLite, "the SQLite file's mode")) func theStoreAndItsJournalsAreReadableByTheOwnerOnly() async throws {
        let temporary = try await TemporaryStore()
        _ = try await temporary.store.createKey(page: "acme", scope: .read)
        for name in ["shiplog.db", "shiplog.db-wal", "shiplog.db-shm"] {
            let path = temporary.directory.appendingPathComponent(name).path
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            let mode = try #require(attributes[.posixPermissions] as? Int)
            #expect(mode & 0o077 == 0, "\(name) has mode \(String(mode, radix: 8))")
        }
    }

    @Test func scopesAreOrdered() {
        #expect(KeyScope.read < .write)
        #expect(KeyScope.write < .admin)
        #expect(!(KeyScope.admin < .read))
    }

    @Test func anotherConnectionsCommitChangesTheCounter() async throws {
        let temporary = try await TemporaryStore()
        let before = try await temporary.store.changeCounter()
        let other = try await temporary.reopen()
        _ = try await other.createKey(page: "acme", scope: .read)
        #expect(try await temporary.store.changeCounter() != before)
    }
}
