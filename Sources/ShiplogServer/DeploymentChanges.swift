import ShiplogModel
import ShiplogStore
import Synchronization

/// Deployment writes that cost what they change: the stored rows a write returns replace (or join)
/// the deployments of the page's snapshot in place, instead of a reload of the whole page, which on
/// a page of 10,000 releases costs about 100 ms.
///
/// Deployment writes of the server pass one gate, so their changes reach the snapshot in the order
/// they committed. A change is applied in place only when no reload is in flight (a reload that read
/// the store before the change committed would install a snapshot without it); otherwise, or when
/// the page is stale or a row has no id, the page is reloaded as after any other write. Either way
/// the answer is sent after the snapshot holds the change (SPEC §6.1).
final class DeploymentChanges: Sendable {
    let snapshots: Snapshots
    /// Tells the other replicas what a committed write changed (``ReplicaChanges``).
    let announce: @Sendable (StoreChange) async -> Void
    private let gate = TurnQueue()

    init(snapshots: Snapshots, announce: @escaping @Sendable (StoreChange) async -> Void = { _ in }) {
        self.snapshots = snapshots
        self.announce = announce
    }

    /// Runs a deployment write of `page` that returns its result and the deployments it changed or
    /// added as stored (in the store's order), puts those in the snapshot, then calls `notify`.
    /// Returns the result once the snapshot has them; a committed write is answered as committed.
    func write<T: Sendable>(
        _ page: String,
        notify: @Sendable (String) async -> Void,
        _ body: () async throws(StoreError) -> (T, [Deployment])
    ) async throws(APIError) -> T {
        try await writeOrReload(page, notify: notify) { () async throws(StoreError) -> (T, [Deployment]?) in
            let (result, rows) = try await body()
            return (result, rows)
        }
    }

    /// ``write(_:notify:_:)`` for a write that may change more of the page than its deployments (a
    /// release or an environment created for a deployment): rows nil reloads the page instead.
    func writeOrReload<T: Sendable>(
        _ page: String,
        notify: @Sendable (String) async -> Void,
        _ body: () async throws(StoreError) -> (T, [Deployment]?)
    ) async throws(APIError) -> T {
        try await writeChanging(page, notify: notify) { () async throws(StoreError) -> (T, ((PageSnapshot) -> PageSnapshot?)?, StoreChange.Subject) in
            let (result, rows) = try await body()
            let ids = rows?.compactMap(\.id)
            let subject: StoreChange.Subject = if let ids, ids.count == rows?.count { .deployments(ids) } else { .page }
            return (result, rows.map { rows in { Self.applying(rows, to: $0) } }, subject)
        }
    }

    /// The gate for any write that changes the snapshot in place (deployments, releases — see
    /// ``ReleaseChange``): `body` commits and returns its result and how the snapshot changes (nil:
    /// the page is reloaded instead, as is a change that returns nil or cannot be applied in place)
    /// and what it changed, which the other replicas are told once the snapshot holds it.
    func writeChanging<T: Sendable>(
        _ page: String,
        notify: @Sendable (String) async -> Void,
        _ body: () async throws(StoreError) -> (T, ((PageSnapshot) -> PageSnapshot?)?, StoreChange.Subject)
    ) async throws(APIError) -> T {
        let outcome: (T, Bool, StoreChange.Subject)
        do {
            outcome = try await gate.run { () async throws(StoreError) in
                let (result, change, subject) = try await body()
                guard let change else { return (result, false, subject) }
                return (result, snapshots.applyInPlace(page, change), subject)
            }
        } catch {
            throw APIError.from(error)
        }
        if !outcome.1 { await snapshots.refresh(page) }
        await announce(StoreChange(page: page, subject: outcome.2))
        await notify(page)
        return outcome.0
    }

    /// Another replica's committed change of `page`, in order with this replica's writes: `read`
    /// reads again from the store what it changed and returns how the snapshot changes (nil, or a
    /// change that cannot be applied in place, reloads the page; so does a failed read).
    func applyAnnounced(_ page: String, _ read: () async throws(StoreError) -> ((PageSnapshot) -> PageSnapshot?)?) async {
        let applied = await gate.run { () async -> Bool in
            guard let change = try? await read() else { return false }
            return snapshots.applyInPlace(page, change)
        }
        if !applied { await snapshots.refresh(page) }
    }

    /// The snapshot with the rows put in place: a row with the id of a deployment replaces it, any
    /// other is appended (it committed after every row the snapshot holds); the deployments of
    /// `removed` (ids) leave. Nil when a row has no id.
    static func applying(_ rows: [Deployment], removing removed: Set<String> = [], to snapshot: PageSnapshot) -> PageSnapshot? {
        var deployments = snapshot.data.deployments
        if !removed.isEmpty { deployments.removeAll { $0.id.map(removed.contains) ?? false } }
        for row in rows {
            guard let id = row.id else { return nil }
            // Changed rows are usually the newest: look from the end.
            if let position = deployments.lastIndex(where: { $0.id == id }) {
                deployments[position] = row
            } else {
                deployments.append(row)
            }
        }
        return snapshot.replacingDeployments(deployments)
    }
}
