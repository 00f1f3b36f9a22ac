public import ShiplogModel

/// What shiplog keeps: pages with their release data, and the keys that may change them.
///
/// ``SQLiteStore`` is the embedded implementation (one file, WAL). Every method that writes
/// does so in one transaction: it happens whole or not at all. Another implementation
/// (PostgreSQL) plugs in behind this protocol.
public protocol Store: Sendable {
    /// The ids of every page, in creation order.
    func pageIDs() async throws(StoreError) -> [String]

    /// A page's data in the data format's model, or nil when there is no such page.
    func load(page: String) async throws(StoreError) -> ReleaseData?

    /// Merges valid data into the store (SPEC §5 `import`): the page is created or updated; components,
    /// releases, groups, environments and sites are created or updated by their identity; a deployment
    /// with an id the page has updates it, any other is added unless the same one is there. Given ids
    /// and `created_*` are kept; what lacks them gets a new id and `created_by` `import`. Returns what changed.
    @discardableResult
    func importData(_ data: ReleaseData) async throws(StoreError) -> ImportSummary

    /// Creates a page with just an id and title, unless it exists. Returns whether it was created.
    @discardableResult
    func ensurePage(id: String) async throws(StoreError) -> Bool

    /// Creates or updates a component. Returns whether it was created.
    @discardableResult
    func putComponent(_ component: Component, page: String) async throws(StoreError) -> Bool

    /// Adds a release; its component must exist and its version be new. The store gives it an id,
    /// `created_at` and `created_by` (`creator`: the id of the key that asked). Returns it as stored.
    @discardableResult
    func createRelease(_ release: Release, page: String, by creator: String?) async throws(StoreError) -> Release

    /// Adds a release candidate (Aviator's dialect, SPEC §7): `candidate` as ``createRelease(_:page:by:)``
    /// adds it, and `release` (the version it is a candidate of, a draft) when that version does not
    /// exist yet; with `buildRequest`, queues the `build.requested` event with it as data. One transaction.
    func createReleaseCandidate(
        _ candidate: Release,
        of release: Release,
        buildRequest: JSONValue?,
        page: String,
        by creator: String?
    ) async throws(StoreError) -> ReleaseCandidate

    /// Replaces the release with the same component and version; its id and creation stay. Returns it as stored.
    @discardableResult
    func updateRelease(_ release: Release, page: String) async throws(StoreError) -> Release

    /// Deletes a release nothing refers to; false when there was none.
    @discardableResult
    func deleteRelease(_ reference: ReleaseReference, page: String) async throws(StoreError) -> Bool

    /// Makes a release its component's active release, its latest (SPEC §3). A draft is published
    /// first, with publishing's effects (`published_at` set when missing, subscriber mail, the
    /// `release.published` event); a yanked release is a conflict. Returns the release as stored.
    /// `creator` is the id of the key that asked (recorded with the time as the activation's).
    func activate(_ reference: ReleaseReference, page: String, by creator: String?) async throws(StoreError) -> Release

    /// Makes a component's latest automatic again; returns the version that was active (nil when none was).
    @discardableResult
    func clearActive(component: String, page: String) async throws(StoreError) -> String?

    /// Adds a group whose members exist.
    func createGroup(_ group: ReleaseGroup, page: String) async throws(StoreError)

    /// Creates a key for `page` (creating the page when needed) and returns it; only its hash is kept.
    func createKey(page: String, scope: KeyScope) async throws(StoreError) -> NewKey

    /// The keys of `page` (all pages when nil), newest last.
    func keys(page: String?) async throws(StoreError) -> [KeyInfo]

    /// Revokes a key by its id; false when there is no such key.
    @discardableResult
    func revokeKey(id: String) async throws(StoreError) -> Bool

    /// The live (not revoked) key whose secret is `secret`, if any.
    func key(secret: String) async throws(StoreError) -> KeyInfo?

    // MARK: Environments, deployments and customer sites (SPEC §6)

    /// Adds an environment (409 when it exists).
    func createEnvironment(_ environment: Environment, page: String) async throws(StoreError)

    /// Freezes or unfreezes an environment.
    func setFrozen(_ frozen: Bool, environment: String, page: String) async throws(StoreError)

    /// Records a deployment event of an existing release to an existing environment (not found
    /// otherwise). The store gives it an id, `created_at`, `created_by` (`creator`) and `from_version`.
    func addDeployment(_ deployment: Deployment, page: String, by creator: String?) async throws(StoreError) -> StoredDeployment

    /// Sets the status of the newest deployment of a release to an existing environment, or records one (by `creator`).
    func updateDeployment(
        _ reference: ReleaseReference,
        environment: String,
        status: Deployment.Status,
        page: String,
        by creator: String?
    ) async throws(StoreError) -> (StoredDeployment, created: Bool)

    /// Rolls back a component (nil: every component deployed there) in an environment by the rules of
    /// ``Rollback``, canceling the active deployments first, in one transaction (by `creator`).
    func rollback(
        component: String?,
        environment: String,
        force: Bool,
        actor: String?,
        page: String,
        by creator: String?
    ) async throws(StoreError) -> RollbackOutcome

    /// Replaces what may change of the deployment with the id of `deployment` (status, times, host,
    /// actor, commit, meta, error message); its release, environment, creation and `from_version`
    /// stay. A new status queues `deployment.updated`. Returns it as stored; not found when the page has no such id.
    @discardableResult
    func replaceDeployment(_ deployment: Deployment, page: String) async throws(StoreError) -> Deployment

    /// Deletes the deployment of `id`; false when the page has none.
    @discardableResult
    func deleteDeployment(id: String, page: String) async throws(StoreError) -> Bool

    /// Records a deployment event that may name what does not exist yet (ReleaseBits, SPEC §7), in
    /// one transaction: its environment is created (not frozen) when the page has none of that name,
    /// and `draft` (a release of the deployment's component and version) is created when that release
    /// does not exist; then the deployment is recorded as ``addDeployment(_:page:by:)`` does. The
    /// component must exist. Returns the deployment as stored and what was created for it.
    func recordDeployment(
        _ deployment: Deployment,
        draft: Release,
        page: String,
        by creator: String?
    ) async throws(StoreError)
        -> RecordedDeployment

    /// Creates or renames a customer site (created by `creator`); true when created.
    @discardableResult
    func putSite(slug: String, name: String?, page: String, by creator: String?) async throws(StoreError) -> Bool

    /// Creates a customer site (SPEC §6.1) by `creator`; a slug the page already has is a conflict.
    func createSite(slug: String, name: String?, page: String, by creator: String?) async throws(StoreError)

    /// Sets the name of an existing customer site (nil clears it); not found when it does not exist.
    func renameSite(slug: String, name: String?, page: String) async throws(StoreError)

    /// Deletes a customer site, detaching its releases (which stay); false when it did not exist.
    @discardableResult
    func deleteSite(slug: String, page: String) async throws(StoreError) -> Bool

    /// Attaches a release to a site; true when it was not attached.
    @discardableResult
    func attach(_ reference: ReleaseReference, site: String, page: String) async throws(StoreError) -> Bool

    /// Detaches a release from a site; true when it was attached.
    @discardableResult
    func detach(_ reference: ReleaseReference, site: String, page: String) async throws(StoreError) -> Bool

    // MARK: Subscriptions and the mail outbox (SPEC §6)

    /// Asks for release mail: any address gets a confirmation mail queued (at most
    /// ``Subscriptions/confirmationsPerHour`` an hour), and nothing else changes until it is
    /// confirmed — a confirmed address keeps its preferences until the new ones are (SPEC §6.2).
    func subscribe(page: String, email: String, preferences: [BumpKind]) async throws(StoreError) -> SubscribeOutcome

    /// Asks to unsubscribe an address without a mail's link: a confirmed subscriber gets a mail
    /// with the unsubscribe link queued (at most ``Subscriptions/confirmationsPerHour`` an hour);
    /// nothing else changes (`unchanged` for an address that is not confirmed).
    func requestUnsubscribe(page: String, email: String) async throws(StoreError) -> SubscribeOutcome

    /// The subscriber a confirmation token of `page` would confirm, with the preferences it would
    /// get, without using the token; nil when the token is unknown, used or expired.
    func confirmation(token: String, page: String) async throws(StoreError) -> Subscriber?

    /// Adds addresses confirmed elsewhere (a list moved from another service) as confirmed subscribers,
    /// updating the preferences of known ones; an address that unsubscribed stays unsubscribed. Returns how many changed.
    @discardableResult
    func importSubscribers(page: String, _ subscribers: [(email: String, preferences: [BumpKind])]) async throws(StoreError) -> Int

    /// Unsubscribes an address at once (for the page's owner; anonymous requests go through
    /// ``requestUnsubscribe(page:email:)``); false when it was not subscribed.
    @discardableResult
    func unsubscribe(page: String, email: String) async throws(StoreError) -> Bool

    /// Confirms the subscription of a confirmation token of `page` (single use, expires after 7 days);
    /// a token of another page is left as it was.
    func confirm(token: String, page: String) async throws(StoreError) -> Subscriber?

    /// The subscriber of an unsubscribe token.
    func subscriber(unsubscribeToken: String) async throws(StoreError) -> Subscriber?

    /// Unsubscribes the subscriber of an unsubscribe token at once (one-click, RFC 8058).
    func unsubscribe(token: String) async throws(StoreError) -> Subscriber?

    /// A page's subscribers in every state, oldest first.
    func subscribers(page: String) async throws(StoreError) -> [Subscriber]

    /// Mail due for delivery now that no replica holds, oldest first (a look: nothing is claimed).
    func dueMail(limit: Int) async throws(StoreError) -> [OutboxMail]

    /// Claims up to `limit` mails due now that no replica holds (their lease, if any, has ended),
    /// oldest first: they are `lease.owner`'s until `lease.until`, and no other replica takes them before.
    func claimMail(limit: Int, lease: OutboxLease) async throws(StoreError) -> [OutboxMail]

    /// Gives back claimed mails that were not attempted: any replica may take them at once.
    func releaseMail(_ ids: [Int64], owner: String) async throws(StoreError)

    /// The replicas that hold outbox mail or webhook deliveries now (leases not yet ended).
    func leaseHolders() async throws(StoreError) -> [String]

    /// Ends every lease `owner` holds, a replica known to be gone: its mail and webhook
    /// deliveries may be claimed at once. Returns how many items it held.
    @discardableResult
    func releaseLeases(owner: String) async throws(StoreError) -> Int

    /// Records that a mail `owner` holds is being handed to the SMTP server (`sending`), just
    /// before its content goes out; false when `owner` no longer holds it queued.
    func markSending(mail: Int64, owner: String) async throws(StoreError) -> Bool

    /// Gives up, as failed, the mails left `sending` by a replica that stopped: those `owner`
    /// (a replica known to be gone) held, and any whose lease is over. Returns how many.
    @discardableResult
    func giveUpAbandonedMail(owner: String?) async throws(StoreError) -> Int

    /// Records that the SMTP server accepted a mail (its lease ends).
    func markSent(mail: Int64) async throws(StoreError)

    /// Records a failed delivery: retried at `retryAt` (Unix seconds), or given up when nil.
    func markFailed(mail: Int64, error: String, retryAt: Int64?) async throws(StoreError)

    /// How many mails are queued, sent and failed.
    func outboxCounts(page: String?) async throws(StoreError) -> OutboxCounts

    // MARK: Webhooks (SPEC §6)

    /// Adds a webhook to a page; its deliveries are queued from the next event on.
    func createWebhook(_ registration: WebhookRegistration, page: String) async throws(StoreError) -> Webhook

    /// The webhooks of a page, oldest first, with their delivery counts (never their secrets).
    func webhooks(page: String) async throws(StoreError) -> [Webhook]

    /// Deletes a webhook and its waiting deliveries; false when the page has no such webhook.
    @discardableResult
    func deleteWebhook(id: String, page: String) async throws(StoreError) -> Bool

    /// The deliveries due now: at most one per webhook (its oldest waiting one, unless a replica holds
    /// it), so each webhook gets its events in order (a look: nothing is claimed).
    func dueWebhookDeliveries(limit: Int) async throws(StoreError) -> [WebhookDelivery]

    /// Claims the deliveries due now as ``dueWebhookDeliveries(limit:)`` finds them, leaving out
    /// webhooks whose oldest waiting delivery a replica holds: they are `lease.owner`'s until `lease.until`.
    func claimWebhookDeliveries(limit: Int, lease: OutboxLease) async throws(StoreError) -> [WebhookDelivery]

    /// Records that the receiver answered a delivery with a 2xx `status`.
    func markWebhookDelivered(_ seq: Int64, status: Int) async throws(StoreError)

    /// Records a failed attempt (`status` when the receiver answered): retried at `retryAt` (Unix seconds).
    func markWebhookFailed(_ seq: Int64, status: Int?, error: String, retryAt: Int64) async throws(StoreError)

    /// How many deliveries of every page wait, and how many of those failed at least once.
    func webhookQueueCounts() async throws(StoreError) -> WebhookQueueCounts

    // MARK: Pruning

    /// Removes the mails sent and the webhook deliveries delivered before `cutoff` (Unix seconds);
    /// queued and failed ones are never removed (`serve --keep-delivered`, `shiplog prune`).
    func pruneDelivered(before cutoff: Int64) async throws(StoreError) -> PrunedRows

    // MARK: Idempotency keys (SPEC §6.1)

    /// The answer kept for an `Idempotency-Key` of a page and caller, unless it is older than 24 hours.
    func storedAnswer(page: String, caller: String, key: String) async throws(StoreError) -> StoredAnswer?

    /// Keeps the first answer to a request with an `Idempotency-Key` (and forgets expired ones).
    func storeAnswer(_ answer: StoredAnswer) async throws(StoreError)

    /// A number that changes whenever another connection or process commits to the store, so a
    /// server can notice `shiplog import` or `keys revoke` run beside it.
    func changeCounter() async throws(StoreError) -> Int
}

extension Store {
    /// Activates without naming who asked (see ``activate(_:page:by:)``).
    public func activate(_ reference: ReleaseReference, page: String) async throws(StoreError) -> Release {
        try await activate(reference, page: page, by: nil)
    }
}
