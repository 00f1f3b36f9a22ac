import Foundation
import Hummingbird
import HummingbirdTesting
import ShiplogModel
public import ShiplogStore
import Synchronization
import Testing

@testable import ShiplogServer

/// The embedded store stands in for a shared one: these tests hand the announcements to the other
/// replica themselves (the PostgreSQL feed is tested in ShiplogPostgresTests and test_replicas.py).
extension SQLiteStore: ReplicatedStore {
    public func changes() -> AsyncStream<ReplicaEvent> { AsyncStream { $0.finish() } }
    public func announce(_ change: StoreChange) async {}
}

/// What one replica announced, until taken.
final class Announcements: Sendable {
    private let changes = Mutex<[StoreChange]>([])

    func append(_ change: StoreChange) { changes.withLock { $0.append(change) } }

    func take() -> [StoreChange] {
        changes.withLock { changes in
            defer { changes = [] }
            return changes
        }
    }
}

/// Two replicas on one store (SPEC §8): what one writes, it announces once committed; the other
/// applies each announcement in place, reading again only what changed, and ends with the page a
/// reload makes; what it cannot place (a release that is not the newest) reloads the page.
@Suite struct ReplicaChangesTests {
    /// Replica A's page and deployment routes; what its writes announce goes to `announced`.
    static func writer(_ store: SQLiteStore, _ snapshots: Snapshots, _ announced: Announcements) -> Router<ShiplogContext> {
        let router = Router(context: ShiplogContext.self)
        router.add(middleware: GateMiddleware(keys: KeyRing(store: store), limiter: nil, logger: CommittedWriteTests.quiet))
        router.add(middleware: JSONErrorMiddleware(logger: CommittedWriteTests.quiet))
        let announce: @Sendable (StoreChange) async -> Void = { change in announced.append(change) }
        let changed: @Sendable (String) async -> Void = { page in
            await snapshots.refresh(page)
            await announce(StoreChange(page: page, subject: .page))
        }
        let writes = InPlaceWrites(changes: DeploymentChanges(snapshots: snapshots, announce: announce), notify: { _ in })
        PageRoutes(snapshots: snapshots, changed: changed, releaseWrites: writes).register(on: router)
        DeploymentRoutes(snapshots: snapshots, changed: changed, writes: writes).register(on: router)
        return router
    }

    /// Replica B, following the store with its own snapshots (counting its page loads).
    static func follower(_ store: SQLiteStore) async throws -> (ReplicaChanges, Snapshots, DeploymentChangesTests.CountingLoader, KeyRing) {
        let loader = DeploymentChangesTests.CountingLoader(store: store)
        let snapshots = Snapshots(store: store, logger: CommittedWriteTests.quiet) { id throws(StoreError) in try await loader.load(id) }
        try await snapshots.reloadAll()
        let keys = KeyRing(store: store, lifetime: .seconds(600))  // never ends by itself in a test on a loaded machine
        let follower = ReplicaChanges(
            store: store,
            snapshots: snapshots,
            changes: DeploymentChanges(snapshots: snapshots),
            keys: keys,
            logger: CommittedWriteTests.quiet,
            loadedAt: nil,
            onChange: { _ in }
        )
        return (follower, snapshots, loader, keys)
    }

    @Test("each release and deployment write of one replica is applied in place by the other, as a reload would make the page")
    func writesAreAppliedInPlaceOnTheOtherReplica() async throws {
        try await CommittedWriteTests.withStore { store, secret in
            let snapshotsA = Snapshots(store: store, logger: CommittedWriteTests.quiet)
            try await snapshotsA.reloadAll()
            let announced = Announcements()
            let (b, snapshotsB, loader, _) = try await Self.follower(store)
            let loads = loader.loads.withLock { $0 }
            let app = Application(router: Self.writer(store, snapshotsA, announced), logger: CommittedWriteTests.quiet)
            let headers: HTTPFields = [.authorization: "Bearer \(secret)"]
            let release = "/api/v1/pages/acme/components/api/releases/"
            let deployments = "/api/v1/pages/acme/environments/production/deployments"
            let writes: [(HTTPRequest.Method, String, String?)] = [
                (.post, "/api/v1/pages/acme/releases", #"{"component": "api", "version": "2.0.0", "published_at": "2026-01-01T00:00:00Z"}"#),
                (.patch, release + "2.0.0", #"{"title": "Two"}"#),
                (.post, release + "2.0.0/yank", nil),
                (.post, release + "2.0.0/publish", nil),
                (.post, deployments, #"{"component": "api", "version": "2.0.0", "status": "in_progress"}"#),
                (.patch, deployments, #"{"component": "api", "version": "2.0.0", "status": "success"}"#),
                (.post, "/api/v1/pages/acme/releases", #"{"component": "api", "version": "2.1.0", "published_at": "2026-02-01T00:00:00Z"}"#),
                (.delete, release + "2.1.0", nil),
            ]
            try await app.test(.router) { client in
                for (method, uri, body) in writes {
                    let response = try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
                    #expect(response.status.code < 300, "\(method) \(uri): \(String(buffer: response.body))")
                    let changes = announced.take()
                    #expect(changes.count == 1, "\(method) \(uri) announces its change once")
                    #expect(changes.allSatisfy { $0.page == "acme" && $0.subject != .page }, "\(changes)")
                    for change in changes { await b.apply(change) }
                    try await ReleaseChangesTests.expectAsReloaded(snapshotsB, store)
                }
            }
            #expect(loader.loads.withLock { $0 } == loads, "no page was read again whole")
        }
    }

    @Test("a release announced out of order (not the newest, not held) reloads the page; a gone one leaves")
    func whatCannotBePlacedReloadsThePage() async throws {
        try await CommittedWriteTests.withStore { store, _ in
            let (b, snapshotsB, loader, _) = try await Self.follower(store)
            let loads = loader.loads.withLock { $0 }
            let older = try await store.createRelease(Release(component: "api", version: Version("3.0.0")), page: "acme", by: nil)
            let newer = try await store.createRelease(Release(component: "api", version: Version("3.0.1")), page: "acme", by: nil)
            // The newest first: it goes last, as a reload puts it.
            await b.apply(StoreChange(page: "acme", subject: .releases([newer.reference])))
            #expect(snapshotsB["acme"]?.data.releases.last == newer)
            #expect(loader.loads.withLock { $0 } == loads)
            // The older one has no place to go but a reload's.
            await b.apply(StoreChange(page: "acme", subject: .releases([older.reference])))
            #expect(loader.loads.withLock { $0 } == loads + 1)
            try await ReleaseChangesTests.expectAsReloaded(snapshotsB, store)
            // Deleted behind B's back, then announced: it leaves in place.
            try await store.deleteRelease(newer.reference, page: "acme")
            await b.apply(StoreChange(page: "acme", subject: .releases([newer.reference])))
            #expect(loader.loads.withLock { $0 } == loads + 1)
            try await ReleaseChangesTests.expectAsReloaded(snapshotsB, store)
        }
    }

    @Test("a key change announced by another process empties the key cache at once")
    func keyChangesEmptyTheKeyCache() async throws {
        try await CommittedWriteTests.withStore { store, secret in
            let (b, _, _, keys) = try await Self.follower(store)
            let head = HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/", headerFields: [.authorization: "Bearer \(secret)"])
            let request = Request(head: head, body: RequestBody(buffer: ByteBuffer()))
            guard case .key(let info) = try await keys.caller(request) else { throw StoreError.notFound("the key") }
            try await store.revokeKey(id: info.id)
            #expect(keys.cachedCaller(secret: secret) != nil, "cached for a while")
            await b.apply(.keys)
            #expect(keys.cachedCaller(secret: secret) == nil)
            #expect(try await keys.caller(request) == .invalidKey)
        }
    }
}
