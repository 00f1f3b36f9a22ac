import Foundation
import Hummingbird
import HummingbirdTesting
import ShiplogModel
import ShiplogStore
import Synchronization
import Testing

@testable import ShiplogServer

/// Deployment writes change the in-memory page in place (a write costs what it changes), and the
/// next read still sees each of them (SPEC §6.1).
@Suite struct DeploymentChangesTests {
    /// Loads of a store made by ``CommittedWriteTests/makeStore(_:)`` that count the page loads,
    /// and hold one at `gate` when it is armed.
    final class CountingLoader: Sendable {
        let store: SQLiteStore
        let loads = Mutex(0)
        let gate = LoadGate()

        init(store: SQLiteStore) { self.store = store }

        /// Reads the store, then passes the gate before it answers what it read.
        func load(_ id: String) async throws(StoreError) -> ReleaseData? {
            loads.withLock { $0 += 1 }
            let data = try await store.load(page: id)
            await gate.pass()
            return data
        }
    }

    static func items(_ response: TestResponse) throws -> [JSONValue] {
        guard case .array(let items)? = try JSONParser.parse(Array(response.body.readableBytesView))["items"] else { return [] }
        return items
    }

    @Test("POST, PATCH and rollback change the page in place, without a reload, and the next read sees each")
    func writesAreAppliedInPlace() async throws {
        try await CommittedWriteTests.withStore { store, secret in
            try await store.createRelease(
                Release(component: "api", version: Version("1.1.0"), publishedAt: Timestamp(seconds: 1_700_000_100)),
                page: "acme"
            )
            let loader = CountingLoader(store: store)
            let snapshots = Snapshots(store: store, logger: CommittedWriteTests.quiet) { id throws(StoreError) in try await loader.load(id) }
            try await snapshots.reloadAll()
            let before = try #require(snapshots["acme"])
            let loads = loader.loads.withLock { $0 }
            let app = Application(router: CommittedWriteTests.router(store, snapshots), logger: CommittedWriteTests.quiet)
            let headers: HTTPFields = [.authorization: "Bearer \(secret)"]
            let path = "/api/v1/pages/acme/environments/production/deployments"

            try await app.test(.router) { client in
                for version in ["1.0.0", "1.1.0"] {
                    let body = ByteBuffer(string: #"{"component": "api", "version": "\#(version)", "status": "in_progress"}"#)
                    let posted = try await client.execute(uri: path, method: .post, headers: headers, body: body)
                    #expect(posted.status == .created)
                    let listed = try await client.execute(uri: path + "?limit=1", method: .get)
                    #expect(try Self.items(listed) == [try JSONParser.parse(Array(posted.body.readableBytesView))])
                    let patch = ByteBuffer(string: #"{"component": "api", "version": "\#(version)", "status": "success"}"#)
                    let patched = try await client.execute(uri: path, method: .patch, headers: headers, body: patch)
                    #expect(patched.status == .ok)
                    #expect(try Self.items(try await client.execute(uri: path + "?limit=1", method: .get)).first?["status"] == .string("success"))
                }
                let rollback = ByteBuffer(string: #"{"component": "api"}"#)
                let rolled = try await client.execute(
                    uri: "/api/v1/pages/acme/environments/production/rollback",
                    method: .post,
                    headers: headers,
                    body: rollback
                )
                #expect(rolled.status == .created)
                let listed = try Self.items(try await client.execute(uri: path, method: .get))
                #expect(listed.map { $0["version"] } == [.string("1.0.0"), .string("1.1.0"), .string("1.0.0")])
                #expect(listed.first?["status"] == .string("pending"))
            }
            // No reload: only the deployments changed; the catalog and the version document are the same.
            #expect(loader.loads.withLock { $0 } == loads)
            let after = try #require(snapshots["acme"])
            #expect(after.data.deployments.count == 3 && after.catalog.data.deployments == after.data.deployments)
            #expect(after.versionETag == before.versionETag && after.data.releases == before.data.releases)
            #expect(after.data.deployments == (try #require(try await store.load(page: "acme"))).deployments)
        }
    }

    @Test("while a reload is in flight a change is not applied in place, so that reload cannot lose it")
    func aReloadInFlightFallsBackToAReload() async throws {
        try await CommittedWriteTests.withStore { store, _ in
            let loader = CountingLoader(store: store)
            let snapshots = Snapshots(store: store, logger: CommittedWriteTests.quiet) { id throws(StoreError) in try await loader.load(id) }
            try await snapshots.reloadAll()
            #expect(snapshots.applyInPlace("acme") { $0 })

            // A reload reads the store before the deployment commits, and installs after it.
            loader.gate.holdNext()
            let reload = Task { try await snapshots.reload("acme") }
            while !loader.gate.isHolding { await Task.yield() }
            #expect(!snapshots.applyInPlace("acme") { $0 }, "a reload is in flight")
            let changes = DeploymentChanges(snapshots: snapshots)
            let writing = Task {
                try await changes.write("acme", notify: { _ in }) { () async throws(StoreError) in
                    let stored = try await store.addDeployment(
                        Deployment(component: "api", version: "1.0.0", environment: "production"),
                        page: "acme"
                    )
                    return (stored, [stored.deployment])
                }
            }
            // The write commits while the older reload is held and reloads the page itself; then the
            // older reload answers what it read before the write, and is not installed.
            _ = try await writing.value
            #expect(loader.loads.withLock { $0 } == 3)
            await loader.gate.release()
            try await reload.value
            #expect(snapshots["acme"]?.data.deployments.count == 1)
            #expect(snapshots.applyInPlace("acme") { $0 }, "no reload in flight any more")
            #expect(!snapshots.applyInPlace("nope") { $0 }, "a page that is not loaded is reloaded")
        }
    }
}
