import ShiplogModel

/// The contexts of the component page and of the home page's "what changed" list.
extension PageRenderer {
    /// How many of the newest releases the home page leads with, each with the first lines of its notes.
    static let latestReleasesOnIndex = 5

    /// The component page: every release newest first (SPEC §4, in version order), the newest in
    /// full, then the others as links, grouped by major version (one page, no JavaScript). The
    /// latest is marked where it stands, also below a pre-release or a yanked release above it.
    func componentContext(_ offset: Int) -> TemplateObject {
        let visible = plan.visibleReleases[offset]
        let latest = catalog.latest[offset].flatMap { plan.positionOfRelease[$0] }
        // Positions in `visible`.
        let recent = Array(visible.indices.prefix(Self.fullReleasesPerComponentPage))
        let earlier = Array(visible.indices.dropFirst(Self.fullReleasesPerComponentPage))
        // Each release's view is made once and shared by the lists that show it.
        let releases = visible.map(views.release)
        var context: TemplateObject = [
            "component": .object(views.componentSummary(offset)),
            "releases": .objects(releases),
            "has_releases": .bool(!releases.isEmpty),
            "recent_releases": .objects(recent.map { releases[$0] }),
            "earlier_releases": .objects(earlier.map { releases[$0] }),
            "has_earlier_releases": .bool(!earlier.isEmpty),
            "earlier_majors": .objects(majors(of: earlier.map { (visible[$0], releases[$0]) })),
        ]
        context["latest"] = latest.map { .object(releases[$0]) }
        return context
    }

    /// `releases` (in version order, with their views) in runs of one major version: `{major, label, anchor, count, releases}`.
    func majors(of releases: [(index: Int, view: TemplateObject)]) -> [TemplateObject] {
        var runs: [(key: String, views: [TemplateObject])] = []
        for (index, view) in releases {
            let key = data.releases[index].version.majorMinorPatch.map { String($0.0.digits) } ?? ""
            if runs.last?.key == key { runs[runs.count - 1].views.append(view) } else { runs.append((key, [view])) }
        }
        return runs.map { run in
            [
                "major": .string(run.key),
                "label": .string(run.key.isEmpty ? "Other versions" : "\(run.key).x"),
                "anchor": .string(run.key.isEmpty ? "other-versions" : "major-\(run.key)"),
                "count": .int(run.views.count),
                "releases": .objects(run.views),
            ]
        }
    }

    /// The newest releases with the first lines of their notes (`excerpt`), for the home page.
    func latestReleases() -> [TemplateObject] {
        plan.recentReleases(limit: Self.latestReleasesOnIndex).map { index in
            var view = views.release(index)
            view["excerpt"] = .string(Excerpt.firstLines(of: data.releases[index].notes))
            return view
        }
    }

    /// The description of a page (`page_description`, also its `og:description`).
    func description(of output: Output) -> String? {
        switch output {
        case .index: return data.page.description ?? "Release notes for \(data.page.title)."
        case .component(let offset):
            let component = data.components[offset]
            return component.description ?? "Release notes for \(component.displayName)."
        case .release(let index):
            let release = data.releases[index]
            let name = data.components[catalog.componentIndex[release.component]!].displayName
            let excerpt = Excerpt.firstLines(of: release.notes, lines: 2, limit: 160)
            return excerpt.isEmpty ? "Release notes for \(name) \(release.version.text)." : excerpt
        case .group(let group):
            let resolved = catalog.groups[group].group
            return "Release notes for \(resolved.title ?? "version \(resolved.version.text)")."
        case .notFound, .version, .sitemap, .feed, .componentLatest, .componentFeed, .asset, .search, .componentSearch, .badge, .environmentBadge,
            .update:
            return nil
        }
    }
}
