import ShiplogModel

/// What the renderers ask of a plan: which releases and groups a page shows, in which order.
extension SitePlan {
    /// Whether the site shows a deployment: only when it shows the release deployed (never a draft's).
    func isShown(_ deployment: Deployment) -> Bool {
        guard let index = catalog.releaseIndex[ReleaseReference(component: deployment.component, version: deployment.version)] else { return false }
        return catalog.isVisible(index)
    }

    /// The releases whose rendered notes `output` shows.
    func notesNeeded(by output: Output) -> [Int] {
        switch output {
        case .index:
            return recentReleases() + catalog.latest.compactMap { $0 } + catalog.latestPrerelease.compactMap { $0 }
                + indexGroups().flatMap { catalog.groups[$0].members }
        case .feed: return feedReleases
        case .component(let offset): return visibleReleases[offset]
        case .componentFeed(let offset, _): return componentFeeds[offset]
        case .componentLatest(let offset): return [catalog.latest[offset], catalog.latestPrerelease[offset]].compactMap { $0 }
        case .update(let offset, .appcast): return updateFiles[offset][.appcast] ?? []
        case .update: return []
        case .release(let index): return [index]
        case .group(let group): return catalog.groups[group].members
        case .notFound, .version, .sitemap, .asset, .search, .componentSearch, .badge, .environmentBadge: return []
        }
    }

    /// The releases of which `output` shows more than their summary (see ``ReleaseMemo``): those
    /// whose notes it shows, the neighbours of a release, the releases of customer sites.
    func releasesShown(by output: Output) -> [Int] {
        var shown = notesNeeded(by: output)
        switch output {
        case .release(let index):
            let list = visibleReleases[catalog.componentOfRelease[index]]
            if let position = positionOfRelease[index] {
                shown += [position - 1, position + 1].filter(list.indices.contains).map { list[$0] }
            }
        case .index:
            shown += catalog.data.sites.flatMap { $0.releases.compactMap { catalog.releaseIndex[$0] } }
            if let latest = catalog.latestGroup { shown += catalog.groups[latest].members }
            shown += catalog.data.components.compactMap { Views.activeRelease($0.slug, in: catalog) }
        case .version:
            shown += catalog.latest.compactMap { $0 }
        case .componentSearch(let offset):
            shown += visibleReleases[offset]
        case .update(let offset, let file):
            shown += updateFiles[offset][file] ?? []
        default:
            break
        }
        return shown
    }

    /// The newest visible releases by date, for the index page.
    func recentReleases(limit: Int = 20) -> [Int] {
        Self.first(limit, of: visibleReleases.flatMap { $0 }, by: catalog.isMoreRecent)
    }

    /// The first `limit` of `indices` in the order `precedes` (a strict total order), as sorting
    /// all of them would give, without sorting all of them.
    static func first(_ limit: Int, of indices: [Int], by precedes: (Int, Int) -> Bool) -> [Int] {
        guard limit > 0 else { return [] }
        var kept: [Int] = []
        kept.reserveCapacity(min(limit, indices.count) + 1)
        for index in indices where kept.count < limit || precedes(index, kept[kept.count - 1]) {
            var low = 0
            var high = kept.count
            while low < high {
                let middle = (low + high) / 2
                if precedes(kept[middle], index) { low = middle + 1 } else { high = middle }
            }
            kept.insert(index, at: low)
            if kept.count > limit { kept.removeLast() }
        }
        return kept
    }

    /// The groups the index page lists (newest first).
    func indexGroups(limit: Int = 10) -> [Int] {
        Array(visibleGroups.prefix(limit))
    }
}
