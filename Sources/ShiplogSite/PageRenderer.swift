import ShiplogModel

/// Turns one planned output into its bytes.
struct PageRenderer: Sendable {
    let plan: SitePlan
    let theme: Theme
    let views: Views
    let feeds: Feeds

    var catalog: Catalog { plan.catalog }
    var data: ReleaseData { catalog.data }

    func render(_ output: Output) -> String {
        switch output {
        case .index: return page("index", depth: 0, title: data.page.title, extra: indexContext())
        case .notFound:
            let base = SitePaths.basePath(data.page.baseURL)
            return page("404", depth: 0, title: "Page not found · \(data.page.title)", extra: ["root": base])
        case .version: return JSONWriter.write(catalog.versionDocument())
        case .sitemap: return feeds.sitemap()
        case .feed(let format):
            return feeds.feed(format, releases: plan.feedReleases, title: data.page.title, path: "")
        case .component(let offset):
            let component = data.components[offset]
            let base = SitePaths.component(component.slug)
            return page(
                "component", depth: 2, title: "\(component.displayName) · \(data.page.title)", feedBase: base,
                extra: [
                    "component": views.componentSummary(offset),
                    "releases": plan.visibleReleases[offset].map(views.release),
                    "has_releases": !plan.visibleReleases[offset].isEmpty,
                ])
        case .componentLatest(let offset): return feeds.latest(offset)
        case .componentFeed(let offset, let format):
            let component = data.components[offset]
            return feeds.feed(
                format, releases: plan.componentFeeds[offset], title: "\(component.displayName) · \(data.page.title)",
                path: SitePaths.component(component.slug))
        case .release(let index): return releasePage(index)
        case .group(let group):
            let version = catalog.groups[group].group.version.text
            return page("group", depth: 2, title: "Version \(version) · \(data.page.title)", extra: ["group": views.group(group)])
        case .asset: return ""
        }
    }

    private func page(_ template: String, depth: Int, title: String, feedBase: String = "", extra: [String: Any]) -> String {
        var context = extra
        if context["root"] == nil { context["root"] = SitePaths.root(forDepth: depth) }
        context["page_title"] = title
        context["feed_path"] = feedBase + FeedFormat.json.rawValue
        context["atom_path"] = feedBase + FeedFormat.atom.rawValue
        context["site"] = siteContext
        return theme.render(template, context)
    }

    private var siteContext: [String: Any] {
        var site: [String: Any] = [
            "id": data.page.id, "title": data.page.title,
            "components": data.components.indices.map(views.componentLink),
        ]
        site["description"] = data.page.description
        site["base_url"] = data.page.baseURL
        site["server_url"] = data.page.serverURL
        site["subscribe_action"] = data.page.serverURL.map { SitePaths.absolute("v1/pages/\(data.page.id)/subscribers/form", base: $0) }
        return site
    }

    private func releasePage(_ index: Int) -> String {
        let release = data.releases[index]
        let offset = catalog.componentIndex[release.component]!
        let list = plan.visibleReleases[offset]
        let position = list.firstIndex(of: index) ?? 0
        var extra: [String: Any] = [
            "component": views.componentLink(offset),
            "release": views.release(index),
            "groups": (plan.groupsOfRelease[index] ?? []).map { group -> [String: Any] in
                let version = catalog.groups[group].group.version
                return ["version": version.text, "path": SitePaths.group(version)]
            },
            "deployments": data.deployments.filter { $0.component == release.component && $0.version == release.version.text }.reversed().map(views.deployment),
            "sites": data.sites.filter { $0.releases.contains(release.reference) }.map { ["slug": $0.slug, "name": $0.name ?? $0.slug] },
        ]
        // The list runs newest first: the next (newer) release is before this one.
        if position > 0 { extra["next"] = views.release(list[position - 1]) }
        if position + 1 < list.count { extra["previous"] = views.release(list[position + 1]) }
        return page(
            "release", depth: 3, title: "\(views.componentLink(offset)["name"]!) \(release.version.text) · \(data.page.title)",
            feedBase: SitePaths.component(release.component), extra: extra)
    }

    private func indexContext() -> [String: Any] {
        let groups = plan.indexGroups().map(views.group)
        var context: [String: Any] = [
            "components": data.components.indices.map(views.componentSummary),
            "has_components": !data.components.isEmpty,
            "groups": groups,
            "has_groups": !groups.isEmpty,
            "recent": plan.recentReleases().map(views.release),
        ]
        if let latest = catalog.latestGroup, plan.visibleGroups.contains(latest) { context["latest_group"] = views.group(latest) }
        let environments = data.environments.map { environment -> [String: Any] in
            let history = data.deployments.enumerated().filter { $0.element.environment == environment.name }
                .sorted { a, b in
                    let (x, y) = (a.element.time?.seconds ?? .min, b.element.time?.seconds ?? .min)
                    return x != y ? x > y : a.offset > b.offset
                }.map(\.element)
            var current: [Deployment] = []
            for component in data.components {
                if let newest = history.first(where: { $0.component == component.slug }) { current.append(newest) }
            }
            return [
                "name": environment.name, "frozen": environment.frozen, "current": current.map(views.deployment),
                "history": history.prefix(10).map(views.deployment),
            ]
        }
        context["environments"] = environments
        context["has_environments"] = !environments.isEmpty
        let sites = data.sites.map { site -> [String: Any] in
            [
                "slug": site.slug, "name": site.name ?? site.slug,
                "releases": site.releases.compactMap { catalog.releaseIndex[$0] }.filter { catalog.isVisible(data.releases[$0]) }.map(views.release),
            ]
        }
        context["sites"] = sites
        context["has_sites"] = !sites.isEmpty
        return context
    }
}
