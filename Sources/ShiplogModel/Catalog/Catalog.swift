import Dispatch
import Synchronization

/// How a release moves its component's version (SPEC §3).
public enum BumpKind: String, Sendable, Hashable, CaseIterable {
    case major, minor, patch, prerelease
}

/// A product version with its members resolved (SPEC §3).
public struct ResolvedGroup: Sendable, Hashable {
    /// The group as given, or as made by `by-version` grouping.
    public var group: ReleaseGroup
    /// Indices into ``ReleaseData/releases`` of its members, in component order.
    public var members: [Int]
    /// Whether `by-version` grouping made it.
    public var isImplicit: Bool
    /// Whether every member is published and not yanked.
    public var isComplete: Bool
    /// The group's own date, else its latest member's.
    public var publishedAt: Timestamp?
    /// The members' distinct authors, in component order.
    public var authors: [String]
    /// The members' repos (else slugs), in component order.
    public var repos: [String]
}

/// The computed view of a page's data: order, latest releases, groups and bump kinds.
///
/// ```swift
/// let catalog = Catalog(data: loaded.data)
/// catalog.latest(of: 0)  // index of the latest release of the first component
/// ```
public struct Catalog: Sendable {
    /// The data the catalog was computed from.
    public internal(set) var data: ReleaseData
    /// Whether drafts are shown (`--drafts`).
    public let includeDrafts: Bool
    /// Per component (in data order), indices of its releases, highest version first (drafts included).
    public internal(set) var releasesByComponent: [[Int]]
    /// Per component, the index of its latest release: its active release when one is set, else the
    /// highest published release that is not a pre-release (SPEC §3).
    public internal(set) var latest: [Int?]
    /// Per component, the index of its latest pre-release above the latest release.
    public internal(set) var latestPrerelease: [Int?]
    /// Per component, the index of its active release (``Component/active``) when one is set and
    /// names a published release of it; ``latest`` is then that release.
    public internal(set) var active: [Int?]
    /// Per release, its bump kind.
    public internal(set) var bumps: [BumpKind]
    /// All groups, highest version first.
    public internal(set) var groups: [ResolvedGroup]
    /// The index in ``groups`` of the latest complete group.
    public internal(set) var latestGroup: Int?
    /// Component slug → index in ``ReleaseData/components``.
    public internal(set) var componentIndex: [String: Int]
    /// Per release, the index of its component in ``ReleaseData/components`` (-1 for an unknown
    /// component, which valid data never names).
    public internal(set) var componentOfRelease: [Int]
    /// Release reference → index in ``ReleaseData/releases``.
    public internal(set) var releaseIndex: [ReleaseReference: Int]
    /// Per group of ``groups``, its place among the candidates (explicit groups in data order, then
    /// `by-version` ones by first appearance): the last tie-breaker of their order.
    var groupCandidates: [Int]

    /// Computes the catalog of valid data (see ``DataLoader``); `releaseIndex`, when given, must
    /// be the index of the data's releases by reference (as ``LoadedData/releaseIndex`` is).
    public init(data: ReleaseData, includeDrafts: Bool = false, releaseIndex knownIndex: [ReleaseReference: Int]? = nil) {
        self.data = data
        self.includeDrafts = includeDrafts
        var componentIndex: [String: Int] = [:]
        for (offset, component) in data.components.enumerated() { componentIndex[component.slug] = offset }
        var releaseIndex = knownIndex ?? [:]
        var byComponent = Array(repeating: [Int](), count: data.components.count)
        var componentOfRelease = [Int](repeating: 0, count: data.releases.count)
        if knownIndex == nil { releaseIndex.reserveCapacity(data.releases.count) }
        for offset in data.releases.indices {
            if knownIndex == nil { releaseIndex[data.releases[offset].reference] = offset }
            guard let component = componentIndex[data.releases[offset].component] else {
                componentOfRelease[offset] = -1
                continue
            }
            componentOfRelease[offset] = component
            byComponent[component].append(offset)
        }
        let releases = data.releases
        // Sorted on extracted keys, so that the comparisons copy no releases; components on every core.
        let keys = releases.map { (Version.OrderKey($0.version), $0.publishedAt?.seconds ?? .min) }
        let lists = byComponent
        // Valid data names a published release of the component (``CrossReferences``); anything else is no pin.
        let active: [Int?] = data.components.map { component in
            guard let version = component.active,
                let index = releaseIndex[ReleaseReference(component: component.slug, version: version)],
                releases[index].status == .published
            else { return nil }
            return index
        }
        let orders = Mutex([ComponentOrder?](repeating: nil, count: lists.count))
        DispatchQueue.concurrentPerform(iterations: lists.count) { component in
            let order = ComponentOrder(lists[component], active: active[component], releases: releases) { keys[$0] }
            orders.withLock { $0[component] = order }
        }
        var latest: [Int?] = []
        var latestPrerelease: [Int?] = []
        var bumps = Array(repeating: BumpKind.major, count: releases.count)
        for (component, order) in orders.withLock({ $0 }).enumerated() {
            guard let order else { continue }
            byComponent[component] = order.list
            latest.append(order.latest)
            latestPrerelease.append(order.latestPrerelease)
            for (index, bump) in zip(order.list, order.bumps) { bumps[index] = bump }
        }
        self.componentIndex = componentIndex
        self.componentOfRelease = componentOfRelease
        self.releaseIndex = releaseIndex
        self.releasesByComponent = byComponent
        self.latest = latest
        self.latestPrerelease = latestPrerelease
        self.active = active
        self.bumps = bumps
        (self.groups, self.groupCandidates) = Self.resolveGroups(data, componentOfRelease: componentOfRelease, releaseIndex: releaseIndex)
        self.latestGroup = groups.firstIndex { $0.isComplete }
    }

    /// Replaces releases by ones that agree on the fields the catalog was computed from, such as
    /// summarized releases (``LoadedData/summarized``) by their full decoding. In place: when
    /// nothing else holds the data, no release is copied.
    public mutating func replaceReleases(_ releases: [Int: Release]) {
        for (index, release) in releases {
            precondition(ReleaseMemo.summary(of: release) == ReleaseMemo.summary(of: data.releases[index]), "a replacement changes the catalog")
            data.releases[index] = release
        }
    }

    /// Replaces the data's deployments: nothing the catalog computes reads them, so this costs only
    /// the array (a deployment write on a page of thousands of releases needs no new catalog).
    public mutating func replaceDeployments(_ deployments: [Deployment]) {
        data.deployments = deployments
    }

    /// Newest first by date; equal dates by version order.
    public func isMoreRecent(_ a: Int, than b: Int) -> Bool {
        let (x, y) = (data.releases[a].publishedAt?.seconds ?? .min, data.releases[b].publishedAt?.seconds ?? .min)
        if x != y { return x > y }
        let rank = data.releases[a].version.compare(data.releases[b].version)
        return rank != 0 ? rank > 0 : a < b
    }

    /// Whether the release at `index` appears on the site and in feeds (reads its status only).
    @inlinable
    public func isVisible(_ index: Int) -> Bool {
        includeDrafts || data.releases[index].status != .draft
    }

    /// One component's releases in version order (highest first), its latest releases and the bump of each.
    struct ComponentOrder: Sendable {
        var list: [Int]
        var latest: Int?
        var latestPrerelease: Int?
        /// Per release of ``list``, its bump kind.
        var bumps: [BumpKind]

        /// `key` gives a release's order key and date (seconds, `.min` when undated) by its index.
        init(_ indices: [Int], active: Int?, releases: [Release], key keys: (Int) -> (Version.OrderKey, Int64)) {
            let list = indices.sorted { a, b in
                let rank = Version.OrderKey.compare(keys(a).0, keys(b).0) ?? releases[a].version.compare(releases[b].version)
                if rank != 0 { return rank > 0 }
                return keys(a).1 != keys(b).1 ? keys(a).1 > keys(b).1 : a < b
            }
            // The active release, when set, is the latest whatever is above it (SPEC §3).
            let current =
                active.flatMap { list.firstIndex(of: $0) } ?? list.firstIndex { releases[$0].status == .published && !releases[$0].isPrerelease }
            var bumps = [BumpKind](repeating: .major, count: list.count)
            var previous: Int? = nil
            for position in list.indices.reversed() {
                let index = list[position]
                let isPrerelease = releases[index].isPrerelease
                bumps[position] =
                    isPrerelease
                    ? .prerelease
                    : Version.OrderKey.bump(from: previous.map { keys($0).0 }, to: keys(index).0)
                        ?? Catalog.bump(from: previous.map { releases[$0].version }, to: releases[index].version)
                if releases[index].status == .published && !isPrerelease { previous = index }
            }
            self.list = list
            self.latest = current.map { list[$0] }
            self.latestPrerelease = list[..<(current ?? list.endIndex)].first { releases[$0].status == .published && releases[$0].isPrerelease }
            self.bumps = bumps
        }
    }

    /// The bump from the version of the previous published final release to `version` (`major` when there is none).
    static func bump(from previous: Version?, to version: Version) -> BumpKind {
        guard let old = previous?.majorMinorPatch, let new = version.majorMinorPatch else { return .major }
        if old.0.compare(new.0) != 0 { return .major }
        if old.1.compare(new.1) != 0 { return .minor }
        return .patch
    }

    /// The groups resolved and ordered, with their places among the candidates (``groupCandidates``).
    static func resolveGroups(_ data: ReleaseData, componentOfRelease: [Int], releaseIndex: [ReleaseReference: Int]) -> ([ResolvedGroup], [Int]) {
        var candidates: [(ReleaseGroup, [Int], Bool)] = data.groups.map { group in
            (group, group.members.compactMap { releaseIndex[$0] }, false)
        }
        if data.page.grouping == .byVersion {
            let explicit = Set(data.groups.map(\.version.withoutPrefix))
            var order: [String] = []
            var members: [String: [Int]] = [:]
            for (offset, release) in data.releases.enumerated() {
                let key = release.version.withoutPrefix
                if explicit.contains(key) { continue }
                if members[key] == nil { order.append(key) }
                members[key, default: []].append(offset)
            }
            for key in order {
                candidates.append((ReleaseGroup(version: Version(key)), members[key]!, true))
            }
        }
        let groups = candidates.map { group, memberIndices, implicit in
            resolve(group, members: memberIndices, isImplicit: implicit, data: data, componentOfRelease: componentOfRelease)
        }
        let order = orderGroups(groups, candidates: Array(groups.indices))
        return (order.map { groups[$0] }, order)
    }

    /// A group with its members (indices in data order) resolved.
    static func resolve(
        _ group: ReleaseGroup,
        members memberIndices: [Int],
        isImplicit implicit: Bool,
        data: ReleaseData,
        componentOfRelease: [Int]
    )
        -> ResolvedGroup
    {
        let sorted = memberIndices.sorted { componentOfRelease[$0] < componentOfRelease[$1] }
        // The members' fields are read in place: copying the members (every release of the 10k
        // corpus is in a group) was a fifth of the catalog's time in a rebuild (perf).
        let releases = data.releases
        var group = group
        // A `by-version` group is named as its members write the version when they all write it alike
        // (`v1.2.0`: the prefix is kept for display), else without the prefix they differ in.
        if implicit, let first = sorted.first.map({ releases[$0].version }), first.text != group.version.text,
            sorted.allSatisfy({ releases[$0].version.text == first.text }), first.isNumeric == group.version.isNumeric
        {
            group.version = first
        }
        var authors: [String] = []
        for index in sorted {
            if let author = releases[index].author, !authors.contains(author) { authors.append(author) }
        }
        let repos = sorted.map { data.components[componentOfRelease[$0]].repoOrSlug }
        return ResolvedGroup(
            group: group,
            members: sorted,
            isImplicit: implicit,
            isComplete: !sorted.isEmpty && sorted.allSatisfy { releases[$0].status == .published },
            publishedAt: group.publishedAt ?? sorted.compactMap { releases[$0].publishedAt }.max(),
            authors: authors,
            repos: repos
        )
    }

    /// The positions of `groups` in their order: highest version first, then newest; ties keep the
    /// order of the candidates (`candidates[i]` is the place of `groups[i]` among them).
    static func orderGroups(_ groups: [ResolvedGroup], candidates: [Int]) -> [Int] {
        groups.indices.sorted { a, b in
            let rank = groups[a].group.version.compare(groups[b].group.version)
            if rank != 0 { return rank > 0 }
            let (x, y) = (groups[a].publishedAt?.seconds ?? .min, groups[b].publishedAt?.seconds ?? .min)
            return x != y ? x > y : candidates[a] < candidates[b]
        }
    }
}
