import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import ShiplogModel
import ShiplogStore
import Synchronization
import Testing

@testable import ShiplogServer

/// The routes through Hummingbird's test client (SPEC §6.1): a write whose refresh of the
/// in-memory copy fails after the commit is still answered as committed, and the next read sees it.
@Suite struct CommittedWriteTests {
    /// A store with page `acme` (component `api`, release 1.0.0, environment `production`) and a write key.
    static func makeStore(_ directory: URL) async throws -> (SQLiteStore, String) {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try SQLiteStore(path: directory.appendingPathComponent("shiplog.db").path)
        try await store.importData(
            ReleaseData(
                page: Page(id: "acme", title: "Acme"),
                components: [Component(slug: "api")],
                releases: [Release(component: "api", version: Version("1.0.0"), publishedAt: Timestamp(seconds: 1_700_000_000))],
                environments: [Environment(name: "production")]
            )
        )
        return (store, try await store.createKey(page: "acme", scope: .write).secret)
    }

    /// Runs `body` with the store of ``makeStore(_:)`` and its write key, in a temporary folder removed afterwards.
    static func withStore<T>(_ body: (SQLiteStore, String) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shiplog-committed-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (store, secret) = try await makeStore(directory)
        return try await body(store, secret)
    }

    static var quiet: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }

    /// The middleware and deployment routes of the server, on `snapshots`.
    static func router(_ store: SQLiteStore, _ snapshots: Snapshots) -> Router<ShiplogContext> {
        let router = Router(context: ShiplogContext.self)
        router.add(middleware: GateMiddleware(keys: KeyRing(store: store), limiter: nil, logger: quiet))
        router.add(middleware: JSONErrorMiddleware(logger: quiet))
        router.add(middleware: IdempotencyMiddleware(store: store, logger: quiet))
        DeploymentRoutes(
            snapshots: snapshots,
            changed: { page in await snapshots.refresh(page) },
            writes: InPlaceWrites(changes: DeploymentChanges(snapshots: snapshots), notify: { _ in })
        ).register(on: router)
        return router
    }

    static func count(_ response: TestResponse) throws -> Int? {
        guard case .array(let items)? = try JSONParser.parse(Array(response.body.readableBytesView))["items"] else { return nil }
        return items.count
    }

    @Test("a write whose refresh fails is answered 201, recorded once, and seen by the next read")
    func refreshFailureAfterCommit() async throws {
        try await Self.withStore { store, secret in
            let failing = Mutex(false)
            let snapshots = Snapshots(store: store, logger: Self.quiet) { id throws(StoreError) in
                if failing.withLock({ $0 }) { throw StoreError.database("disk I/O error") }
                return try await store.load(page: id)
            }
            try await snapshots.reloadAll()
            let app = Application(router: Self.router(store, snapshots), logger: Self.quiet)

            try await app.test(.router) { client in
                // Creating an environment reloads the page (deployment writes change it in place).
                let path = "/api/v1/pages/acme/environments"
                failing.withLock { $0 = true }
                let body = ByteBuffer(string: #"{"name": "canary"}"#)
                try await client.execute(uri: path, method: .post, headers: [.authorization: "Bearer \(secret)"], body: body) { response in
                    #expect(response.status == .created, "\(String(buffer: response.body))")
                }
                #expect(snapshots.isStale("acme"))

                // While the store cannot be read, a read says so rather than answer without the write.
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .serviceUnavailable)
                }
                failing.withLock { $0 = false }
                let list = try await client.execute(uri: path, method: .get)
                #expect(list.status == .ok)
                #expect(try Self.count(list) == 2)
            }
        }
    }

    @Test("a POST repeated with its Idempotency-Key gets the first answer and records nothing more")
    func idempotentRepeat() async throws {
        try await Self.withStore { store, secret in
            let snapshots = Snapshots(store: store, logger: Self.quiet)
            try await snapshots.reloadAll()
            let app = Application(router: Self.router(store, snapshots), logger: Self.quiet)
            try await app.test(.router) { client in
                let path = "/api/v1/pages/acme/environments/production/deployments"
                let headers: HTTPFields = [.authorization: "Bearer \(secret)", IdempotencyMiddleware.header: "deploy-1"]
                let body = ByteBuffer(string: #"{"component": "api", "version": "1.0.0", "status": "success", "host": "a"}"#)
                let first = try await client.execute(uri: path, method: .post, headers: headers, body: body)
                let again = try await client.execute(uri: path, method: .post, headers: headers, body: body)
                #expect(first.status == .created && again.status == .created)
                #expect(again.body == first.body)
                #expect(again.headers[IdempotencyMiddleware.replayed] == "true")
                let other = try await client.execute(
                    uri: path,
                    method: .post,
                    headers: headers,
                    body: ByteBuffer(string: #"{"component": "api", "version": "1.0.0", "status": "success", "host": "b"}"#)
                )
                #expect(other.status == .unprocessableContent)
                let list = try await client.execute(uri: path, method: .get)
                #expect(try Self.count(list) == 1)
            }
        }
    }
}
