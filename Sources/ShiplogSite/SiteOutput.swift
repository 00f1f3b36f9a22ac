import ShiplogModel

/// One file of the site.
enum Output: Sendable, Hashable {
    case index, notFound, version, sitemap
    case feed(FeedFormat)
    case component(Int)
    case componentLatest(Int)
    case componentFeed(Int, FeedFormat)
    case release(Int)
    case group(Int)
    case asset(String)
    /// The site-wide search index and a component's (see ``SearchIndex``).
    case search
    case componentSearch(Int)
    /// A component's README badge (SPEC §9).
    case badge(Int, BadgeFormat)
    /// The badge of what runs of a component (its offset) in an environment (its name).
    case environmentBadge(String, Int, BadgeFormat)
    /// An app update file of a component (see ``UpdateFile``).
    case update(Int, UpdateFile)
}

/// The two files of a badge.
enum BadgeFormat: String, Sendable, Hashable, CaseIterable {
    case svg = "badge.svg"
    case json = "badge.json"

    /// The file's text for `badge`.
    func text(_ badge: Badge) -> String {
        switch self {
        case .svg: badge.svg
        case .json: badge.endpointJSON
        }
    }
}

/// The two feed formats.
enum FeedFormat: String, Sendable, Hashable {
    case json = "feed.json"
    case atom = "atom.xml"
}

/// A file to be written: where, what, and the fingerprint of everything it is made from.
struct PlannedOutput: Sendable {
    var path: String
    var output: Output
    var key: Digest
}
