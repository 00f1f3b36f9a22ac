public import ShiplogModel

/// One deployment by its stable id (SPEC §6.1): change what CI may change, or delete it.
extension Store {
    /// Replaces what may change of the deployment with the id of `deployment` (status, times, host,
    /// actor, commit, meta, error message); its release, environment, creation and `from_version`
    /// stay. A new status queues `deployment.updated`. Returns it as stored; not found when the page has no such id.
    @discardableResult
    public func replaceDeployment(_ deployment: Deployment, page: String) async throws(StoreError) -> Deployment {
        guard let id = deployment.id else { throw StoreError.notFound("deployment without an id") }
        let now = Self.now()
        return try await write { db in
            guard
                let record = try DeploymentRecord.fetchOne(db, sql: "SELECT * FROM deployments WHERE page_id = ? AND id = ?", arguments: [page, id])
            else { throw StoreError.notFound("deployment \(JSONWriter.quoted(id))") }
            let previous = record.deployment
            var stored = previous
            stored.status = deployment.status
            stored.startedAt = deployment.startedAt
            stored.finishedAt = deployment.finishedAt
            stored.host = deployment.host
            stored.actor = deployment.actor
            stored.commit = deployment.commit
            stored.meta = deployment.meta
            stored.errorMessage = deployment.errorMessage
            let statusChanged = stored.status != previous.status
            // As `PATCH …/deployments` does: a deployment that ends now has finished now, unless told otherwise.
            if statusChanged && stored.status.isFinished && stored.finishedAt == nil { stored.finishedAt = Timestamp(seconds: now) }
            try db.execute(
                sql: """
                    UPDATE deployments SET status = ?, started_at = ?, finished_at = ?, host = ?, actor = ?, commit_id = ?,
                        meta = ?, error_message = ? WHERE seq = ?
                    """,
                arguments: [
                    stored.status.rawValue, stored.startedAt?.seconds, stored.finishedAt?.seconds, stored.host, stored.actor, stored.commit,
                    stored.meta.map { JSONWriter.write($0, pretty: false) }, stored.errorMessage, record.seq,
                ]
            )
            if statusChanged {
                try Rows.queueEvent(db, page: page, .deploymentUpdated, data: DataEncoder.deployment(stored, answer: true), now: now)
            }
            return stored
        }
    }

    /// Deletes the deployment of `id`; false when the page has none.
    @discardableResult
    public func deleteDeployment(id: String, page: String) async throws(StoreError) -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM deployments WHERE page_id = ? AND id = ?", arguments: [page, id]) > 0
        }
    }
}
