package import ShiplogModel

/// One row of a store's table, read by column name: what every store gives the shared code that
/// turns rows into the model (``PageRows``, ``Rows/release(_:)``, ``Rows/deployment(_:)``). Flags
/// are stored as 0/1 integers on every store.
package protocol ColumnReading: SendableMetatype {
    func string(_ column: String) -> String?
    func integer(_ column: String) -> Int64?
}

extension ColumnReading {
    func flag(_ column: String) -> Bool? { integer(column).map { $0 != 0 } }
}

/// The rows of one page, table by table, each in `seq` order: what ``assemble()`` turns into
/// the page's data. A store fills it with ``queries`` (`?` is the page id).
package struct PageRows {
    package typealias Row = SQLRow

    package var page: Row
    package var components: [Row] = []
    package var releases: [Row] = []
    package var groups: [Row] = []
    package var members: [Row] = []
    package var environments: [Row] = []
    package var deployments: [Row] = []
    package var sites: [Row] = []
    package var siteReleases: [Row] = []

    package init(page: Row) { self.page = page }

    /// The page's row, then the rows of each table, in the order the fields above are filled.
    package static var queries: (page: String, tables: [(WritableKeyPath<PageRows, [Row]>, String)]) {
        (
            "SELECT * FROM pages WHERE id = ?",
            [
                (\.components, "SELECT * FROM components WHERE page_id = ? ORDER BY seq"),
                (\.releases, "SELECT * FROM releases WHERE page_id = ? ORDER BY seq"),
                (\.groups, "SELECT * FROM release_groups WHERE page_id = ? ORDER BY seq"),
                (\.members, "SELECT group_seq, component, version FROM group_members WHERE page_id = ? ORDER BY group_seq, position"),
                (\.environments, "SELECT * FROM environments WHERE page_id = ? ORDER BY seq"),
                (\.deployments, "SELECT * FROM deployments WHERE page_id = ? ORDER BY seq"),
                (\.sites, "SELECT * FROM sites WHERE page_id = ? ORDER BY seq"),
                (\.siteReleases, "SELECT site_seq, component, version FROM site_releases WHERE page_id = ? ORDER BY seq"),
            ]
        )
    }

    /// The page's data in the data format's model.
    package func assemble() -> ReleaseData {
        let page = Page(
            id: page.string("id") ?? "",
            title: page.string("title") ?? "",
            description: page.string("description"),
            baseURL: page.string("base_url"),
            grouping: page.string("grouping").flatMap(Page.Grouping.init(rawValue:)) ?? .none,
            isPublic: page.flag("public") ?? true,
            feedLimit: Int(page.integer("feed_limit") ?? 50),
            serverURL: page.string("server_url")
        )
        let components = components.map {
            Component(
                slug: $0.string("slug") ?? "",
                name: $0.string("name"),
                repo: $0.string("repo"),
                url: $0.string("url"),
                description: $0.string("description"),
                active: $0.string("active_version"),
                activatedAt: Rows.timestamp($0.integer("activated_at")),
                activatedBy: $0.string("activated_by")
            )
        }
        var groupMembers: [Int64: [ReleaseReference]] = [:]
        for row in members {
            groupMembers[row.integer("group_seq") ?? 0, default: []].append(Self.reference(row))
        }
        let groups = groups.map {
            ReleaseGroup(
                version: Version($0.string("version") ?? ""),
                title: $0.string("title"),
                publishedAt: Rows.timestamp($0.integer("published_at")),
                notes: $0.string("notes"),
                members: groupMembers[$0.integer("seq") ?? 0] ?? []
            )
        }
        var attached: [Int64: [ReleaseReference]] = [:]
        for row in siteReleases {
            attached[row.integer("site_seq") ?? 0, default: []].append(Self.reference(row))
        }
        let sites = sites.map {
            CustomerSite(
                slug: $0.string("slug") ?? "",
                name: $0.string("name"),
                releases: attached[$0.integer("seq") ?? 0] ?? [],
                createdAt: Rows.timestamp($0.integer("created_at")),
                createdBy: $0.string("created_by")
            )
        }
        return ReleaseData(
            page: page,
            components: components,
            releases: releases.map(Rows.release),
            groups: groups,
            environments: environments.map { Environment(name: $0.string("name") ?? "", frozen: $0.flag("frozen") ?? false) },
            deployments: deployments.map(Rows.deployment),
            sites: sites
        )
    }

    static func reference(_ row: Row) -> ReleaseReference {
        ReleaseReference(component: row.string("component") ?? "", version: row.string("version") ?? "")
    }
}
