import ShiplogModel
import ShiplogStore

/// The writes whose change is put in the page's snapshot in place (deployments, and the native
/// API's releases), through the one gate of ``DeploymentChanges``, then `notify` is called.
struct InPlaceWrites: Sendable {
    let changes: DeploymentChanges
    /// Called after every committed change of a page (site rebuild, mail, webhooks), not a reload.
    let notify: @Sendable (String) async -> Void

    /// Runs a release write of `page` and puts its change in the snapshot before it returns.
    func release<T: Sendable>(
        _ page: String,
        _ body: () async throws(StoreError) -> (T, ReleaseChange)
    ) async throws(APIError) -> T {
        try await changes.writeChanging(page, notify: notify) {
            () async throws(StoreError) -> (T, ((PageSnapshot) -> PageSnapshot?)?, StoreChange.Subject) in
            let (result, change) = try await body()
            return (result, { $0.applying(change) }, .releases([change.reference]))
        }
    }

    /// Runs a deployment write of `page` (``DeploymentChanges/write(_:notify:_:)``).
    func deployments<T: Sendable>(
        _ page: String,
        _ body: () async throws(StoreError) -> (T, [Deployment])
    ) async throws(APIError) -> T {
        try await changes.write(page, notify: notify, body)
    }

    /// Runs a write that may change more of `page` than its deployments
    /// (``DeploymentChanges/writeOrReload(_:notify:_:)``).
    func deploymentsOrReload<T: Sendable>(
        _ page: String,
        _ body: () async throws(StoreError) -> (T, [Deployment]?)
    ) async throws(APIError) -> T {
        try await changes.writeOrReload(page, notify: notify, body)
    }
}
