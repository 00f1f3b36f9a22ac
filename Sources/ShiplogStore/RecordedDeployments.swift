public import ShiplogModel

/// A deployment recorded by ``Store/recordDeployment(_:draft:page:by:)``, and what was created for it.
public struct RecordedDeployment: Sendable, Hashable {
    /// The deployment as stored.
    public var stored: StoredDeployment
    /// The release created for it (a draft), or nil when the release existed.
    public var createdRelease: Release?
    /// Whether its environment was created for it.
    public var createdEnvironment: Bool
}

extension Store {
    /// Records a deployment event that may name what does not exist yet (ReleaseBits, SPEC §7), in
    /// one transaction: its environment is created (not frozen) when the page has none of that name,
    /// and `draft` (a release of the deployment's component and version) is created when that release
    /// does not exist; then the deployment is recorded as ``addDeployment(_:page:by:)`` does. The
    /// component must exist. Returns the deployment as stored and what was created for it.
    public func recordDeployment(
        _ deployment: Deployment,
        draft: Release,
        page: String,
        by creator: String?
    ) async throws(StoreError)
        -> RecordedDeployment
    {
        let creation = Creation(by: creator, now: Self.now())
        return try await write { db in
            try Rows.requirePage(db, page)
            try Rows.requireComponent(db, deployment.component, page: page)
            var createdEnvironment = false
            if try Rows.environmentFrozen(db, deployment.environment, page: page) == nil {
                createdEnvironment = try Rows.upsert(db, Environment(name: deployment.environment), page: page)
            }
            var createdRelease: Release?
            let reference = ReleaseReference(component: deployment.component, version: deployment.version)
            if try Rows.releaseSeq(db, reference, page: page) == nil {
                guard draft.reference == reference else {
                    throw StoreError.invalid(field: "version", message: "the release to create is not the one deployed")
                }
                _ = try Rows.upsert(db, draft, page: page, creation: creation)
                if draft.status == .published {
                    try Rows.releasesChanged(db, page: page, published: [reference], now: creation.now)
                }
                createdRelease = try Rows.storedRelease(db, reference, page: page) ?? draft
            }
            let stored = try Rows.addDeployment(db, deployment, page: page, creation: creation)
            return RecordedDeployment(stored: stored, createdRelease: createdRelease, createdEnvironment: createdEnvironment)
        }
    }
}
