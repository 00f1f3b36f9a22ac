import ShiplogModel

/// Who creates rows, and when: the store's side of `created_at` and `created_by` (SPEC §1).
struct Creation: Sendable {
    /// The id of the key that asked, or `import`.
    var by: String?
    /// Unix seconds.
    var now: Int64

    /// What `import` creates.
    static func importing(now: Int64) -> Creation { Creation(by: "import", now: now) }
}

extension Rows {
    /// Creates or updates a release; returns whether the row was created.
    ///
    /// `id`, `created_at` and `created_by` given with the release are kept (import); those it
    /// lacks come from the stored row, else a new id and `creation`.
    static func upsert(_ db: any SQLSession, _ release: Release, page: String, creation: Creation) throws -> Bool {
        let existing = try SQLRow.fetchOne(
            db,
            sql: "SELECT seq, id, created_at, created_by FROM releases WHERE page_id = ? AND component = ? AND version = ?",
            arguments: [page, release.component, release.version.text]
        )
        let seq: Int64? = existing?["seq"]
        if let id = release.id { try requireFreeID(db, id, table: "releases", seq: seq, for: "release \(describe(release.reference))") }
        let storedID: String? = existing?["id"]
        let id = release.id ?? storedID ?? StableID.make()
        var createdAt = release.createdAt?.seconds
        var createdBy = release.createdBy
        if let existing {
            createdAt = createdAt ?? existing["created_at"]
            createdBy = createdBy ?? existing["created_by"]
        } else {
            createdAt = createdAt ?? creation.now
            createdBy = createdBy ?? creation.by
        }
        try ReleaseRecord(release, page: page, id: id, createdAt: createdAt, createdBy: createdBy)
            .upsert(db, onConflict: ["page_id", "component", "version"])
        return existing == nil
    }

    /// The stored release of `reference`.
    static func storedRelease(_ db: any SQLSession, _ reference: ReleaseReference, page: String) throws -> Release? {
        try ReleaseRecord.fetchOne(
            db,
            sql: "SELECT * FROM releases WHERE page_id = ? AND component = ? AND version = ?",
            arguments: [page, reference.component, reference.version]
        )?.release
    }

    /// Refuses an id that another release or deployment (any page: ids are unique in the store)
    /// has; `seq` is the row of `table` that may keep it.
    static func requireFreeID(_ db: any SQLSession, _ id: String, table: String, seq: Int64?, for subject: String) throws {
        for other in ["releases", "deployments"] {
            guard
                let row = try SQLRow.fetchOne(
                    db,
                    sql: "SELECT page_id, component, version FROM \(other) WHERE id = ? AND seq IS DISTINCT FROM ?",
                    arguments: [id, other == table ? seq : nil]
                )
            else { continue }
            let owner =
                "\(other == "releases" ? "release" : "a deployment of") \(describe(ReleaseReference(component: row["component"], version: row["version"])))"
            var taken = StoreError.conflict(
                "id \(JSONWriter.quoted(id)) of \(subject) is already the id of \(owner) on page \(JSONWriter.quoted(row["page_id"] as String)); ids are unique in the store"
            )
            taken.field = "id"
            throw taken
        }
    }

    /// `"v1.0.2" of component "api"`.
    static func describe(_ reference: ReleaseReference) -> String {
        "\(JSONWriter.quoted(reference.version)) of component \(JSONWriter.quoted(reference.component))"
    }

    // MARK: Deployments

    /// The version `environment` ran for `component` before the next deployment: its newest successful deployment there.
    static func currentVersion(_ db: any SQLSession, component: String, environment: String, page: String) throws -> String? {
        try String.fetchOne(
            db,
            sql: """
                SELECT version FROM deployments WHERE page_id = ? AND environment = ? AND component = ? AND status = 'success'
                ORDER BY seq DESC LIMIT 1
                """,
            arguments: [page, environment, component]
        )
    }

    /// Stores a deployment and returns it as stored: its id, creation and `from_version` are the
    /// ones given (import), else a new id, `creation` and the version the environment ran before.
    static func insert(_ db: any SQLSession, _ deployment: Deployment, page: String, creation: Creation) throws -> StoredDeployment {
        var stored = deployment
        if let id = deployment.id {
            try requireFreeID(
                db,
                id,
                table: "deployments",
                seq: nil,
                for: "a deployment of \(describe(ReleaseReference(component: deployment.component, version: deployment.version)))"
            )
        }
        stored.id = deployment.id ?? StableID.make()
        stored.createdAt = deployment.createdAt ?? Timestamp(seconds: creation.now)
        stored.createdBy = deployment.createdBy ?? creation.by
        if deployment.fromVersion == nil {
            stored.fromVersion = try currentVersion(db, component: deployment.component, environment: deployment.environment, page: page)
        }
        let seq = try DeploymentRecord(stored, page: page).insertReturningSeq(db)
        return StoredDeployment(id: seq, deployment: stored)
    }

    /// What an import did with a deployment.
    enum ImportedDeployment { case created, updated, unchanged }

    /// Imports a deployment: one with an id the page has updates that row; else a stored one with
    /// the same data (release, environment, status, times, host …) that this import has not
    /// matched yet is the same deployment (it takes the given id, when there is one, so data
    /// exported elsewhere merges instead of doubling); else it is added. `matched` holds the rows
    /// this import matched or added.
    static func importDeployment(
        _ db: any SQLSession,
        _ deployment: Deployment,
        page: String,
        creation: Creation,
        matched: inout Set<Int64>
    ) throws -> ImportedDeployment {
        var target: Int64?
        if let id = deployment.id, let row = try SQLRow.fetchOne(db, sql: "SELECT seq, page_id FROM deployments WHERE id = ?", arguments: [id]),
            (row["page_id"] as String) == page
        {
            target = row["seq"]
        } else {
            let identical = try Int64.fetchAll(
                db,
                sql: "SELECT seq FROM deployments WHERE page_id = ? AND "
                    + DeploymentRecord.dataColumns.map { "\($0) IS NOT DISTINCT FROM ?" }.joined(separator: " AND ")
                    + " ORDER BY seq",
                arguments: [page] + DeploymentRecord(deployment, page: page).dataValues()
            )
            guard let seq = identical.first(where: { !matched.contains($0) }) else {
                matched.insert(try insert(db, deployment, page: page, creation: creation).id)
                return .created
            }
            matched.insert(seq)
            // The same data without an id to take: nothing to change.
            guard deployment.id != nil else { return .unchanged }
            target = seq
        }
        guard let seq = target else { return .unchanged }
        matched.insert(seq)
        var assignments = DeploymentRecord.dataColumns.map { "\($0) = ?" }
        var values = try DeploymentRecord(deployment, page: page).dataValues()
        if let id = deployment.id {
            let reference = ReleaseReference(component: deployment.component, version: deployment.version)
            try requireFreeID(db, id, table: "deployments", seq: seq, for: "a deployment of \(describe(reference))")
        }
        for (column, value) in [
            ("id", deployment.id as (any SQLBindable)?), ("created_at", deployment.createdAt?.seconds),
            ("created_by", deployment.createdBy), ("from_version", deployment.fromVersion),
        ] where value != nil {
            assignments.append("\(column) = ?")
            values.append(value)
        }
        try db.execute(
            sql: "UPDATE deployments SET \(assignments.joined(separator: ", ")) WHERE seq = ?",
            arguments: values + [seq]
        )
        return .updated
    }

    // MARK: Sites

    /// Creates a site or renames it, attaching its releases; returns whether it was created.
    /// `created_at` and `created_by` given with the site are kept (import), else `creation`'s.
    static func upsert(_ db: any SQLSession, _ site: CustomerSite, page: String, creation: Creation) throws -> Bool {
        let existing = try siteSeq(db, site.slug, page: page)
        try db.execute(
            sql: """
                INSERT INTO sites (page_id, slug, name, created_at, created_by) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (page_id, slug) DO UPDATE SET name = excluded.name,
                    created_at = COALESCE(?, sites.created_at), created_by = COALESCE(?, sites.created_by)
                """,
            arguments: [
                page, site.slug, site.name, site.createdAt?.seconds ?? creation.now, site.createdBy ?? creation.by, site.createdAt?.seconds,
                site.createdBy,
            ]
        )
        let seq = try existing ?? siteSeq(db, site.slug, page: page)
        for reference in site.releases {
            try db.execute(
                sql: "INSERT INTO site_releases (site_seq, page_id, component, version) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                arguments: [seq, page, reference.component, reference.version]
            )
        }
        return existing == nil
    }

    // MARK: Import

    static func importData(_ db: any SQLSession, _ data: ReleaseData, now: Int64) throws -> ImportSummary {
        var summary = ImportSummary()
        func count(_ kind: String, _ created: Bool) {
            if created { summary.created[kind, default: 0] += 1 } else { summary.updated[kind, default: 0] += 1 }
        }
        let creation = Creation.importing(now: now)
        let page = data.page.id
        count("pages", try upsert(db, data.page))
        for component in data.components { count("components", try upsert(db, component, page: page)) }
        var published: [ReleaseReference] = []
        for (position, release) in data.releases.enumerated() {
            let previous = try status(db, release.reference, page: page)
            do {
                count("releases", try upsert(db, release, page: page, creation: creation))
            } catch let error as StoreError where error.field == "id" {
                // Which release of the data: `import` names the file and the JSON path (SPEC §1).
                var located = error
                located.field = "releases[\(position)].id"
                throw located
            }
            if release.status == .published && previous != .published { published.append(release.reference) }
        }
        for group in data.groups { count("groups", try upsert(db, group, page: page)) }
        for environment in data.environments { count("environments", try upsert(db, environment, page: page)) }
        var matched: Set<Int64> = []
        // Oldest first by their times, whatever order the file lists them in: the store's order
        // of deployments is the order they were recorded in.
        for deployment in Deployment.oldestFirst(data.deployments) {
            switch try importDeployment(db, deployment, page: page, creation: creation, matched: &matched) {
            case .created: summary.created["deployments", default: 0] += 1
            case .updated: summary.updated["deployments", default: 0] += 1
            case .unchanged: break
            }
        }
        for site in data.sites { count("sites", try upsert(db, site, page: page, creation: creation)) }
        // A release the data yanks or makes a draft stops being its component's active release.
        try dropUnpublishedActive(db, page: page)
        try releasesChanged(db, page: page, published: published, now: now)
        return summary
    }
}
