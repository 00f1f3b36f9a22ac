import ShiplogModel

/// Turns one planned output into its bytes.
struct PageRenderer: Sendable {
    let plan: SitePlan
    let theme: Theme
    let views: Views
    let feeds: Feeds
    /// How many releases a component page shows in full (`recent_releases`); the rest are listed.
    static let fullReleasesPerComponentPage = 10

    /// The `site` variable, the same on every page.
    let siteContext: TemplateObject

    init(plan: SitePlan, theme: Theme, views: Views, feeds: Feeds) {
        self.plan = plan
        self.theme = theme
        self.views = views
        self.feeds = feeds
        let data = plan.catalog.data
        var site: TemplateObject = [
            "id": .string(data.page.id), "title": .string(data.page.title),
            "components": .objects(data.components.indices.map(views.componentLink)),
        ]
        site[string: "description"] = data.page.description
        site[string: "base_url"] = data.page.baseURL
        site[string: "server_url"] = data.page.serverURL
        site[string: "subscribe_action"] = data.page.serverURL.map { SitePaths.absolute("v1/pages/\(data.page.id)/subscribers/form", base: $0) }
        self.siteContext = site
    }

    var catalog: Catalog { plan.catalog }
    var data: ReleaseData { catalog.data }

    /// The bytes of one output.
    func render(_ output: Output) -> [UInt8] {
        if let (template, context) = htmlPage(output) { return theme.renderBytes(template, context) }
        return Array(document(output).utf8)
    }

    /// The text of an output that is not an HTML page.
    private func document(_ output: Output) -> String {
        switch output {
        case .version: return JSONWriter.write(catalog.versionDocument())
        case .sitemap: return feeds.sitemap()
        case .feed(let format):
            return feeds.feed(format, releases: plan.feedReleases, title: data.page.title, path: "")
        case .componentLatest(let offset): return feeds.latest(offset)
        case .componentFeed(let offset, let format):
            let component = data.components[offset]
            return feeds.feed(
                format,
                releases: plan.componentFeeds[offset],
                title: "\(component.displayName) · \(data.page.title)",
                path: SitePaths.component(component.slug)
            )
        case .search: return SearchIndex.root(data.components)
        case .componentSearch(let offset): return SearchIndex.component(plan.visibleReleases[offset].map { data.releases[$0] })
        case .badge(let offset, let format): return format.text(catalog.componentBadge(offset))
        case .environmentBadge(let environment, let offset, let format):
            let index = plan.deployedReleases[environment]?[data.components[offset].slug]
            return format.text(catalog.badge(label: environment, release: index))
        case .update(let offset, let file): return UpdateFeeds(views: views, plan: plan).render(offset, file)
        case .index, .notFound, .component, .release, .group, .asset: return ""
        }
    }

    /// The template and context of an HTML page; nil for the other outputs.
    func htmlPage(_ output: Output) -> (String, TemplateObject)? {
        guard let (template, page) = pageContext(output) else { return nil }
        var context = page
        context[string: "page_description"] = description(of: output)
        if case .release = output { context["og_type"] = .string("article") } else { context["og_type"] = .string("website") }
        return (template, context)
    }

    private func pageContext(_ output: Output) -> (String, TemplateObject)? {
        switch output {
        case .index: return page("index", depth: 0, title: data.page.title, path: "", extra: indexContext())
        case .notFound:
            let base = SitePaths.basePath(data.page.baseURL)
            return page("404", depth: 0, title: "Page not found · \(data.page.title)", extra: ["root": .string(base)])
        case .component(let offset):
            let component = data.components[offset]
            let base = SitePaths.component(component.slug)
            return page(
                "component",
                depth: 2,
                title: "\(component.displayName) · \(data.page.title)",
                path: base,
                feedBase: base,
                extra: componentContext(offset)
            )
        case .release(let index): return releasePage(index)
        case .group(let group):
            let version = catalog.groups[group].group.version.text
            return page(
                "group",
                depth: 2,
                title: "Version \(version) · \(data.page.title)",
                path: SitePaths.group(catalog.groups[group].group.version),
                extra: ["group": .object(views.group(group))]
            )
        case .version, .sitemap, .feed, .componentLatest, .componentFeed, .asset, .search, .componentSearch, .badge, .environmentBadge, .update:
            return nil
        }
    }

    private func page(
        _ template: String,
        depth: Int,
        title: String,
        path: String? = nil,
        feedBase: String = "",
        extra: TemplateObject
    ) -> (String, TemplateObject) {
        var context = extra
        if let path, let base = data.page.baseURL { context["canonical_url"] = .string(SitePaths.absolute(path, base: base)) }
        if context["root"] == nil { context["root"] = .string(SitePaths.root(forDepth: depth)) }
        context["page_title"] = .string(title)
        context["feed_path"] = .string(feedBase + FeedFormat.json.rawValue)
        context["atom_path"] = .string(feedBase + FeedFormat.atom.rawValue)
        context["site"] = .object(siteContext)
        return (template, context)
    }

    private func releasePage(_ index: Int) -> (String, TemplateObject) {
        let release = data.releases[index]
        let offset = catalog.componentIndex[release.component]!
        let list = plan.visibleReleases[offset]
        let position = plan.positionOfRelease[index] ?? 0
        var extra: TemplateObject = [
            "component": .object(views.componentLink(offset)),
            "release": .object(views.release(index)),
            "groups": .objects(
                plan.groupsOfRelease[index].map { group -> TemplateObject in
                    let version = catalog.groups[group].group.version
                    return ["version": .string(version.text), "path": .string(SitePaths.group(version))]
                }
            ),
            "deployments": .objects((plan.deploymentsOfRelease[release.reference] ?? []).reversed().map { views.deployment(data.deployments[$0]) }),
            "sites": .objects(
                (plan.sitesOfRelease[release.reference] ?? []).map { data.sites[$0] }.map {
                    ["slug": .string($0.slug), "name": .string($0.name ?? $0.slug)]
                }
            ),
        ]
        // The list runs newest first: the next (newer) release is before this one.
        if position > 0 { extra["next"] = .object(views.release(list[position - 1])) }
        if position + 1 < list.count { extra["previous"] = .object(views.release(list[position + 1])) }
        return page(
            "release",
            depth: 3,
            title: "\(data.components[offset].displayName) \(release.version.text) · \(data.page.title)",
            path: SitePaths.release(release),
            feedBase: SitePaths.component(release.component),
            extra: extra
        )
    }

    private func indexContext() -> TemplateObject {
        let groups = plan.indexGroups().map(views.group)
        var context: TemplateObject = [
            "components": .objects(data.components.indices.map(views.componentSummary)),
            "has_components": .bool(!data.components.isEmpty),
            "groups": .objects(groups),
            "has_groups": .bool(!groups.isEmpty),
            "recent": .objects(plan.recentReleases().map(views.release)),
            "latest_releases": .objects(latestReleases()),
        ]
        if let latest = catalog.latestGroup, plan.visibleGroups.contains(latest) {
            var group = views.group(latest)
            group["excerpt"] = .string(Excerpt.firstLines(of: catalog.groups[latest].group.notes))
            context["latest_group"] = .object(group)
        }
        let environments = data.environments.map { environment -> TemplateObject in
            let history = Deployment.oldestFirst(data.deployments.filter { $0.environment == environment.name && plan.isShown($0) }).reversed()
            var current: [Deployment] = []
            for component in data.components {
                if let newest = history.first(where: { $0.component == component.slug }) { current.append(newest) }
            }
            return [
                "name": .string(environment.name), "frozen": .bool(environment.frozen), "current": .objects(current.map(views.deployment)),
                "history": .objects(history.prefix(10).map(views.deployment)),
            ]
        }
        context["environments"] = .objects(environments)
        context["has_environments"] = .bool(!environments.isEmpty)
        let sites = data.sites.map { site -> TemplateObject in
            [
                "slug": .string(site.slug), "name": .string(site.name ?? site.slug),
                "releases": .objects(
                    site.releases.compactMap { catalog.releaseIndex[$0] }.filter { catalog.isVisible($0) }.map(views.release)
                ),
            ]
        }
        context["sites"] = .objects(sites)
        context["has_sites"] = .bool(!sites.isEmpty)
        return context
    }
}
