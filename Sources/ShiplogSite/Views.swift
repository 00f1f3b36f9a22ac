import ShiplogMarkdown
import ShiplogModel

/// Builds the Mustache contexts of pages (the variables `docs/templates.md` lists).
struct Views: Sendable {
    let catalog: Catalog
    /// Rendered notes per release index; nil where a page that needs them was not planned.
    let notes: [String?]
    /// Rendered notes per group index.
    let groupNotes: [String?]
    let links: [RepositoryLinks?]

    var data: ReleaseData { catalog.data }

    func release(_ index: Int) -> [String: Any] {
        let release = data.releases[index]
        let componentOffset = catalog.componentIndex[release.component]!
        let component = data.components[componentOffset]
        let repo = links[componentOffset]
        let bump = catalog.bumps[index]
        var view: [String: Any] = [
            "component_slug": component.slug,
            "component_name": component.displayName,
            "component_path": SitePaths.component(component.slug),
            "version": release.version.text,
            "heading": release.title ?? "\(component.displayName) \(release.version.text)",
            "bump": bump.rawValue,
            "prerelease": release.isPrerelease,
            "yanked": release.status == .yanked,
            "draft": release.status == .draft,
            "is_latest": catalog.latest[componentOffset] == index,
            "is_latest_prerelease": catalog.latestPrerelease[componentOffset] == index,
            "notes_html": notes[index] ?? "",
            "has_notes": !(release.notes ?? "").isEmpty,
            "path": SitePaths.release(release),
            "has_assets": !release.assets.isEmpty,
            "assets": release.assets.map(asset),
        ]
        view["title"] = release.title
        view["published_at"] = release.publishedAt?.rfc3339
        view["date"] = release.publishedAt?.humanDate
        view["author"] = release.author
        view["author_url"] = release.author.flatMap { repo?.profileURL($0) }
        view["tag"] = release.tag
        view["tag_url"] = release.tag.flatMap { tag in repo.map { tagURL($0, tag) } }
        view["commit"] = release.commit
        view["commit_short"] = release.commit.map { String($0.prefix(7)) }
        view["commit_url"] = release.commit.flatMap { commit in repo.map { commitURL($0, commit) } }
        view["url"] = release.url
        view["code_name"] = release.codeName
        return view
    }

    /// Slug, name and links of a component (what navigation needs).
    func componentLink(_ offset: Int) -> [String: Any] {
        let component = data.components[offset]
        var view: [String: Any] = ["slug": component.slug, "name": component.displayName, "path": SitePaths.component(component.slug)]
        view["description"] = component.description
        view["repo"] = component.repo
        view["url"] = component.url
        return view
    }

    /// A component with its latest releases and release count.
    func componentSummary(_ offset: Int) -> [String: Any] {
        var view = componentLink(offset)
        view["latest"] = catalog.latest[offset].map(release)
        view["latest_prerelease"] = catalog.latestPrerelease[offset].map(release)
        view["release_count"] = catalog.releasesByComponent[offset].filter { catalog.isVisible(data.releases[$0]) }.count
        return view
    }

    func group(_ offset: Int) -> [String: Any] {
        let resolved = catalog.groups[offset]
        let group = resolved.group
        var view: [String: Any] = [
            "version": group.version.text,
            "heading": group.title ?? "Version \(group.version.text)",
            "notes_html": groupNotes[offset] ?? "",
            "has_notes": !(group.notes ?? "").isEmpty,
            "is_latest": catalog.latestGroup == offset,
            "complete": resolved.isComplete,
            "implicit": resolved.isImplicit,
            "path": SitePaths.group(group.version),
            "authors": resolved.authors,
            "members": resolved.members.filter { catalog.isVisible(data.releases[$0]) }.map { index -> [String: Any] in
                let release = data.releases[index]
                let component = data.components[catalog.componentIndex[release.component]!]
                return [
                    "component_name": component.displayName, "component_slug": component.slug,
                    "component_path": SitePaths.component(component.slug), "release": self.release(index),
                ]
            },
        ]
        view["title"] = group.title
        view["published_at"] = resolved.publishedAt?.rfc3339
        view["date"] = resolved.publishedAt?.humanDate
        return view
    }

    func deployment(_ deployment: Deployment) -> [String: Any] {
        let component = catalog.componentIndex[deployment.component].map { data.components[$0] }
        var view: [String: Any] = [
            "component_name": component?.displayName ?? deployment.component,
            "component_slug": deployment.component,
            "version": deployment.version,
            "environment": deployment.environment,
            "status": deployment.status.rawValue,
            "is_success": deployment.status == .success,
            "is_failure": deployment.status == .failure || deployment.status == .error,
        ]
        if let index = catalog.releaseIndex[ReleaseReference(component: deployment.component, version: deployment.version)],
            catalog.isVisible(data.releases[index])
        {
            view["release_path"] = SitePaths.release(data.releases[index])
        }
        view["when"] = deployment.time?.rfc3339
        view["date"] = deployment.time?.humanDate
        view["host"] = deployment.host
        view["actor"] = deployment.actor
        return view
    }

    private func asset(_ asset: Release.Asset) -> [String: Any] {
        var view: [String: Any] = ["name": asset.name ?? asset.url.map { String($0.split(separator: "/").last ?? "") } ?? "download"]
        view["url"] = asset.url
        view["platform"] = asset.platform
        view["size"] = asset.size.map(Self.humanSize)
        view["signature"] = asset.signature
        return view
    }

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
        links.host == .github ? "\(links.repositoryURL)/commit/\(SitePaths.encode(commit))" : "\(links.repositoryURL)/-/commit/\(SitePaths.encode(commit))"
    }
}
