import CoreMetrics
import Logging
import ServiceLifecycle
import ShiplogModel
import ShiplogStore

/// Keeps this replica's in-memory pages and key cache in step with the other processes of a
/// shared store (SPEC §8, PostgreSQL): it follows the store's change feed and applies each
/// announced change as this replica's own writes are applied, reading again only what changed.
///
/// - releases: each is read again and replaces, joins or leaves the snapshot in place
///   (``PageSnapshot/applying(_:)``); a release this replica does not hold joins last only when it is
///   the newest of its page (else the page is reloaded, as it is when anything cannot be applied).
/// - deployments: the same, by id (``DeploymentChanges/applying(_:removing:to:)``).
/// - anything else of a page: that page is reloaded.
/// - keys: the key cache is forgotten, so a revoked key stops working at once.
/// - resynchronise (the feed started or reconnected): the key cache is forgotten and every page
///   reloaded; the first one only when the store changed since the pages were first loaded.
///
/// Changes go through the gate of this replica's writes (``DeploymentChanges``), so each reaches
/// the snapshot in order with them. On this store the server does not poll the change counter:
/// it counts every replica's commits (its own too, and every mail sent), and the feed says more.
struct ReplicaChanges: Service {
    let store: any ReplicatedStore
    let snapshots: Snapshots
    let changes: DeploymentChanges
    let keys: KeyRing
    let logger: Logger
    /// The store's change counter, read before the pages were first loaded.
    let loadedAt: Int?
    /// Called after another process changed a page (nil: any page may have): the site rebuild.
    let onChange: @Sendable (String?) -> Void

    func run() async throws {
        await cancelWhenGracefulShutdown { await follow() }
    }

    private func follow() async {
        var first = true
        for await event in store.changes() {
            switch event {
            case .resynchronise:
                await resynchronise(first: first)
                first = false
            case .changed(let change):
                await apply(change)
            }
        }
    }

    func resynchronise(first: Bool) async {
        ServerMetrics.replicaChange("resynchronise")
        if first, let loadedAt, let counter = try? await store.changeCounter(), counter == loadedAt {
            keys.forget()
            return
        }
        // Until the pages are read again, the ones held (and the keys known) stay in use: after an
        // outage the store's pool may refuse connections a while longer, and reads answer from
        // memory meanwhile rather than 503. Tried again every 250 ms until it succeeds.
        var failures = 0
        while !Task.isCancelled {
            do {
                try await snapshots.reloadAll(markingStale: false)
                keys.forget()
                onChange(nil)
                return
            } catch {
                failures += 1
                if failures & (failures - 1) == 0 {
                    logger.error("cannot read the store again after the change feed reconnected (\(error)); trying again (attempt \(failures))")
                }
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
    }

    func apply(_ change: StoreChange) async {
        switch change.subject {
        case .keys:
            ServerMetrics.replicaChange("keys")
            keys.forget()
            return
        case .page:
            ServerMetrics.replicaChange("page")
            guard let page = change.page else { return }
            await snapshots.refresh(page)
        case .releases(let references):
            ServerMetrics.replicaChange("releases")
            guard let page = change.page else { return }
            await reread(references, of: page, applying: Self.applying(_:to:)) { reference throws(StoreError) in
                try await store.changedRelease(reference, page: page)
            }
        case .deployments(let ids):
            ServerMetrics.replicaChange("deployments")
            guard let page = change.page else { return }
            await reread(ids, of: page, applying: Self.applying(_:to:)) { id throws(StoreError) in
                try await store.changedDeployment(id: id, page: page)
            }
        }
        onChange(change.page)
    }

    /// Reads the rows of `keys` again with `read` and puts them in the snapshot of `page` in place
    /// with `applying`, through the gate of this replica's writes.
    private func reread<Key, Value>(
        _ keys: [Key],
        of page: String,
        applying: @escaping ([(Key, ChangedRow<Value>?)], PageSnapshot) -> PageSnapshot?,
        _ read: (Key) async throws(StoreError) -> ChangedRow<Value>?
    ) async {
        await changes.applyAnnounced(page) { () async throws(StoreError) -> ((PageSnapshot) -> PageSnapshot?)? in
            var rows: [(Key, ChangedRow<Value>?)] = []
            for key in keys { rows.append((key, try await read(key))) }
            return { applying(rows, $0) }
        }
    }

    /// The snapshot with releases read again: a stored one replaces the release of its reference
    /// or, when it is the newest of the page, joins last; one that is gone leaves. Nil when one
    /// cannot be applied in place.
    static func applying(_ rows: [(ReleaseReference, ChangedRow<Release>?)], to snapshot: PageSnapshot) -> PageSnapshot? {
        var snapshot = snapshot
        for (reference, row) in rows {
            let change: ReleaseChange
            if let row {
                guard row.isNewest || snapshot.catalog.releaseIndex[reference] != nil else { return nil }
                change = .stored(row.value)
            } else {
                change = .removed(reference)
            }
            guard let next = snapshot.applying(change) else { return nil }
            snapshot = next
        }
        return snapshot
    }

    /// The snapshot with deployments read again by id, as ``applying(_:to:)-([(ReleaseReference,_)],_)``
    /// does releases.
    static func applying(_ rows: [(String, ChangedRow<Deployment>?)], to snapshot: PageSnapshot) -> PageSnapshot? {
        var stored: [Deployment] = []
        var removed: Set<String> = []
        for (id, row) in rows {
            guard let row else {
                removed.insert(id)
                continue
            }
            guard row.isNewest || snapshot.data.deployments.contains(where: { $0.id == id }) else { return nil }
            stored.append(row.value)
        }
        return DeploymentChanges.applying(stored, removing: removed, to: snapshot)
    }
}

extension ServerMetrics {
    /// A page (`page`) or every page (`all`) read again from the store into memory.
    static func snapshotReloaded(_ scope: String) {
        CoreMetrics.Counter(label: "shiplog_snapshot_reloads_total", dimensions: [("scope", scope)]).increment()
    }

    /// A change another process announced (by subject), or a resynchronisation.
    static func replicaChange(_ subject: String) {
        CoreMetrics.Counter(label: "shiplog_replica_changes_total", dimensions: [("subject", subject)]).increment()
    }
}
