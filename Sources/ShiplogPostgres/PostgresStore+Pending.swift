public import ShiplogModel
public import ShiplogStore

// The Store methods the PostgreSQL store does not have yet (issue 13, in progress): each throws
// `notImplemented`, which the CLI reports and the server answers as a database error. Move a
// method out of this file when it is written, with its test in the shared store suites.
extension PostgresStore {
    public func importData(_ data: ReleaseData) async throws(StoreError) -> ImportSummary {
        throw Self.notImplemented("importData")
    }

    public func createRelease(_ release: Release, page: String, by creator: String?) async throws(StoreError) -> Release {
        throw Self.notImplemented("createRelease")
    }

    public func createReleaseCandidate(
        _ candidate: Release,
        of release: Release,
        buildRequest: JSONValue?,
        page: String,
        by creator: String?
    ) async throws(StoreError) -> ReleaseCandidate {
        throw Self.notImplemented("createReleaseCandidate")
    }

    public func updateRelease(_ release: Release, page: String) async throws(StoreError) -> Release {
        throw Self.notImplemented("updateRelease")
    }

    public func deleteRelease(_ reference: ReleaseReference, page: String) async throws(StoreError) -> Bool {
        throw Self.notImplemented("deleteRelease")
    }

    public func activate(_ reference: ReleaseReference, page: String, by creator: String?) async throws(StoreError) -> Release {
        throw Self.notImplemented("activate")
    }

    public func clearActive(component: String, page: String) async throws(StoreError) -> String? {
        throw Self.notImplemented("clearActive")
    }

    public func createGroup(_ group: ReleaseGroup, page: String) async throws(StoreError) {
        throw Self.notImplemented("createGroup")
    }

    // MARK: Environments, deployments and customer sites

    public func addDeployment(_ deployment: Deployment, page: String, by creator: String?) async throws(StoreError) -> StoredDeployment {
        throw Self.notImplemented("addDeployment")
    }

    public func updateDeployment(
        _ reference: ReleaseReference,
        environment: String,
        status: Deployment.Status,
        page: String,
        by creator: String?
    ) async throws(StoreError) -> (StoredDeployment, created: Bool) {
        throw Self.notImplemented("updateDeployment")
    }

    public func rollback(
        component: String?,
        environment: String,
        force: Bool,
        actor: String?,
        page: String,
        by creator: String?
    ) async throws(StoreError) -> RollbackOutcome {
        throw Self.notImplemented("rollback")
    }

    public func replaceDeployment(_ deployment: Deployment, page: String) async throws(StoreError) -> Deployment {
        throw Self.notImplemented("replaceDeployment")
    }

    public func deleteDeployment(id: String, page: String) async throws(StoreError) -> Bool {
        throw Self.notImplemented("deleteDeployment")
    }

    public func recordDeployment(
        _ deployment: Deployment,
        draft: Release,
        page: String,
        by creator: String?
    ) async throws(StoreError) -> RecordedDeployment {
        throw Self.notImplemented("recordDeployment")
    }

    // MARK: Subscriptions and the mail outbox

    public func subscribe(page: String, email: String, preferences: [BumpKind]) async throws(StoreError) -> SubscribeOutcome {
        throw Self.notImplemented("subscribe")
    }

    public func requestUnsubscribe(page: String, email: String) async throws(StoreError) -> SubscribeOutcome {
        throw Self.notImplemented("requestUnsubscribe")
    }

    public func confirmation(token: String, page: String) async throws(StoreError) -> Subscriber? {
        throw Self.notImplemented("confirmation")
    }

    public func importSubscribers(page: String, _ subscribers: [(email: String, preferences: [BumpKind])]) async throws(StoreError) -> Int {
        throw Self.notImplemented("importSubscribers")
    }

    public func unsubscribe(page: String, email: String) async throws(StoreError) -> Bool {
        throw Self.notImplemented("unsubscribe(page:email:)")
    }

    public func confirm(token: String, page: String) async throws(StoreError) -> Subscriber? {
        throw Self.notImplemented("confirm")
    }

    public func subscriber(unsubscribeToken: String) async throws(StoreError) -> Subscriber? {
        throw Self.notImplemented("subscriber(unsubscribeToken:)")
    }

    public func unsubscribe(token: String) async throws(StoreError) -> Subscriber? {
        throw Self.notImplemented("unsubscribe(token:)")
    }

    public func dueMail(limit: Int) async throws(StoreError) -> [OutboxMail] { throw Self.notImplemented("dueMail") }

    public func markSent(mail: Int64) async throws(StoreError) { throw Self.notImplemented("markSent") }

    public func markFailed(mail: Int64, error: String, retryAt: Int64?) async throws(StoreError) {
        throw Self.notImplemented("markFailed")
    }

    // MARK: Webhooks

    public func dueWebhookDeliveries(limit: Int) async throws(StoreError) -> [WebhookDelivery] {
        throw Self.notImplemented("dueWebhookDeliveries")
    }

    public func markWebhookDelivered(_ seq: Int64, status: Int) async throws(StoreError) {
        throw Self.notImplemented("markWebhookDelivered")
    }

    public func markWebhookFailed(_ seq: Int64, status: Int?, error: String, retryAt: Int64) async throws(StoreError) {
        throw Self.notImplemented("markWebhookFailed")
    }
}
