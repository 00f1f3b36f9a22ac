import GRDB
import ShiplogModel

/// A row of `pages`.
struct PageRecord: StoreRecord {
    static let databaseTableName = "pages"

    var id: String
    var title: String
    var description: String?
    var baseURL: String?
    var grouping: String
    var `public`: Bool
    var feedLimit: Int
    var serverURL: String?

    enum CodingKeys: String, CodingKey {
        case id, title, description, grouping, `public`
        case baseURL = "base_url"
        case feedLimit = "feed_limit"
        case serverURL = "server_url"
    }

    init(_ page: Page) {
        id = page.id
        title = page.title
        description = page.description
        baseURL = page.baseURL
        grouping = page.grouping.rawValue
        `public` = page.isPublic
        feedLimit = page.feedLimit
        serverURL = page.serverURL
    }

    var page: Page {
        Page(
            id: id,
            title: title,
            description: description,
            baseURL: baseURL,
            grouping: Page.Grouping(rawValue: grouping) ?? .none,
            isPublic: `public`,
            feedLimit: feedLimit,
            serverURL: serverURL
        )
    }
}

/// A row of `components`.
struct ComponentRecord: StoreRecord {
    static let databaseTableName = "components"

    var pageId: String
    var slug: String
    var name: String?
    var repo: String?
    var url: String?
    var description: String?
    var activeVersion: String?
    var activatedAt: Int64?
    var activatedBy: String?

    enum CodingKeys: String, CodingKey {
        case slug, name, repo, url, description
        case pageId = "page_id"
        case activeVersion = "active_version"
        case activatedAt = "activated_at"
        case activatedBy = "activated_by"
    }

    var component: Component {
        Component(
            slug: slug,
            name: name,
            repo: repo,
            url: url,
            description: description,
            active: activeVersion,
            activatedAt: activatedAt.map(Timestamp.init(seconds:)),
            activatedBy: activatedBy
        )
    }
}

/// A row of `release_groups`; its members are ``MemberRecord``s.
struct GroupRecord: StoreRecord {
    static let databaseTableName = "release_groups"

    var seq: Int64?
    var pageId: String
    var version: String
    var title: String?
    var publishedAt: Int64?
    var notes: String?

    enum CodingKeys: String, CodingKey {
        case seq, version, title, notes
        case pageId = "page_id"
        case publishedAt = "published_at"
    }

    init(_ group: ReleaseGroup, page: String) {
        pageId = page
        version = group.version.text
        title = group.title
        publishedAt = group.publishedAt?.seconds
        notes = group.notes
    }

    func group(members: [ReleaseReference]) -> ReleaseGroup {
        ReleaseGroup(
            version: Version(version),
            title: title,
            publishedAt: publishedAt.map(Timestamp.init(seconds:)),
            notes: notes,
            members: members
        )
    }
}

/// A release that a group (`group_members`) or a customer site (`site_releases`) names, read
/// with the `seq` of its owner as `owner_seq`.
struct MemberRecord: StoreRecord {
    static let databaseTableName = "group_members"

    var ownerSeq: Int64
    var component: String
    var version: String

    enum CodingKeys: String, CodingKey {
        case component, version
        case ownerSeq = "owner_seq"
    }

    var reference: ReleaseReference { ReleaseReference(component: component, version: version) }

    /// The references of each owner, in the order of the rows.
    static func byOwner(_ records: [MemberRecord]) -> [Int64: [ReleaseReference]] {
        var owners: [Int64: [ReleaseReference]] = [:]
        for record in records { owners[record.ownerSeq, default: []].append(record.reference) }
        return owners
    }
}

/// A row of `environments`.
struct EnvironmentRecord: StoreRecord {
    static let databaseTableName = "environments"

    var pageId: String
    var name: String
    var frozen: Bool

    enum CodingKeys: String, CodingKey {
        case name, frozen
        case pageId = "page_id"
    }

    init(_ environment: Environment, page: String) {
        pageId = page
        name = environment.name
        frozen = environment.frozen
    }

    var environment: Environment { Environment(name: name, frozen: frozen) }
}

/// A row of `sites`; its releases are ``MemberRecord``s.
struct SiteRecord: StoreRecord {
    static let databaseTableName = "sites"

    var seq: Int64?
    var pageId: String
    var slug: String
    var name: String?
    var createdAt: Int64?
    var createdBy: String?

    enum CodingKeys: String, CodingKey {
        case seq, slug, name
        case pageId = "page_id"
        case createdAt = "created_at"
        case createdBy = "created_by"
    }

    func site(releases: [ReleaseReference]) -> CustomerSite {
        CustomerSite(slug: slug, name: name, releases: releases, createdAt: createdAt.map(Timestamp.init(seconds:)), createdBy: createdBy)
    }
}
