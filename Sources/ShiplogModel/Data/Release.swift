import ShiplogMacroSupport

/// One release of one component (`releases[]`).
@MemberwiseInit
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
    public var status: Status = .published
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
    public var assets: [Asset] = []
    /// The stable id the store gave it (kept by export and import); nil until it is stored.
    public var id: String?
    /// When the store created it; nil for data that never was in a store (or predates ids).
    public var createdAt: Timestamp?
    /// The id of the key that created it, or `import`; set by the store.
    public var createdBy: String?
    /// The update channel as given (`stable`, `beta` …); see ``resolvedChannel`` for the effective one.
    public var channel: String?
    /// The build number app updaters compare (Sparkle's `sparkle:version`), e.g. `"4213"`.
    public var build: String?
    /// For a release read only in summary (see ``ReleaseMemo``), the update feeds its assets serve.
    var summaryFormats: UpdateFormats? = nil

    /// The flag when given, else whether the version is numeric with a pre-release part.
    public var isPrerelease: Bool { prereleaseFlag ?? version.hasPrereleasePart }

    /// The channel as given, else `stable` for a release that is not a pre-release, else the letters
    /// that start its first pre-release identifier (`1.2.0-beta.3` → `beta`, `2.0.0-rc1` → `rc`).
    public var resolvedChannel: String {
        if let channel { return channel }
        guard isPrerelease else { return "stable" }
        // A pre-release without letters to name it (`1.0.0-1`, or a flag on `spring-24`) is on `prerelease`.
        let first = version.prerelease.first?.description ?? ""
        let letters = first.utf8.prefix { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0 | 0x20) }.prefix(32)
        return letters.isEmpty ? "prerelease" : String(decoding: letters, as: UTF8.self).lowercased()
    }

    /// The component and version that identify this release.
    public var reference: ReleaseReference { ReleaseReference(component: component, version: version.text) }

    /// A downloadable file of a release (`assets[]`), as app update feeds list them.
    @MemberwiseInit
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
        /// SHA-512 of the file, base64 (64 bytes).
        public var sha512: String?
        /// SHA-256 of the file, hex.
        public var sha256: String?
        /// SHA-1 of the file, hex (Squirrel.Windows needs it).
        public var sha1: String?
        /// The oldest operating system version the file runs on (Sparkle's `sparkle:minimumSystemVersion`).
        public var minimumSystemVersion: String?
    }
}

/// A product version that bundles one release of several components (`groups[]`).
@MemberwiseInit
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
    public var members: [ReleaseReference] = []
}

/// Everything one release page is made of: the whole data format of SPEC §1.
@MemberwiseInit
public struct ReleaseData: Sendable, Hashable {
    public var page: Page
    public var components: [Component] = []
    public var releases: [Release] = []
    public var groups: [ReleaseGroup] = []
    public var environments: [Environment] = []
    public var deployments: [Deployment] = []
    public var sites: [CustomerSite] = []
}
