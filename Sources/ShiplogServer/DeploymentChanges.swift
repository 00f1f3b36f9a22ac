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
    private let gate = AsyncGate()

    init(snapshots: Snapshots) {
        self.snapshots = snapshots
    }

    /// Runs a deployment write of `page` that returns its result and the rows it changed or added,
    /// then puts those rows in the snapshot. Returns the result once the snapshot has them.
    func write<T: Sendable>(
        _ page: String,
        _ body: () async throws(StoreError) -> (T, [StoredDeployment])
    ) async throws(StoreError) -> T {
        let (result, inPlace): (T, Bool) = try await gate.run { () async throws(StoreError) in
            let (result, rows) = try await body()
            return (result, snapshots.applyInPlace(page) { Self.applying(rows, to: $0) })
        }
        if !inPlace { await snapshots.refresh(page) }
        return result
    }

    /// The snapshot with the rows put in place: a row with the id of a deployment replaces it, any
    /// other is appended (it committed after every row the snapshot holds). Nil when a row has no id.
    static func applying(_ rows: [StoredDeployment], to snapshot: PageSnapshot) -> PageSnapshot? {
        var deployments = snapshot.data.deployments
        for row in rows.sorted(by: { $0.id < $1.id }) {
            // Until deployments carry their store id (the ids branch), a row cannot be matched: reload.
            let id: String? = nil
            guard let id else { return nil }
            if let position = deployments.lastIndex(where: { _ in id.isEmpty }) {
                deployments[position] = row.deployment
            } else {
                deployments.append(row.deployment)
            }
        }
        return snapshot.replacingDeployments(deployments)
    }
}

/// A first-come, first-served lock for async code: one body runs at a time.
final class AsyncGate: Sendable {
    private struct State {
        var busy = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    func run<T: Sendable, E: Error>(_ body: () async throws(E) -> T) async throws(E) -> T {
        await enter()
        defer { leave() }
        return try await body()
    }

    private func enter() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let entered = state.withLock { state in
                if !state.busy {
                    state.busy = true
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if entered { continuation.resume() }
        }
    }

    /// Hands the gate to the next waiter, or opens it.
    private func leave() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiters.isEmpty else {
                state.busy = false
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }
}
