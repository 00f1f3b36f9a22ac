import Foundation
public import ShiplogModel

/// A deployment as stored: the event, and its place in the store's order (newest has the highest id).
public struct StoredDeployment: Sendable, Hashable {
    public var id: Int64
    public var deployment: Deployment
}

extension Store {
    static func storedDeployment(_ record: DeploymentRecord) -> StoredDeployment {
        StoredDeployment(id: record.seq ?? 0, deployment: record.deployment)
    }

    /// Adds an environment (409 when it exists).
    public func createEnvironment(_ environment: Environment, page: String) async throws(StoreError) {
        try await write { db in
            try Rows.requirePage(db, page)
            guard try Rows.environmentFrozen(db, environment.name, page: page) == nil else {
                throw StoreError.conflict("environment \(JSONWriter.quoted(environment.name)) already exists")
            }
            _ = try Rows.upsert(db, environment, page: page)
        }
    }

    /// Freezes or unfreezes an environment.
    public func setFrozen(_ frozen: Bool, environment: String, page: String) async throws(StoreError) {
        try await write { db in
            guard try Rows.environmentFrozen(db, environment, page: page) != nil else {
                throw StoreError.notFound("environment \(JSONWriter.quoted(environment))")
            }
            _ = try Rows.upsert(db, Environment(name: environment, frozen: frozen), page: page)
        }
    }

    /// Records a deployment event of an existing release to an existing environment (not found
    /// otherwise). The store gives it an id, `created_at`, `created_by` (`creator`) and `from_version`.
    public func addDeployment(_ deployment: Deployment, page: String, by creator: String?) async throws(StoreError) -> StoredDeployment {
        let creation = Creation(by: creator, now: Self.now())
        return try await write { db in try Rows.addDeployment(db, deployment, page: page, creation: creation) }
    }

    /// Sets the status of the newest deployment of a release to an existing environment, or records one (by `creator`).
    public func updateDeployment(
        _ reference: ReleaseReference,
        environment: String,
        status: Deployment.Status,
        page: String,
        by creator: String?
    ) async throws(StoreError) -> (StoredDeployment, created: Bool) {
        let creation = Creation(by: creator, now: Self.now())
        let now = creation.now
        return try await write { db in
            try Rows.requireEnvironment(db, environment, page: page)
            guard
                let record = try DeploymentRecord.fetchOne(
                    db,
                    sql: """
                        SELECT * FROM deployments WHERE page_id = ? AND environment = ? AND component = ? AND version = ?
                        ORDER BY seq DESC LIMIT 1
                        """,
                    arguments: [page, environment, reference.component, reference.version]
                )
            else {
                let created = Deployment(
                    component: reference.component,
                    version: reference.version,
                    environment: environment,
                    status: status,
                    startedAt: Timestamp(seconds: now),
                    finishedAt: status.isFinished ? Timestamp(seconds: now) : nil
                )
                return (try Rows.addDeployment(db, created, page: page, creation: creation), true)
            }
            var stored = Self.storedDeployment(record)
            // Setting the status it already has tells nobody (a re-run CI step must not forward a
            // deployment to Sentry or New Relic twice).
            let statusChanged = stored.deployment.status != status
            stored.deployment.status = status
            if status.isFinished && stored.deployment.finishedAt == nil { stored.deployment.finishedAt = Timestamp(seconds: now) }
            try Rows.setStatus(db, stored, now: now, page: page, notify: statusChanged)
            return (stored, false)
        }
    }

    /// Creates or renames a customer site (created by `creator`); true when created.
    @discardableResult
    public func putSite(slug: String, name: String?, page: String, by creator: String?) async throws(StoreError) -> Bool {
        let creation = Creation(by: creator, now: Self.now())
        return try await write { db in
            try Rows.requirePage(db, page)
            return try Rows.upsert(db, CustomerSite(slug: slug, name: name), page: page, creation: creation)
        }
    }

    /// Attaches a release to a site; true when it was not attached.
    @discardableResult
    public func attach(_ reference: ReleaseReference, site: String, page: String) async throws(StoreError) -> Bool {
        try await write { db in
            guard let seq = try Int64.fetchOne(db, sql: "SELECT seq FROM sites WHERE page_id = ? AND slug = ?", arguments: [page, site]) else {
                throw StoreError.notFound("site \(JSONWriter.quoted(site))")
            }
            guard try Rows.releaseSeq(db, reference, page: page) != nil else {
                throw StoreError.notFound("release \(JSONWriter.quoted(reference.version)) of component \(JSONWriter.quoted(reference.component))")
            }
            return try db.execute(
                sql: "INSERT INTO site_releases (site_seq, page_id, component, version) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                arguments: [seq, page, reference.component, reference.version]
            ) > 0
        }
    }

    /// Detaches a release from a site; true when it was attached.
    @discardableResult
    public func detach(_ reference: ReleaseReference, site: String, page: String) async throws(StoreError) -> Bool {
        try await write { db in
            guard let seq = try Int64.fetchOne(db, sql: "SELECT seq FROM sites WHERE page_id = ? AND slug = ?", arguments: [page, site]) else {
                throw StoreError.notFound("site \(JSONWriter.quoted(site))")
            }
            return try db.execute(
                sql: "DELETE FROM site_releases WHERE site_seq = ? AND component = ? AND version = ?",
                arguments: [seq, reference.component, reference.version]
            ) > 0
        }
    }
}

extension Deployment.Status {
    /// Whether the deployment has ended (its `finished_at` is set then).
    public var isFinished: Bool {
        switch self {
        case .success, .failure, .canceled, .error: true
        case .pending, .inProgress, .canceling, .unknown: false
        }
    }
}

extension Rows {
    /// Whether the environment is frozen; nil when it does not exist.
    static func environmentFrozen(_ db: any SQLSession, _ name: String, page: String) throws -> Bool? {
        try Bool.fetchOne(db, sql: "SELECT frozen FROM environments WHERE page_id = ? AND name = ?", arguments: [page, name])
    }

    /// Fails with not found when the page or the environment does not exist: deployments never
    /// create their environment (a typo must fail, SPEC §6.1).
    static func requireEnvironment(_ db: any SQLSession, _ name: String, page: String) throws {
        try requirePage(db, page)
        guard try environmentFrozen(db, name, page: page) != nil else { throw StoreError.notFound("environment \(JSONWriter.quoted(name))") }
    }

    /// Stores a deployment of an existing release to an existing environment and queues its event.
    static func addDeployment(_ db: any SQLSession, _ deployment: Deployment, page: String, creation: Creation) throws -> StoredDeployment {
        try requireEnvironment(db, deployment.environment, page: page)
        let reference = ReleaseReference(component: deployment.component, version: deployment.version)
        guard try releaseSeq(db, reference, page: page) != nil else {
            throw StoreError.invalid(
                field: "version",
                message: "no release \(JSONWriter.quoted(deployment.version)) of component \(JSONWriter.quoted(deployment.component))"
            )
        }
        let stored = try insert(db, deployment, page: page, creation: creation)
        try queueEvent(db, page: page, .deploymentCreated, data: DataEncoder.deployment(stored.deployment, answer: true), now: creation.now)
        return stored
    }
}
