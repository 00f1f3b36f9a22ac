import Dispatch
import ShiplogModel
import Synchronization

/// Decides which files a site has and fingerprints the inputs of each (SPEC §4).
///
/// A page's key covers everything its template can see, so an unchanged key means an unchanged page.
struct SitePlan: Sendable {
    /// The catalog planned from; releases may be replaced by the same releases decoded in full.
    var catalog: Catalog
    let outputs: [PlannedOutput]
    /// Release indices in feed order (newest published first), for the page feed.
    let feedReleases: [Int]
    /// Per component, its feed's release indices.
    let componentFeeds: [[Int]]
    /// Per component, its visible releases in version order (newest first).
    let visibleReleases: [[Int]]
    /// Indices into ``Catalog/groups`` of the groups the site shows.
    let visibleGroups: [Int]
    /// Per release index, the visible groups it belongs to.
    let groupsOfRelease: [[Int]]
    /// Release reference → indices of its deployments, in data order.
    let deploymentsOfRelease: [ReleaseReference: [Int]]
    /// Release reference → indices of the customer sites it is attached to.
    let sitesOfRelease: [ReleaseReference: [Int]]
    /// Per release index, its position in its component's visible list (nil when it is not visible).
    let positionOfRelease: [Int?]
    /// Environment → component slug → the release running there (see ``Catalog/deployedReleases(including:)``).
    let deployedReleases: [String: [String: Int]]
    /// Per component, its app update files and the releases each offers (SPEC §9).
    let updateFiles: [[UpdateFile: [Int]]]

    init(catalog: Catalog, theme: Theme, generator: String, releaseKeys: [Digest]) {
        self.catalog = catalog
        let data = catalog.data
        var global = Fingerprint("global")
        global.add(generator)
        global.add(theme.fingerprint)
        global.add(catalog.includeDrafts)
        global.add(data.page)
        for component in data.components { global.add(component) }
        let globalKey = global.finalize()

        let visible = catalog.releasesByComponent.map { $0.filter { catalog.isVisible($0) } }
        let inFeed = { (index: Int) in data.releases[index].status == .published || (catalog.includeDrafts && data.releases[index].status == .draft) }
        let feedOrder = catalog.isMoreRecent
        let limit = data.page.feedLimit
        let feed = Self.first(limit, of: data.releases.indices.filter(inFeed), by: feedOrder)
        let componentFeeds = visible.map { Self.first(limit, of: $0.filter(inFeed), by: feedOrder) }
        let visibleGroups = catalog.groups.indices.filter { group in
            catalog.groups[group].members.contains { catalog.isVisible($0) }
        }
        var groupsOfRelease = [[Int]](repeating: [], count: data.releases.count)
        for group in visibleGroups {
            for member in catalog.groups[group].members { groupsOfRelease[member].append(group) }
        }

        // What a release view shows besides the release itself, gathered once per release: the
        // keys add it about seven times per release, and adding its five values one by one each
        // time was about half of planning the 10k-release rebuild (perf).
        var gathered = Fingerprint()
        var stateEnds = [0]
        stateEnds.reserveCapacity(data.releases.count + 1)
        for index in data.releases.indices {
            gathered.add(releaseKeys[index])
            gathered.add(catalog.bumps[index].rawValue)
            let component = catalog.componentOfRelease[index]
            gathered.add(catalog.latest[component] == index)
            gathered.add(catalog.latestPrerelease[component] == index)
            gathered.add(catalog.active[component] == index)
            stateEnds.append(gathered.byteCount)
        }
        let (states, ends) = (gathered, stateEnds)
        @Sendable func releaseState(_ index: Int, into fingerprint: inout Fingerprint) {
            states.withBytes { fingerprint.add(bytes: UnsafeRawBufferPointer(rebasing: $0[ends[index]..<ends[index + 1]])) }
        }
        @Sendable func groupState(_ group: Int, into fingerprint: inout Fingerprint) {
            let resolved = catalog.groups[group]
            fingerprint.add(resolved.group.version.text)
            fingerprint.add(resolved.group.title)
            fingerprint.add(resolved.group.notes)
            fingerprint.add(resolved.publishedAt)
            fingerprint.add(resolved.isComplete)
            fingerprint.add(catalog.latestGroup == group)
            for member in resolved.members where catalog.isVisible(member) { releaseState(member, into: &fingerprint) }
        }
        @Sendable func key(_ kind: String, _ body: (inout Fingerprint) -> Void) -> Digest {
            var fingerprint = Fingerprint(kind)
            fingerprint.add(globalKey)
            body(&fingerprint)
            return fingerprint.finalize()
        }

        // The pages that summarise everything (index, sitemap, feeds): their keys cover the whole data.
        @Sendable func summaryOutputs() -> [PlannedOutput] {
            let everything = key("everything") { f in
                for list in visible { for index in list { releaseState(index, into: &f) } }
                for group in visibleGroups { groupState(group, into: &f) }
                for environment in data.environments {
                    f.add(environment.name)
                    f.add(environment.frozen)
                }
                for deployment in data.deployments { f.add(deployment) }
                for site in data.sites {
                    f.add(site.slug)
                    f.add(site.name)
                    for reference in site.releases { f.add(reference.component + "\u{0}" + reference.version) }
                }
            }

            var outputs: [PlannedOutput] = [
                PlannedOutput(path: "index.html", output: .index, key: everything),
                PlannedOutput(path: "404.html", output: .notFound, key: globalKey),
                PlannedOutput(path: "version.json", output: .version, key: everything),
                PlannedOutput(
                    path: "sitemap.xml",
                    output: .sitemap,
                    key: key("sitemap") { f in
                        for list in visible {
                            for index in list {
                                f.add(data.releases[index].component)
                                f.add(data.releases[index].version.text)
                            }
                        }
                        for group in visibleGroups { f.add(SitePaths.group(catalog.groups[group].group.version)) }
                    }
                ),
            ]
            let feedKey = key("feed") { f in for index in feed { releaseState(index, into: &f) } }
            outputs.append(PlannedOutput(path: FeedFormat.json.rawValue, output: .feed(.json), key: feedKey))
            outputs.append(PlannedOutput(path: FeedFormat.atom.rawValue, output: .feed(.atom), key: feedKey))
            outputs.append(PlannedOutput(path: SearchIndex.path, output: .search, key: key("search") { _ in }))
            return outputs
        }

        var deploymentsOfRelease: [ReleaseReference: [Int]] = [:]
        for (offset, deployment) in data.deployments.enumerated() {
            deploymentsOfRelease[ReleaseReference(component: deployment.component, version: deployment.version), default: []].append(offset)
        }
        var sitesOfRelease: [ReleaseReference: [Int]] = [:]
        for (offset, site) in data.sites.enumerated() {
            for reference in site.releases where sitesOfRelease[reference]?.last != offset { sitesOfRelease[reference, default: []].append(offset) }
        }

        // Each component's pages are keyed on a core of their own, as are the summaries and the
        // groups (kept after the components); the order of the outputs stays that of the data.
        let perComponent = Mutex([[PlannedOutput]](repeating: [], count: data.components.count + 2))
        let perComponentUpdates = Mutex([[UpdateFile: [Int]]](repeating: [:], count: data.components.count))
        let deployments = deploymentsOfRelease
        let sites = sitesOfRelease
        let groupsByRelease = groupsOfRelease
        let deployed = catalog.deployedReleases()
        let environments = catalog.badgeEnvironments
        // The summaries, the longest job, go first.
        DispatchQueue.concurrentPerform(iterations: data.components.count + 2) { job in
            let offset = (job + data.components.count) % (data.components.count + 2)
            if offset == data.components.count {
                let outputs = summaryOutputs()
                perComponent.withLock { $0[offset] = outputs }
                return
            }
            if offset == data.components.count + 1 {
                let outputs = visibleGroups.map { group in
                    PlannedOutput(
                        path: SitePaths.groupFile(catalog.groups[group].group.version),
                        output: .group(group),
                        key: key("group") { f in groupState(group, into: &f) }
                    )
                }
                perComponent.withLock { $0[offset] = outputs }
                return
            }
            let component = data.components[offset]
            var outputs: [PlannedOutput] = []
            let base = SitePaths.component(component.slug)
            outputs.append(
                PlannedOutput(
                    path: base + "index.html",
                    output: .component(offset),
                    key: key("component") { f in for index in visible[offset] { releaseState(index, into: &f) } }
                )
            )
            outputs.append(
                PlannedOutput(
                    path: base + "latest.json",
                    output: .componentLatest(offset),
                    key: key("latest") { f in
                        for index in [catalog.latest[offset], catalog.latestPrerelease[offset]] {
                            if let index { releaseState(index, into: &f) } else { f.add(0) }
                        }
                    }
                )
            )
            let badgeKey = key("badge") { f in
                if let index = catalog.latest[offset] ?? catalog.latestPrerelease[offset] { releaseState(index, into: &f) } else { f.add(0) }
            }
            for format in BadgeFormat.allCases {
                outputs.append(PlannedOutput(path: base + format.rawValue, output: .badge(offset, format), key: badgeKey))
            }
            for environment in environments {
                let environmentKey = key("environment-badge") { f in
                    f.add(environment)
                    if let index = deployed[environment]?[component.slug] { releaseState(index, into: &f) } else { f.add(0) }
                }
                for format in BadgeFormat.allCases {
                    let path = SitePaths.environmentBadge(environment, component: component.slug) + format.rawValue
                    outputs.append(PlannedOutput(path: path, output: .environmentBadge(environment, offset, format), key: environmentKey))
                }
            }
            let componentFeedKey = key("component-feed") { f in for index in componentFeeds[offset] { releaseState(index, into: &f) } }
            for format in [FeedFormat.json, .atom] {
                outputs.append(PlannedOutput(path: base + format.rawValue, output: .componentFeed(offset, format), key: componentFeedKey))
            }
            let searchKey = key("component-search") { f in for index in visible[offset] { f.add(releaseKeys[index]) } }
            outputs.append(PlannedOutput(path: base + SearchIndex.path, output: .componentSearch(offset), key: searchKey))
            for (position, index) in visible[offset].enumerated() {
                let releaseKey = key("release") { f in
                    releaseState(index, into: &f)
                    for neighbour in [position - 1, position + 1] {
                        if visible[offset].indices.contains(neighbour) { releaseState(visible[offset][neighbour], into: &f) } else { f.add(0) }
                    }
                    for group in groupsByRelease[index] {
                        f.add(catalog.groups[group].group.version.text)
                    }
                    let reference = deployments.isEmpty && sites.isEmpty ? nil : data.releases[index].reference
                    for deployment in reference.flatMap({ deployments[$0] }) ?? [] { f.add(data.deployments[deployment]) }
                    for site in reference.flatMap({ sites[$0] }) ?? [] {
                        f.add(data.sites[site].slug)
                        f.add(data.sites[site].name)
                    }
                }
                let path = SitePaths.releaseFile(component: component.slug, version: data.releases[index].version.text)
                outputs.append(PlannedOutput(path: path, output: .release(index), key: releaseKey))
            }
            let updates = Self.updateFiles(of: offset, in: catalog)
            for (file, releases) in updates {
                let updateKey = key("update") { f in
                    f.add(file.path)
                    for index in releases { f.add(releaseKeys[index]) }
                }
                outputs.append(PlannedOutput(path: base + file.path, output: .update(offset, file), key: updateKey))
            }
            perComponentUpdates.withLock { $0[offset] = Dictionary(uniqueKeysWithValues: updates) }
            perComponent.withLock { $0[offset] = outputs }
        }
        self.updateFiles = perComponentUpdates.withLock { $0 }
        let parts = perComponent.withLock { $0 }
        var outputs = parts[data.components.count]
        outputs += parts[..<data.components.count].flatMap { $0 }
        outputs += parts[data.components.count + 1]
        for name in theme.assets.keys.sorted() {
            outputs.append(PlannedOutput(path: name, output: .asset(name), key: key("asset") { $0.add(name) }))
        }
        self.outputs = outputs
        self.feedReleases = feed
        self.componentFeeds = componentFeeds
        self.visibleReleases = visible
        self.visibleGroups = visibleGroups
        self.groupsOfRelease = groupsOfRelease
        self.deploymentsOfRelease = deploymentsOfRelease
        self.sitesOfRelease = sitesOfRelease
        var positionOfRelease = [Int?](repeating: nil, count: data.releases.count)
        for list in visible { for (position, index) in list.enumerated() { positionOfRelease[index] = position } }
        self.positionOfRelease = positionOfRelease
        self.deployedReleases = deployed
    }
}
