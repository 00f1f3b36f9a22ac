import ShiplogModel

/// Reading one whole page: each of its tables as records, in `seq` order, put together as the
/// data format's model.
enum PageRows {
    static func load(_ db: any SQLSession, page id: String) throws -> ReleaseData? {
        guard let page = try PageRecord.fetchOne(db, sql: "SELECT * FROM pages WHERE id = ?", arguments: [id]) else { return nil }
        let arguments: SQLArguments = [id]
        let members = try MemberRecord.fetchAll(
            db,
            sql: "SELECT group_seq AS owner_seq, component, version FROM group_members WHERE page_id = ? ORDER BY group_seq, position",
            arguments: arguments
        )
        let attached = try MemberRecord.fetchAll(
            db,
            sql: "SELECT site_seq AS owner_seq, component, version FROM site_releases WHERE page_id = ? ORDER BY seq",
            arguments: arguments
        )
        let groupMembers = MemberRecord.byOwner(members)
        let siteReleases = MemberRecord.byOwner(attached)
        return ReleaseData(
            page: page.page,
            components: try ComponentRecord.fetchAll(db, sql: "SELECT * FROM components WHERE page_id = ? ORDER BY seq", arguments: arguments)
                .map(\.component),
            releases: try ReleaseRecord.fetchAll(db, sql: "SELECT * FROM releases WHERE page_id = ? ORDER BY seq", arguments: arguments)
                .map(\.release),
            groups: try GroupRecord.fetchAll(db, sql: "SELECT * FROM release_groups WHERE page_id = ? ORDER BY seq", arguments: arguments)
                .map { $0.group(members: groupMembers[$0.seq ?? 0] ?? []) },
            environments: try EnvironmentRecord.fetchAll(db, sql: "SELECT * FROM environments WHERE page_id = ? ORDER BY seq", arguments: arguments)
                .map(\.environment),
            deployments: try DeploymentRecord.fetchAll(db, sql: "SELECT * FROM deployments WHERE page_id = ? ORDER BY seq", arguments: arguments)
                .map(\.deployment),
            sites: try SiteRecord.fetchAll(db, sql: "SELECT * FROM sites WHERE page_id = ? ORDER BY seq", arguments: arguments)
                .map { $0.site(releases: siteReleases[$0.seq ?? 0] ?? []) }
        )
    }
}
