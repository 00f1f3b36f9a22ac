public import ShiplogModel

/// The rows a replica reads again when another process announced a change (``StoreChange``): one
/// release or one deployment, with whether it is the newest of its page (a row added after every
/// other one goes last, where a reload of the page would put it).
extension Store {
    public func changedRelease(_ reference: ReleaseReference, page: String) async throws(StoreError) -> ChangedRow<Release>? {
        try await read { db in
            try NewestRecord<ReleaseRecord>.fetchOne(
                db,
                sql: """
                    SELECT r.*, CASE WHEN EXISTS (SELECT 1 FROM releases n WHERE n.page_id = r.page_id AND n.seq > r.seq) THEN 0 ELSE 1 END AS newest
                    FROM releases r WHERE r.page_id = ? AND r.component = ? AND r.version = ?
                    """,
                arguments: [page, reference.component, reference.version]
            ).map { ChangedRow(value: $0.record.release, isNewest: $0.isNewest) }
        }
    }

    public func changedDeployment(id: String, page: String) async throws(StoreError) -> ChangedRow<Deployment>? {
        try await read { db in
            try NewestRecord<DeploymentRecord>.fetchOne(
                db,
                sql: """
                    SELECT d.*, CASE WHEN EXISTS (SELECT 1 FROM deployments n WHERE n.page_id = d.page_id AND n.seq > d.seq) THEN 0 ELSE 1 END AS newest
                    FROM deployments d WHERE d.page_id = ? AND d.id = ?
                    """,
                arguments: [page, id]
            ).map { ChangedRow(value: $0.record.deployment, isNewest: $0.isNewest) }
        }
    }
}
