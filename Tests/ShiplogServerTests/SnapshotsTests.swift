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
        /// While set, a load of the state `held` waits for `release()`.
        let gate = Mutex<CheckedContinuation<Void, Never>?>(nil)
        let holdNext = Mutex(false)

        func load(_ id: String) async throws(StoreError) -> ReleaseData? {
            let title = title.withLock { $0 }
            if failures.withLock({ count in
                defer { count = max(0, count - 1) }
                return count > 0
            }) {
                throw StoreError.database("disk I/O error")
            }
            if holdNext.withLock({ hold in
                defer { hold = false }
                return hold
            }) {
                await withCheckedContinuation { continuation in gate.withLock { $0 = continuation } }
            }
            return ReleaseData(page: Page(id: id, title: title))
        }

        func release() async {
            while true {
                if let continuation = gate.withLock({ gate in
                    defer { gate = nil }
                    return gate
                }) {
                    continuation.resume()
                    return
                }
                await Task.yield()
            }
        }
    }

    static func snapshots(_ fake: FakeStore) throws -> (Snapshots, URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shiplog-snapshots-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try SQLiteStore(path: directory.appendingPathComponent("shiplog.db").path)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return (Snapshots(store: store, logger: logger) { id throws(StoreError) in try await fake.load(id) }, directory)
    }

    @Test("a refresh that fails after a commit does not throw, and the next read reloads the page")
    func failedRefreshIsNotAnError() async throws {
        let fake = FakeStore()
        let (snapshots, directory) = try Self.snapshots(fake)
        defer { try? FileManager.default.removeItem(at: directory) }
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

    @Test("a refresh retries a failed reload before it gives up")
    func refreshRetries() async throws {
        let fake = FakeStore()
        let (snapshots, directory) = try Self.snapshots(fake)
        defer { try? FileManager.default.removeItem(at: directory) }
        fake.title.withLock { $0 = "v2" }
        fake.failures.withLock { $0 = 2 }
        await snapshots.refresh("p")
        #expect(!snapshots.isStale("p"))
        #expect(snapshots["p"]?.data.page.title == "v2")
    }

    @Test("a reload that read the store earlier never replaces what a later one installed")
    func reloadsAreOrdered() async throws {
        let fake = FakeStore()
        let (snapshots, directory) = try Self.snapshots(fake)
        defer { try? FileManager.default.removeItem(at: directory) }
        // The first reload reads v1 and is held before it installs; a second one reads v2 and finishes.
        fake.holdNext.withLock { $0 = true }
        let slow = Task { try await snapshots.reload("p") }
        while fake.gate.withLock({ $0 == nil }) { await Task.yield() }
        fake.title.withLock { $0 = "v2" }
        try await snapshots.reload("p")
        #expect(snapshots["p"]?.data.page.title == "v2")
        await fake.release()
        try await slow.value
        #expect(snapshots["p"]?.data.page.title == "v2", "the older reload was dropped")
    }

    @Test("reloading every page keeps a page reloaded after it started")
    func reloadAllIsOrdered() async throws {
        let fake = FakeStore()
        let (snapshots, directory) = try Self.snapshots(fake)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await snapshots.store.ensurePage(id: "p")
        fake.holdNext.withLock { $0 = true }
        let slow = Task { try await snapshots.reloadAll() }
        while fake.gate.withLock({ $0 == nil }) { await Task.yield() }
        fake.title.withLock { $0 = "v2" }
        try await snapshots.reload("p")
        await fake.release()
        try await slow.value
        #expect(snapshots["p"]?.data.page.title == "v2")
    }
}
