import Foundation
import Logging
import ShiplogModel
import ShiplogStore
import Synchronization
import Testing

@testable import ShiplogServer

/// The in-memory copy of the pages (SPEC §6.1): a write that committed is answered as committed
/// whatever happens to the copy, and a read after a write's answer sees the write.
@Suite struct SnapshotsTests {
    /// What the injected loader answers: the page title stands for the page's state in the store.
    final class FakeStore: Sendable {
        let title = Mutex("v1")
        let failures = Mutex(0)
        /// Holds a load, when armed, after it read the title.
        let gate = LoadGate()

        func load(_ id: String) async throws(StoreError) -> ReleaseData? {
            let title = title.withLock { $0 }
            if failures.withLock({ count in
                defer { count = max(0, count - 1) }
                return count > 0
            }) {
                throw StoreError.database("disk I/O error")
            }
            await gate.pass()
            return ReleaseData(page: Page(id: id, title: title))
        }
    }

    /// Runs `body` with a fake store and the snapshots it loads (on a SQLite store in a temporary
    /// folder, removed afterwards).
    static func withSnapshots(_ body: (FakeStore, Snapshots) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shiplog-snapshots-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("shiplog.db").path)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let fake = FakeStore()
        try await body(fake, Snapshots(store: store, logger: logger) { id throws(StoreError) in try await fake.load(id) })
    }

    @Test("a refresh that fails after a commit does not throw, and the next read reloads the page")
    func failedRefreshIsNotAnError() async throws {
        try await Self.withSnapshots { fake, snapshots in
            try await snapshots.reload("p")
            #expect(snapshots["p"]?.data.page.title == "v1")

            // The write commits (the store now holds v2), then every reload attempt fails.
            fake.title.withLock { $0 = "v2" }
            fake.failures.withLock { $0 = 3 }
            await snapshots.refresh("p")
            #expect(snapshots.isStale("p"))
            #expect(snapshots["p"]?.data.page.title == "v1")

            // A read first brings the page up to date.
            try await snapshots.ensureFresh("p")
            #expect(!snapshots.isStale("p"))
            #expect(snapshots["p"]?.data.page.title == "v2")
        }
    }

    @Test("a refresh retries a failed reload before it gives up")
    func refreshRetries() async throws {
        try await Self.withSnapshots { fake, snapshots in
            fake.title.withLock { $0 = "v2" }
            fake.failures.withLock { $0 = 2 }
            await snapshots.refresh("p")
            #expect(!snapshots.isStale("p"))
            #expect(snapshots["p"]?.data.page.title == "v2")
        }
    }

    @Test("a reload that read the store earlier never replaces what a later one installed")
    func reloadsAreOrdered() async throws {
        try await Self.withSnapshots { fake, snapshots in
            // The first reload reads v1 and is held before it installs; a second one reads v2 and finishes.
            fake.gate.holdNext()
            let slow = Task { try await snapshots.reload("p") }
            while !fake.gate.isHolding { await Task.yield() }
            fake.title.withLock { $0 = "v2" }
            try await snapshots.reload("p")
            #expect(snapshots["p"]?.data.page.title == "v2")
            await fake.gate.release()
            try await slow.value
            #expect(snapshots["p"]?.data.page.title == "v2", "the older reload was dropped")
        }
    }

    @Test("reloading every page keeps a page reloaded after it started")
    func reloadAllIsOrdered() async throws {
        try await Self.withSnapshots { fake, snapshots in
            try await snapshots.store.ensurePage(id: "p")
            fake.gate.holdNext()
            let slow = Task { try await snapshots.reloadAll() }
            while !fake.gate.isHolding { await Task.yield() }
            fake.title.withLock { $0 = "v2" }
            try await snapshots.reload("p")
            await fake.gate.release()
            try await slow.value
            #expect(snapshots["p"]?.data.page.title == "v2")
        }
    }
}
