import Foundation
import Hummingbird
import HummingbirdTesting
import ShiplogModel
import ShiplogStore
import Synchronization
import Testing

@testable import ShiplogServer

/// Release writes of the native API change the in-memory page in place (a write costs what it
/// changes), the next read sees each of them (SPEC §6.1), and the page is the one a reload makes.
@Suite struct ReleaseChangesTests {
    /// The middleware and page routes of the server, on `snapshots`, release writes in place.
    static func router(_ store: SQLiteStore, _ snapshots: Snapshots) -> Router<ShiplogContext> {
        let router = Router(context: ShiplogContext.self)
        router.add(middleware: GateMiddleware(keys: KeyRing(store: store), limiter: nil, logger: CommittedWriteTests.quiet))
        router.add(middleware: JSONErrorMiddleware(logger: CommittedWriteTests.quiet))
        let writes = InPlaceWrites(changes: DeploymentChanges(snapshots: snapshots), notify: { _ in })
        PageRoutes(snapshots: snapshots, changed: { page in await snapshots.refresh(page) }, releaseWrites: writes).register(on: router)
        VersionRoute(snapshots: snapshots).register(on: router)
        return router
    }

    static func body(_ response: TestResponse) throws -> JSONValue {
        try JSONParser.parse(Array(response.body.readableBytesView))
    }

    /// The snapshot is exactly what a reload of the store makes: data, catalog and version document.
    static func expectAsReloaded(_ snapshots: Snapshots, _ store: SQLiteStore) async throws {
        let snapshot = try #require(snapshots["acme"])
        let reloaded = PageSnapshot(data: try #require(try await store.load(page: "acme")))
        #expect(snapshot.data == reloaded.data)
        #expect(snapshot.catalog.data == reloaded.catalog.data)
        #expect(snapshot.catalog.releaseIndex == reloaded.catalog.releaseIndex)
        #expect(snapshot.catalog.releasesByComponent == reloaded.catalog.releasesByComponent)
        #expect(snapshot.catalog.latest == reloaded.catalog.latest && snapshot.catalog.active == reloaded.catalog.active)
        #expect(snapshot.catalog.groups == reloaded.catalog.groups && snapshot.catalog.bumps == reloaded.catalog.bumps)
        #expect(snapshot.versionETag == reloaded.versionETag && snapshot.versionBody == reloaded.versionBody)
    }

    @Test("POST, PATCH, yank, publish and DELETE of a release change the page in place; the next read sees each")
    func releaseWritesAreAppliedInPlace() async throws {
        try await CommittedWriteTests.withStore { store, secret in
            // 1.0.0 is the active release: yanking it makes the latest automatic again, as the store does.
            _ = try await store.activate(ReleaseReference(component: "api", version: "1.0.0"), page: "acme", by: nil)
            let loader = DeploymentChangesTests.CountingLoader(store: store)
            let snapshots = Snapshots(store: store, logger: CommittedWriteTests.quiet) { id throws(StoreError) in try await loader.load(id) }
            try await snapshots.reloadAll()
            let loads = loader.loads.withLock { $0 }
            let app = Application(router: Self.router(store, snapshots), logger: CommittedWriteTests.quiet)
            let headers: HTTPFields = [.authorization: "Bearer \(secret)"]
            let release = "/api/v1/pages/acme/components/api/releases/"

            try await app.test(.router) { client in
                // The version of the first (only) component's latest release in the version document.
                let version = { () async throws -> JSONValue? in
                    let document = try Self.body(try await client.execute(uri: "/v1/pages/acme/version", method: .get))
                    guard case .array(let latest)? = document["latest"] else { return nil }
                    return latest.first?["version"]
                }
                #expect(try await version() == .string("1.0.0"))
                let created = try await client.execute(
                    uri: "/api/v1/pages/acme/releases",
                    method: .post,
                    headers: headers,
                    body: ByteBuffer(string: #"{"component": "api", "version": "2.0.0", "published_at": "2026-01-01T00:00:00Z"}"#)
                )
                #expect(created.status == .created)
                #expect(try Self.body(try await client.execute(uri: release + "2.0.0", method: .get)) == (try Self.body(created)))
                try await Self.expectAsReloaded(snapshots, store)

                let patched = try await client.execute(
                    uri: release + "2.0.0",
                    method: .patch,
                    headers: headers,
                    body: ByteBuffer(string: #"{"title": "Two"}"#)
                )
                #expect(patched.status == .ok)
                #expect(try Self.body(try await client.execute(uri: release + "2.0.0", method: .get))["title"] == .string("Two"))
                try await Self.expectAsReloaded(snapshots, store)

                let yanked = try await client.execute(uri: release + "1.0.0/yank", method: .post, headers: headers)
                #expect(yanked.status == .ok)
                // The active release yanked: the latest is automatic again, the highest published one.
                #expect(snapshots["acme"]?.data.components.first?.active == nil)
                #expect(try await version() == .string("2.0.0"))
                try await Self.expectAsReloaded(snapshots, store)

                let published = try await client.execute(uri: release + "1.0.0/publish", method: .post, headers: headers)
                #expect(published.status == .ok)
                try await Self.expectAsReloaded(snapshots, store)

                let deleted = try await client.execute(uri: release + "2.0.0", method: .delete, headers: headers)
                #expect(deleted.status == .noContent)
                #expect(try await client.execute(uri: release + "2.0.0", method: .get).status == .notFound)
                #expect(try await version() == .string("1.0.0"))
                try await Self.expectAsReloaded(snapshots, store)
            }
            // No reload: each write changed the page in place.
            #expect(loader.loads.withLock { $0 } == loads)
        }
    }

    @Test("a release write while a reload is in flight reloads the page instead, so that reload cannot lose it")
    func aReloadInFlightFallsBackToAReload() async throws {
        try await CommittedWriteTests.withStore { store, _ in
            let loader = DeploymentChangesTests.CountingLoader(store: store)
            let snapshots = Snapshots(store: store, logger: CommittedWriteTests.quiet) { id throws(StoreError) in try await loader.load(id) }
            try await snapshots.reloadAll()
            let writes = InPlaceWrites(changes: DeploymentChanges(snapshots: snapshots), notify: { _ in })

            // A reload reads the store before the release commits, and installs after it.
            loader.gate.holdNext()
            let reload = Task { try await snapshots.reload("acme") }
            while !loader.gate.isHolding { await Task.yield() }
            let writing = Task {
                try await writes.release("acme") { () async throws(StoreError) in
                    let stored = try await store.createRelease(Release(component: "api", version: Version("2.0.0")), page: "acme")
                    return (stored, ReleaseChange.stored(stored))
                }
            }
            _ = try await writing.value
            #expect(loader.loads.withLock { $0 } == 3, "the write reloaded the page itself")
            #expect(snapshots["acme"]?.catalog.releaseIndex[ReleaseReference(component: "api", version: "2.0.0")] != nil)
            await loader.gate.release()
            try await reload.value
            // The older reload answered what it read before the write, and was not installed.
            #expect(snapshots["acme"]?.data.releases.count == 2)
            try await Self.expectAsReloaded(snapshots, store)
        }
    }
}
