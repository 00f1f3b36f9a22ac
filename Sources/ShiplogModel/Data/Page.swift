import ShiplogMacroSupport

/// The release page itself: its identity, title and how it is published (`page` in the data).
@MemberwiseInit
public struct Page: Sendable, Hashable {
    /// How releases of different components are bundled into product versions.
    public enum Grouping: String, Sendable, Hashable, CaseIterable {
        /// Only the explicit `groups` of the data.
        case none
        /// Explicit groups, plus one group per distinct version string across components.
        case byVersion = "by-version"
    }

    /// The page's id (a slug), used in API paths.
    public var id: String
    /// The page title.
    public var title: String
    /// A sentence or two about the page.
    public var description: String?
    /// Where the static site is published; feeds and the sitemap need it for absolute links.
    public var baseURL: String?
    /// How releases are bundled into product versions.
    public var grouping: Grouping = .none
    /// Whether the page is readable without a key.
    public var isPublic: Bool = true
    /// How many items the feeds carry at most.
    public var feedLimit: Int = 50
    /// Where the live parts (subscription form, version endpoint) are served.
    public var serverURL: String?
}

/// A product part that is released on its own (`components[]`).
@MemberwiseInit
public struct Component: Sendable, Hashable {
    /// The component's slug, unique in the page.
    public var slug: String
    /// The display name; the slug when absent.
    public var name: String?
    /// The repository as `owner/name`.
    public var repo: String?
    /// The repository or home page URL; GitHub and GitLab URLs turn `#123` and `@name` into links.
    public var url: String?
    /// A sentence about the component.
    public var description: String?
    /// The version of its **active** release, when one is set (SPEC §3): that release is the
    /// component's latest whatever else is published. It names a published release of the component.
    public var active: String?
    /// When ``active`` was set through the store (`activate`); nil when unknown or when it is not set.
    /// Store metadata: not part of the data format, never exported.
    public var activatedAt: Timestamp?
    /// The id of the key that set ``active``; nil when unknown.
    public var activatedBy: String?

    /// The name, else the slug.
    public var displayName: String { name ?? slug }
    /// The repo, else the slug (as `version.json` reports it).
    public var repoOrSlug: String { repo ?? slug }
}

/// A place releases are deployed to (`environments[]`).
@MemberwiseInit
public struct Environment: Sendable, Hashable {
    /// The environment's name (`production`).
    public var name: String
    /// A frozen environment refuses rollbacks unless forced.
    public var frozen: Bool = false
}

/// A customer site and the releases it runs (`sites[]`).
@MemberwiseInit
public struct CustomerSite: Sendable, Hashable {
    /// The site's slug.
    public var slug: String
    /// The customer's name.
    public var name: String?
    /// The releases attached to the site.
    public var releases: [ReleaseReference] = []
    /// When the store created it.
    public var createdAt: Timestamp?
    /// The id of the key that created it, or `import`; set by the store.
    public var createdBy: String?
}

/// Names one release: a component slug and a version.
@MemberwiseInit
public struct ReleaseReference: Sendable, Hashable {
    /// The component's slug.
    public var component: String
    /// The version string.
    public var version: String
}
