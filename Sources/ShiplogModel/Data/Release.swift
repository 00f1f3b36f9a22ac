/// One release of one component (`releases[]`).
public struct Release: Sendable, Hashable {
    /// Whether a release is public.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// Public (the default).
        case published
        /// Not public: never on the site, feeds or version JSON unless drafts are asked for.
        case draft
        /// Withdrawn: shown and marked, never "latest".
        case yanked
    }

    /// The component's slug.
    public var component: String
    /// The version.
    public var version: Version
    /// A title for the release.
    public var title: String?
    /// When it was published; required for published releases.
    public var publishedAt: Timestamp?
    /// Who published it.
    public var author: String?
    /// Release notes, CommonMark.
    public var notes: String?
    /// Published, draft or yanked.
    public var status: Status
    /// The `prerelease` flag as given; see ``isPrerelease`` for the effective value.
    public var prereleaseFlag: Bool?
    /// The commit the release was built from.
    public var commit: String?
    /// The git tag.
    public var tag: String?
    /// A link to the release elsewhere (GitHub release, download page).
    public var url: String?
    /// A code name.
    public var codeName: String?
    /// Downloadable files.
    public var assets: [Asset]

    /// Creates a release.
    public init(
        component: String,
        version: Version,
        title: String? = nil,
        publishedAt: Timestamp? = nil,
        author: String? = nil,
        notes: String? = nil,
        status: Status = .published,
        prereleaseFlag: Bool? = nil,
        commit: String? = nil,
        tag: String? = nil,
        url: String? = nil,
        codeName: String? = nil,
        assets: [Asset] = []
    ) {
        self.component = component
        self.version = version
        self.title = title
        self.publishedAt = publishedAt
        self.author = author
        self.notes = notes
        self.status = status
        self.prereleaseFlag = prereleaseFlag
        self.commit = commit
        self.tag = tag
        self.url = url
        self.codeName = codeName
        self.assets = assets
    }

    /// The flag when given, else whether the version is numeric with a pre-release part.
    public var isPrerelease: Bool { prereleaseFlag ?? version.hasPrereleasePart }

    /// The component and version that identify this release.
    public var reference: ReleaseReference { ReleaseReference(component: component, version: version.text) }

    /// A downloadable file of a release (`assets[]`), as app update feeds list them.
    public struct Asset: Sendable, Hashable {
        /// The file name.
        public var name: String?
        /// Where to download it.
        public var url: String?
        /// The platform, e.g. `darwin-aarch64`.
        public var platform: String?
        /// A signature of the file (e.g. an EdDSA signature for Sparkle).
        public var signature: String?
        /// The size in bytes.
        public var size: Int?

        /// Creates an asset.
        public init(name: String? = nil, url: String? = nil, platform: String? = nil, signature: String? = nil, size: Int? = nil) {
            self.name = name
            self.url = url
            self.platform = platform
            self.signature = signature
            self.size = size
        }
    }
}

/// A product version that bundles one release of several components (`groups[]`).
public struct ReleaseGroup: Sendable, Hashable {
    /// The product version.
    public var version: Version
    /// A title.
    public var title: String?
    /// When it was published; else its latest member's date.
    public var publishedAt: Timestamp?
    /// Notes about the product version, CommonMark.
    public var notes: String?
    /// Component slug → version, in the order given.
    public var members: [ReleaseReference]

    /// Creates a group.
    public init(version: Version, title: String? = nil, publishedAt: Timestamp? = nil, notes: String? = nil, members: [ReleaseReference] = []) {
        self.version = version
        self.title = title
        self.publishedAt = publishedAt
        self.notes = notes
        self.members = members
    }
}

/// A deployment of a release to an environment (`deployments[]`).
public struct Deployment: Sendable, Hashable {
    /// Where a deployment stands.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        case pending
        case inProgress = "in_progress"
        case success, failure, canceling, canceled, error, unknown
    }

    /// The component's slug.
    public var component: String
    /// The version deployed.
    public var version: String
    /// The environment's name.
    public var environment: String
    /// Where it stands.
    public var status: Status
    /// When it started.
    public var startedAt: Timestamp?
    /// When it finished.
    public var finishedAt: Timestamp?
    /// The host it went to.
    public var host: String?
    /// Who or what deployed it.
    public var actor: String?
    /// The commit deployed.
    public var commit: String?
    /// Free-form data from CI.
    public var meta: JSONValue?

    /// Creates a deployment.
    public init(
        component: String,
        version: String,
        environment: String,
        status: Status = .success,
        startedAt: Timestamp? = nil,
        finishedAt: Timestamp? = nil,
        host: String? = nil,
        actor: String? = nil,
        commit: String? = nil,
        meta: JSONValue? = nil
    ) {
        self.component = component
        self.version = version
        self.environment = environment
        self.status = status
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.host = host
        self.actor = actor
        self.commit = commit
        self.meta = meta
    }

    /// The finish time, else the start time: when this deployment last changed.
    public var time: Timestamp? { finishedAt ?? startedAt }
}

/// Everything one release page is made of: the whole data format of SPEC §1.
public struct ReleaseData: Sendable, Hashable {
    public var page: Page
    public var components: [Component]
    public var releases: [Release]
    public var groups: [ReleaseGroup]
    public var environments: [Environment]
    public var deployments: [Deployment]
    public var sites: [CustomerSite]

    /// Creates the data of a page.
    public init(
        page: Page,
        components: [Component] = [],
        releases: [Release] = [],
        groups: [ReleaseGroup] = [],
        environments: [Environment] = [],
        deployments: [Deployment] = [],
        sites: [CustomerSite] = []
    ) {
        self.page = page
        self.components = components
        self.releases = releases
        self.groups = groups
        self.environments = environments
        self.deployments = deployments
        self.sites = sites
    }
}
