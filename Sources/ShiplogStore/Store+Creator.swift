public import ShiplogModel

extension Store {
    /// ``createRelease(_:page:by:)`` by nobody in particular (`created_by` stays null): for tests and tools, never a route.
    @discardableResult
    public func createRelease(_ release: Release, page: String) async throws(StoreError) -> Release {
        try await createRelease(release, page: page, by: nil)
    }

    /// ``addDeployment(_:page:by:)`` by nobody in particular (`created_by` stays null).
    public func addDeployment(_ deployment: Deployment, page: String) async throws(StoreError) -> StoredDeployment {
        try await addDeployment(deployment, page: page, by: nil)
    }

    /// ``updateDeployment(_:environment:status:page:by:)`` by nobody in particular (`created_by` stays null).
    public func updateDeployment(
        _ reference: ReleaseReference,
        environment: String,
        status: Deployment.Status,
        page: String
    ) async throws(StoreError) -> (StoredDeployment, created: Bool) {
        try await updateDeployment(reference, environment: environment, status: status, page: page, by: nil)
    }

    /// ``rollback(component:environment:force:actor:page:by:)`` by nobody in particular (`created_by` stays null).
    public func rollback(
        component: String?,
        environment: String,
        force: Bool,
        actor: String?,
        page: String
    ) async throws(StoreError)
        -> RollbackOutcome
    {
        try await rollback(component: component, environment: environment, force: force, actor: actor, page: page, by: nil)
    }

    /// ``createSite(slug:name:page:by:)`` by nobody in particular (`created_by` stays null).
    public func createSite(slug: String, name: String?, page: String) async throws(StoreError) {
        try await createSite(slug: slug, name: name, page: page, by: nil)
    }

    /// ``putSite(slug:name:page:by:)`` by nobody in particular (`created_by` stays null).
    @discardableResult
    public func putSite(slug: String, name: String?, page: String) async throws(StoreError) -> Bool {
        try await putSite(slug: slug, name: name, page: page, by: nil)
    }
}
