public import ShiplogModel

/// The rollback rules of SPEC §6 and §6.1, on an environment's deployments of one component (newest first).
///
/// The rule looks at the newest deployment that ended with an outcome: `success`, `failure` or
/// `error`. Active deployments (`pending`, `in_progress`, `canceling`) are canceled by the rollback
/// and never count; `canceled` and `unknown` ones changed nothing that is known, so they are skipped
/// too. When that deployment succeeded, the target is the version that ran before it: the newest
/// earlier successful deployment of another version. When it failed, the target is the last
/// successful version other than the failed one. A rollback therefore never "rolls back" to the
/// version it leaves: not after a failed redeploy of the running version, not while an earlier
/// rollback is still pending.
public enum Rollback {
    /// Why there is no rollback.
    public enum Refusal: Error, Sendable, Hashable {
        /// The environment is frozen and `force` was not given.
        case frozen
        /// Nothing to roll back to (no deployment, or no earlier successful version).
        case nothingToRollBack
    }

    /// What a rollback of one component does.
    public struct Plan: Sendable, Hashable {
        /// The version it leaves: that of the newest deployment with an outcome.
        public var from: String
        /// The version it deploys (never `from`).
        public var target: String
    }

    /// Whether the rule counts a deployment of this status (it ended with an outcome).
    public static func isOutcome(_ status: Deployment.Status) -> Bool {
        status == .success || status == .failure || status == .error
    }

    /// Whether a rollback cancels a deployment of this status.
    public static func isActive(_ status: Deployment.Status) -> Bool {
        status == .pending || status == .inProgress || status == .canceling
    }

    /// The version to deploy and the one left, by the rules above.
    public static func plan(newestFirst deployments: [Deployment], frozen: Bool, force: Bool) -> Result<Plan, Refusal> {
        if frozen && !force { return .failure(.frozen) }
        guard let newestPosition = deployments.firstIndex(where: { isOutcome($0.status) }) else { return .failure(.nothingToRollBack) }
        let newest = deployments[newestPosition]
        let earlier = deployments[deployments.index(after: newestPosition)...]
        guard let target = earlier.first(where: { $0.status == .success && $0.version != newest.version }) else {
            return .failure(.nothingToRollBack)
        }
        return .success(Plan(from: newest.version, target: target.version))
    }

    /// The version to deploy (see ``plan(newestFirst:frozen:force:)``).
    public static func target(newestFirst deployments: [Deployment], frozen: Bool, force: Bool) -> Result<String, Refusal> {
        plan(newestFirst: deployments, frozen: frozen, force: force).map(\.target)
    }
}

/// What one rollback changed: the active deployments it canceled, and the deployments it created.
public struct RollbackOutcome: Sendable, Hashable {
    /// The canceled deployments, in their new state.
    public var canceled: [StoredDeployment]
    /// The new (`pending`) deployments, one per component rolled back, in component order.
    public var created: [StoredDeployment]

    /// Every deployment that changed or was added, oldest row first.
    public var changed: [StoredDeployment] { (canceled + created).sorted { $0.id < $1.id } }
}

extension Store {
    /// Rolls back one component (or, with nil, every component deployed there) in an environment by
    /// the rules of ``Rollback``, in one transaction (SPEC §6.1), by `creator`: the active deployments
    /// of every affected component are canceled first (also of one with nothing to roll back to),
    /// then a `pending` deployment of each target is recorded. When no component can be rolled
    /// back, nothing changes (not found).
    public func rollback(
        component: String?,
        environment: String,
        force: Bool,
        actor: String?,
        page: String,
        by creator: String?
    ) async throws(StoreError) -> RollbackOutcome {
        let creation = Creation(by: creator, now: Self.now())
        let now = creation.now
        return try await write { db in
            try Rows.requirePage(db, page)
            guard let frozen = try Rows.environmentFrozen(db, environment, page: page) else {
                throw StoreError.notFound("environment \(JSONWriter.quoted(environment))")
            }
            if frozen && !force {
                throw StoreError.invalid(
                    field: "force",
                    message: "environment \(JSONWriter.quoted(environment)) is frozen; give \"force\": true to roll back anyway"
                )
            }
            let components =
                try component.map { [$0] }
                ?? String.fetchAll(
                    db,
                    sql: """
                        SELECT d.component FROM deployments d LEFT JOIN components c ON c.page_id = d.page_id AND c.slug = d.component
                        WHERE d.page_id = ? AND d.environment = ? GROUP BY d.component
                        ORDER BY MIN(c.seq) IS NOT NULL, MIN(c.seq), d.component
                        """,
                    arguments: [page, environment]
                )
            var outcome = RollbackOutcome(canceled: [], created: [])
            for slug in components {
                let history = try DeploymentRecord.fetchAll(
                    db,
                    sql: "SELECT * FROM deployments WHERE page_id = ? AND environment = ? AND component = ? ORDER BY seq DESC",
                    arguments: [page, environment, slug]
                ).map(Self.storedDeployment)
                // Every affected component's active deployments end first, whether or not it has a
                // version to go back to (SPEC §6.1); canceled ones never count for the rule.
                for var active in history.reversed() where Rollback.isActive(active.deployment.status) {
                    active.deployment.status = .canceled
                    active.deployment.finishedAt = Timestamp(seconds: now)
                    try Rows.setStatus(db, active, now: now, page: page)
                    outcome.canceled.append(active)
                }
                guard case .success(let plan) = Rollback.plan(newestFirst: history.map(\.deployment), frozen: frozen, force: force) else {
                    continue
                }
                let deployment = Deployment(
                    component: slug,
                    version: plan.target,
                    environment: environment,
                    status: .pending,
                    startedAt: Timestamp(seconds: now),
                    actor: actor,
                    meta: .object([JSONMember("rollback", .bool(true)), JSONMember("from", .string(plan.from))]),
                    // The version it leaves (that of the newest deployment with an outcome, a failed one
                    // too), so a rollback's record never reads "from 1.0.2 to 1.0.2".
                    fromVersion: plan.from
                )
                outcome.created.append(try Rows.addDeployment(db, deployment, page: page, creation: creation))
            }
            guard !outcome.created.isEmpty else {
                let what = component.map { "of \(JSONWriter.quoted($0))" } ?? "of any component"
                throw StoreError.notFound(
                    "a version \(what) to roll back to in \(JSONWriter.quoted(environment)) (an earlier successful deployment of another version)"
                )
            }
            return outcome
        }
    }
}

extension Rows {
    /// Writes a stored deployment's status and end, and queues its `deployment.updated` event when `notify`.
    static func setStatus(_ db: any SQLSession, _ stored: StoredDeployment, now: Int64, page: String, notify: Bool = true) throws {
        try db.execute(
            sql: "UPDATE deployments SET status = ?, finished_at = ? WHERE seq = ?",
            arguments: [stored.deployment.status.rawValue, stored.deployment.finishedAt?.seconds, stored.id]
        )
        guard notify else { return }
        try queueEvent(db, page: page, .deploymentUpdated, data: DataEncoder.deployment(stored.deployment, answer: true), now: now)
    }
}
