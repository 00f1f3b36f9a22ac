import Crypto
import Foundation
import Hummingbird
import Logging
import ShiplogModel
import ShiplogStore
import Synchronization

/// One page as the server answers it: its data, its catalog, and the version document ready to send.
struct PageSnapshot: Sendable {
    let data: ReleaseData
    let catalog: Catalog
    /// The `version.json` body, encoded once.
    let versionBody: ByteBuffer
    /// A strong ETag of that body (quoted).
    let versionETag: String
    /// The update routes' answers, made as they are asked (deployments do not change them).
    let updates: UpdateAnswerCache

    init(data: ReleaseData) {
        self.init(data: data, catalog: Catalog(data: data))
    }

    /// The page of `data`, whose catalog is `catalog` (as ``Catalog/applying(_:to:)`` updates it).
    init(data: ReleaseData, catalog: Catalog) {
        self.data = data
        self.catalog = catalog
        updates = UpdateAnswerCache()
        let text = JSONWriter.write(catalog.versionDocument(), pretty: false)
        versionBody = ByteBuffer(string: text)
        let digest = SHA256.hash(data: Data(text.utf8))
        versionETag = "\"" + digest.prefix(16).map { String(format: "%02x", $0) }.joined() + "\""
    }

    /// The same page with other deployments: nothing the catalog or the version document computes
    /// reads deployments, so they are kept as they are (a deployment write costs what it changes).
    func replacingDeployments(_ deployments: [Deployment]) -> PageSnapshot {
        PageSnapshot(self, deployments: deployments)
    }

    private init(_ old: PageSnapshot, deployments: [Deployment]) {
        var data = old.data
        data.deployments = deployments
        var catalog = old.catalog
        catalog.replaceDeployments(deployments)
        self.data = data
        self.catalog = catalog
        versionBody = old.versionBody
        versionETag = old.versionETag
        updates = old.updates
    }
}

/// Every page of the store held in memory, so reads never wait on SQL: rebuilt after each
/// write through the API, and when another process changes the store.
///
/// Reloads are ordered: each takes a ticket before it reads the store, and a snapshot is kept only
/// when its ticket is newer than the one in place, so a slow reload that read the store earlier can
/// never replace what a later one installed (SPEC §6.1: a read after a write's answer sees it).
/// A reload that fails leaves its page *stale*: ``ensureFresh(_:)`` reloads it before the next read.
final class Snapshots: Sendable {
    /// Reads one page from the store (the store's `load(page:)`; a test may inject failures).
    typealias Loader = @Sendable (String) async throws(StoreError) -> ReleaseData?

    private struct Entry {
        var snapshot: PageSnapshot?
        /// The ticket of the reload that made `snapshot` (0: none yet).
        var ticket: UInt64 = 0
        /// The newest ticket whose reload failed; the page is stale while it is above `ticket`.
        var failed: UInt64 = 0

        var isStale: Bool { failed > ticket }
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var lastTicket: UInt64 = 0
        /// How many reloads took a ticket and have not installed or failed yet. A change is applied in
        /// place only while it is 0: a reload in flight may have read the store before the change
        /// committed, and would then install a snapshot without it.
        var reloading = 0
    }

    let store: any Store
    let logger: Logger
    /// Replaces the store's `load(page:)` when set.
    private let loader: Loader?
    private let state = Mutex(State())
    /// How many pages are stale: reads look at nothing else while it is 0 (the usual case).
    private let staleCount = Atomic<Int>(0)

    init(store: any Store, logger: Logger = Logger(label: "shiplog.snapshots"), load: Loader? = nil) {
        self.store = store
        self.logger = logger
        self.loader = load
    }

    private func load(_ id: String) async throws(StoreError) -> ReleaseData? {
        if let loader { return try await loader(id) }
        return try await store.load(page: id)
    }

    subscript(id: String) -> PageSnapshot? { state.withLock { $0.entries[id]?.snapshot } }

    var pageIDs: [String] { state.withLock { $0.entries.compactMap { $0.value.snapshot == nil ? nil : $0.key } } }

    /// Whether a page's last reload failed, so its snapshot may miss a committed write.
    func isStale(_ id: String) -> Bool {
        // Read on every version request: no lock while no page is stale (the usual case).
        guard staleCount.load(ordering: .relaxed) > 0 else { return false }
        return state.withLock { $0.entries[id]?.isStale ?? false }
    }

    /// Takes a ticket for a reload that is about to read the store (counted in ``State/reloading``
    /// until ``install(_:_:ticket:)``, ``markFailed(_:ticket:)`` or the end of ``reloadAll()``).
    private func takeTicket() -> UInt64 {
        state.withLock {
            $0.lastTicket += 1
            $0.reloading += 1
            return $0.lastTicket
        }
    }

    /// A deployment write of `id` in the snapshot: applied in place (see ``DeploymentChanges``) when
    /// no reload is in flight and the page is loaded and fresh; false when the caller must reload.
    func applyInPlace(_ id: String, _ change: (PageSnapshot) -> PageSnapshot?) -> Bool {
        state.withLock { state in
            guard state.reloading == 0, var entry = state.entries[id], !entry.isStale, let snapshot = entry.snapshot,
                let changed = change(snapshot)
            else { return false }
            entry.snapshot = changed
            state.entries[id] = entry
            return true
        }
    }

    /// Changes one entry, keeping ``staleCount`` right.
    private func update(_ id: String, in state: inout State, _ change: (inout Entry) -> Void) {
        var entry = state.entries[id] ?? Entry()
        let wasStale = entry.isStale
        change(&entry)
        if wasStale != entry.isStale { staleCount.add(entry.isStale ? 1 : -1, ordering: .relaxed) }
        state.entries[id] = entry
    }

    private func install(_ id: String, _ snapshot: PageSnapshot?, ticket: UInt64) {
        state.withLock { state in
            state.reloading -= 1
            update(id, in: &state) { entry in
                guard ticket > entry.ticket else { return }
                entry.snapshot = snapshot
                entry.ticket = ticket
            }
        }
    }

    private func markFailed(_ id: String, ticket: UInt64) {
        state.withLock { state in
            state.reloading -= 1
            update(id, in: &state) { $0.failed = max($0.failed, ticket) }
        }
    }

    /// Reads one page again from the store (dropping it when it is gone).
    func reload(_ id: String) async throws(StoreError) {
        ServerMetrics.snapshotReloaded("page")
        let ticket = takeTicket()
        let data: ReleaseData?
        do {
            data = try await load(id)
        } catch {
            markFailed(id, ticket: ticket)
            throw error
        }
        install(id, data.map(PageSnapshot.init), ticket: ticket)
    }

    /// After a committed write: reloads the page, trying three times; when every attempt fails the
    /// failure is logged and the page stays stale, so the next read reloads it. Never throws: the
    /// write committed and is answered as committed (SPEC §6.1).
    func refresh(_ id: String) async {
        var delay = Duration.milliseconds(20)
        for attempt in 1...3 {
            do {
                try await reload(id)
                return
            } catch {
                if attempt == 3 {
                    logger.error("page \(id) changed but cannot be read again (\(error)); the next read retries")
                    return
                }
            }
            try? await Task.sleep(for: delay)
            delay *= 5
        }
    }

    /// Reloads a stale page before it is read (a 503 when the store still cannot be read).
    func ensureFresh(_ id: String) async throws(StoreError) {
        guard staleCount.load(ordering: .relaxed) > 0, isStale(id) else { return }
        try await reload(id)
    }

    /// Reads every page again. When that fails, the pages held are marked stale (each is read again
    /// before it is next read), unless `markingStale` is false: then they stay in use as they are.
    func reloadAll(markingStale: Bool = true) async throws(StoreError) {
        ServerMetrics.snapshotReloaded("all")
        let ticket = takeTicket()
        var fresh: [String: PageSnapshot] = [:]
        do {
            for id in try await store.pageIDs() {
                if let data = try await load(id) { fresh[id] = PageSnapshot(data: data) }
            }
        } catch {
            state.withLock { state in
                state.reloading -= 1
                guard markingStale else { return }
                for (id, entry) in state.entries where entry.snapshot != nil {
                    update(id, in: &state) { $0.failed = max($0.failed, ticket) }
                }
            }
            throw error
        }
        state.withLock { state in
            state.reloading -= 1
            for id in Set(state.entries.keys).union(fresh.keys) {
                update(id, in: &state) { entry in
                    guard ticket > entry.ticket else { return }
                    entry.snapshot = fresh[id]
                    entry.ticket = ticket
                }
            }
        }
    }
}
