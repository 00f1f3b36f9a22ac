import ShiplogMarkdown
import ShiplogModel

/// Builds the Mustache contexts of pages (the variables `docs/templates.md` lists).
struct Views: Sendable {
    let catalog: Catalog
    /// Rendered notes per release index, made when first shown; nil where no pending page shows them.
    let notes: [LazyText?]
    /// Rendered notes per group index.
    let groupNotes: [String?]
    let links: [RepositoryLinks?]
    /// Release views built in advance (per release index), reused by every page that shows them.
    var prepared: [TemplateObject?] = []

    var data: ReleaseData { catalog.data }

    func release(_ index: Int) -> TemplateObject {
        if index < prepared.count, let view = prepared[index] { return view }
        let release = data.releases[index]
        let componentOffset = catalog.componentIndex[release.component]!
        let component = data.components[componentOffset]
        let repo = links[componentOffset]
        let bump = catalog.bumps[index]
        var view: TemplateObject = [
            "component_slug": .string(component.slug),
            "component_name": .string(component.displayName),
            "component_path": .string(SitePaths.component(component.slug)),
            "version": .string(release.version.text),
            "heading": .string(release.title ?? "\(component.displayName) \(release.version.text)"),
            "bump": .string(bump.rawValue),
            "prerelease": .bool(release.isPrerelease),
            "yanked": .bool(release.status == .yanked),
            "draft": .bool(release.status == .draft),
            "is_latest": .bool(catalog.latest[componentOffset] == index),
            "is_latest_prerelease": .bool(catalog.latestPrerelease[componentOffset] == index),
            "is_pinned": .bool(catalog.active[componentOffset] == index),
            "notes_html": notes[index].map(TemplateValue.lazy) ?? .string(""),
            "has_notes": .bool(!(release.notes ?? "").isEmpty),
            "path": .string(SitePaths.release(release)),
            "has_assets": .bool(!release.assets.isEmpty),
            "assets": .objects(release.assets.map(asset)),
        ]
        view[string: "download_platforms"] = Self.downloadPlatforms(release.assets)
        view[string: "title"] = release.title
        view[string: "published_at"] = release.publishedAt?.rfc3339
        view[string: "date"] = release.publishedAt?.humanDate
        view[string: "author"] = release.author
        view[string: "author_url"] = release.author.flatMap { repo?.profileURL(author: $0) }
        view[string: "tag"] = release.tag
        view[string: "tag_url"] = release.tag.flatMap { tag in repo.map { tagURL($0, tag) } }
        view[string: "commit"] = release.commit
        view[string: "commit_short"] = release.commit.map { String($0.prefix(7)) }
        view[string: "commit_url"] = release.commit.flatMap { commit in repo.map { commitURL($0, commit) } }
        view[string: "url"] = release.url
        view[string: "code_name"] = release.codeName
        return view
    }

    /// Slug, name and links of a component (what navigation needs).
    func componentLink(_ offset: Int) -> TemplateObject {
        let component = data.components[offset]
        var view: TemplateObject = [
            "slug": .string(component.slug), "name": .string(component.displayName), "path": .string(SitePaths.component(component.slug)),
        ]
        view[string: "description"] = component.description
        view[string: "repo"] = component.repo
        view[string: "url"] = component.url
        return view
    }

    /// A component with its latest releases and release count.
    func componentSummary(_ offset: Int) -> TemplateObject {
        var view = componentLink(offset)
        view["latest"] = catalog.latest[offset].map { .object(release($0)) }
        view["latest_prerelease"] = catalog.latestPrerelease[offset].map { .object(release($0)) }
        view["release_count"] = .int(catalog.releasesByComponent[offset].filter { catalog.isVisible($0) }.count)
        view["active"] = activeRelease(data.components[offset].slug).map { .object(release($0)) }
        return view
    }

    /// The environment whose successful deployments make a release "active".
    static let productionEnvironment = "production"

    /// The component's active release: the one of its newest successful deployment to production.
    func activeRelease(_ slug: String) -> Int? { Self.activeRelease(slug, in: catalog) }

    static func activeRelease(_ slug: String, in catalog: Catalog) -> Int? {
        catalog.deployedRelease(component: slug, environment: productionEnvironment)
    }

    func group(_ offset: Int) -> TemplateObject {
        let resolved = catalog.groups[offset]
        let group = resolved.group
        let shown = resolved.members.filter { catalog.isVisible($0) }
        // Without `--drafts`, nothing of a draft member shows: not its author, not its date.
        var authors = resolved.authors
        var publishedAt = resolved.publishedAt
        if shown.count != resolved.members.count {
            authors = []
            for author in shown.compactMap({ data.releases[$0].author }) where !authors.contains(author) { authors.append(author) }
            publishedAt = group.publishedAt ?? shown.compactMap { data.releases[$0].publishedAt }.max()
        }
        var view: TemplateObject = [
            "version": .string(group.version.text),
            "heading": .string(group.title ?? "Version \(group.version.text)"),
            "notes_html": .string(groupNotes[offset] ?? ""),
            "has_notes": .bool(!(group.notes ?? "").isEmpty),
            "is_latest": .bool(catalog.latestGroup == offset),
            "complete": .bool(resolved.isComplete),
            "implicit": .bool(resolved.isImplicit),
            "path": .string(SitePaths.group(group.version)),
            "authors": .strings(authors),
            "members": .objects(
                shown.map { index -> TemplateObject in
                    let release = data.releases[index]
                    let component = data.components[catalog.componentIndex[release.component]!]
                    return [
                        "component_name": .string(component.displayName), "component_slug": .string(component.slug),
                        "component_path": .string(SitePaths.component(component.slug)), "release": .object(self.release(index)),
                    ]
                }
            ),
        ]
        view[string: "title"] = group.title
        view[string: "published_at"] = publishedAt?.rfc3339
        view[string: "date"] = publishedAt?.humanDate
        return view
    }

    func deployment(_ deployment: Deployment) -> TemplateObject {
        let component = catalog.componentIndex[deployment.component].map { data.components[$0] }
        var view: TemplateObject = [
            "component_name": .string(component?.displayName ?? deployment.component),
            "component_slug": .string(deployment.component),
            "version": .string(deployment.version),
            "environment": .string(deployment.environment),
            "status": .string(deployment.status.rawValue),
            "status_label": .string(Self.statusLabels[deployment.status] ?? deployment.status.rawValue),
            "is_success": .bool(deployment.status == .success),
            "is_failure": .bool(deployment.status == .failure || deployment.status == .error),
        ]
        if let index = catalog.releaseIndex[ReleaseReference(component: deployment.component, version: deployment.version)],
            catalog.isVisible(index)
        {
            view[string: "release_path"] = SitePaths.release(data.releases[index])
        }
        view[string: "when"] = deployment.time?.rfc3339
        view[string: "date"] = deployment.time?.humanDate
        view[string: "host"] = deployment.host
        view[string: "actor"] = deployment.actor
        return view
    }

    /// How a deployment status reads on the page.
    static let statusLabels: [Deployment.Status: String] = [
        .pending: "Pending", .inProgress: "In progress", .success: "Succeeded", .failure: "Failed", .canceling: "Canceling",
        .canceled: "Canceled", .error: "Error", .unknown: "Unknown",
    ]

    static func humanSize(_ bytes: Int) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        if unit == 0 { return "\(bytes) B" }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }

    private func tagURL(_ links: RepositoryLinks, _ tag: String) -> String {
        links.host == .github
            ? "\(links.repositoryURL)/releases/tag/\(SitePaths.encode(tag))" : "\(links.repositoryURL)/-/tags/\(SitePaths.encode(tag))"
    }

    private func commitURL(_ links: RepositoryLinks, _ commit: String) -> String {
        links.host == .github
            ? "\(links.repositoryURL)/commit/\(SitePaths.encode(commit))" : "\(links.repositoryURL)/-/commit/\(SitePaths.encode(commit))"
    }
}
