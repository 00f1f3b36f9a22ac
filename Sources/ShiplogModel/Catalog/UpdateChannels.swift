/// Update channels (SPEC §9): which releases an app on a channel is offered.
///
/// Channels rank by stability, `alpha` < `beta` < `rc` < `stable`; any other name (`nightly`,
/// `canary`, the `prerelease` of a pre-release without letters) ranks beside `beta`. A channel's
/// feed holds its own releases and those of every channel ranked above it, so an app on `beta`
/// is offered a newer `rc` or `stable` release, and one on `stable` never a pre-release.
public enum UpdateChannel {
    /// The channel every app is on unless it asks for another.
    public static let stable = "stable"

    /// A channel's stability: 0 for `alpha`, 1 for `beta` and unknown names, 2 for `rc`, 3 for `stable`.
    public static func rank(_ channel: String) -> Int {
        switch channel {
        case "alpha": 0
        case "rc": 2
        case stable: 3
        default: 1
        }
    }

    /// Whether the feed of `feed` offers a release on `channel`.
    public static func feed(_ feed: String, offers channel: String) -> Bool {
        channel == feed || rank(channel) > rank(feed)
    }
}

extension Catalog {
    /// Whether the release at `index` may be offered to an updating app: published (never a draft,
    /// even with `--drafts`, and never yanked).
    public func isUpdateCandidate(_ index: Int) -> Bool {
        data.releases[index].status == .published
    }

    /// The channels a component's update feeds are written for: `stable` first, then every other
    /// channel one of its published releases is on, by name.
    public func updateChannels(of component: Int) -> [String] {
        var others = Set<String>()
        for index in releasesByComponent[component] where isUpdateCandidate(index) {
            let channel = data.releases[index].resolvedChannel
            if channel != UpdateChannel.stable { others.insert(channel) }
        }
        return [UpdateChannel.stable] + others.sorted()
    }

    /// The releases the feed of `channel` offers for a component, highest version first, at most
    /// `limit` of them. When the component has an active release (a pin or a rollback), no stable
    /// release above it is offered on any channel: an app is never updated past a rollback.
    public func updateReleases(of component: Int, channel: String, limit: Int = .max) -> [Int] {
        var offered: [Int] = []
        var pinned = active[component] != nil
        for index in releasesByComponent[component] {
            guard offered.count < limit else { break }
            if index == active[component] { pinned = false }
            guard isUpdateCandidate(index) else { continue }
            let release = data.releases[index]
            let releaseChannel = release.resolvedChannel
            guard UpdateChannel.feed(channel, offers: releaseChannel) else { continue }
            if pinned && releaseChannel == UpdateChannel.stable { continue }
            offered.append(index)
        }
        return offered
    }
}
