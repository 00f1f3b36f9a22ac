import ShiplogModel

/// The machine-readable files: JSON Feed 1.1, Atom (RFC 4287), the sitemap and `latest.json`.
struct Feeds: Sendable {
    let views: Views
    let plan: SitePlan

    var data: ReleaseData { plan.catalog.data }
    var base: String? { data.page.baseURL }

    func feed(_ format: FeedFormat, releases: [Int], title: String, path: String) -> String {
        switch format {
        case .json: jsonFeed(releases, title: title, path: path)
        case .atom: atomFeed(releases, title: title, path: path)
        }
    }

    /// A link to `target` (site-relative) from a file in `directory`: absolute with a base URL,
    /// else relative to that directory, so that it works wherever the site is served.
    private func link(_ target: String, from directory: String) -> String {
        if base != nil { return SitePaths.absolute(target, base: base) }
        let relative = SitePaths.root(forDepth: directory.split(separator: "/").count) + target
        return relative.isEmpty ? "./" : relative
    }

    private func itemTitle(_ release: Release) -> String {
        let name = data.components[plan.catalog.componentIndex[release.component]!].displayName
        return release.title.map { "\(name) \(release.version.text): \($0)" } ?? "\(name) \(release.version.text)"
    }

    /// A stable id for a release: its page's absolute URL, else a URN.
    private func itemID(_ release: Release) -> String {
        base == nil
            ? "urn:shiplog:\(data.page.id):\(release.component):\(SitePaths.encode(release.version.text))"
            : SitePaths.absolute(SitePaths.release(release), base: base)
    }

    private func jsonFeed(_ releases: [Int], title: String, path: String) -> String {
        var members: [JSONMember] = [
            JSONMember("version", .string("https://jsonfeed.org/version/1.1")),
            JSONMember("title", .string(title)),
            JSONMember("home_page_url", .string(link(path, from: path))),
            JSONMember("feed_url", .string(link(path + FeedFormat.json.rawValue, from: path))),
        ]
        if let description = data.page.description { members.append(JSONMember("description", .string(description))) }
        members.append(JSONMember("language", .string("en")))
        let items = releases.map { index -> JSONValue in
            let release = data.releases[index]
            var item: [JSONMember] = [
                JSONMember("id", .string(itemID(release))),
                JSONMember("url", .string(link(SitePaths.release(release), from: path))),
                JSONMember("title", .string(itemTitle(release))),
                JSONMember("content_html", .string(views.notes[index]?.value ?? "")),
            ]
            if let url = release.url { item.append(JSONMember("external_url", .string(url))) }
            if let date = release.publishedAt { item.append(JSONMember("date_published", .string(date.rfc3339))) }
            if let author = release.author { item.append(JSONMember("authors", .array([.object([JSONMember("name", .string(author))])]))) }
            var tags = [release.component, plan.catalog.bumps[index].rawValue]
            if release.status == .yanked { tags.append("yanked") }
            item.append(JSONMember("tags", .array(tags.map(JSONValue.string))))
            return .object(item)
        }
        members.append(JSONMember("items", .array(items)))
        return JSONWriter.write(.object(members))
    }

    private func atomFeed(_ releases: [Int], title: String, path: String) -> String {
        let updated = releases.compactMap { data.releases[$0].publishedAt }.max() ?? Timestamp(seconds: 0)
        let feedID = base == nil ? "urn:shiplog:\(data.page.id):\(path.isEmpty ? "feed" : path)" : SitePaths.absolute(path, base: base)
        var xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom">
            <title>\(escapeXML(title))</title>
            <id>\(escapeXML(feedID))</id>
            <updated>\(updated.rfc3339)</updated>
            <link rel="alternate" type="text/html" href="\(escapeXML(link(path, from: path)))"/>
            <link rel="self" type="application/atom+xml" href="\(escapeXML(link(path + FeedFormat.atom.rawValue, from: path)))"/>
            <author><name>\(escapeXML(data.page.title))</name></author>
            <generator>shiplog</generator>

            """
        if let description = data.page.description { xml += "<subtitle>\(escapeXML(description))</subtitle>\n" }
        for index in releases {
            let release = data.releases[index]
            let date = (release.publishedAt ?? updated).rfc3339
            xml += "<entry>\n<title>\(escapeXML(itemTitle(release)))</title>\n<id>\(escapeXML(itemID(release)))</id>\n"
            xml += "<link rel=\"alternate\" type=\"text/html\" href=\"\(escapeXML(link(SitePaths.release(release), from: path)))\"/>\n"
            xml += "<published>\(date)</published>\n<updated>\(date)</updated>\n"
            if let author = release.author { xml += "<author><name>\(escapeXML(author))</name></author>\n" }
            xml += "<category term=\"\(escapeXML(release.component))\"/>\n"
            xml += "<content type=\"html\">\(escapeXML(views.notes[index]?.value ?? ""))</content>\n</entry>\n"
        }
        return xml + "</feed>\n"
    }

    func sitemap() -> String {
        var paths = [""]
        for (offset, component) in data.components.enumerated() {
            paths.append(SitePaths.component(component.slug))
            for index in plan.visibleReleases[offset] { paths.append(SitePaths.release(data.releases[index])) }
        }
        for group in plan.visibleGroups { paths.append(SitePaths.group(plan.catalog.groups[group].group.version)) }
        var xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
        for path in paths { xml += "<url><loc>\(escapeXML(link(path, from: "")))</loc></url>\n" }
        return xml + "</urlset>\n"
    }

    /// `{component, version, published_at, author, url, notes_html, bump, latest_prerelease?}` of one component.
    func latest(_ offset: Int) -> String {
        let catalog = plan.catalog
        func describe(_ index: Int?) -> [JSONMember] {
            let release = index.map { data.releases[$0] }
            return [
                JSONMember("component", .string(data.components[offset].slug)),
                JSONMember("version", .optional(release?.version.text)),
                JSONMember("published_at", .optional(release?.publishedAt?.rfc3339)),
                JSONMember("author", .optional(release?.author)),
                JSONMember("url", .optional(release.map { link(SitePaths.release($0), from: SitePaths.component(data.components[offset].slug)) })),
                JSONMember("notes_html", .optional(index.map { views.notes[$0]?.value ?? "" })),
                JSONMember("bump", .optional(index.map { catalog.bumps[$0].rawValue })),
            ]
        }
        var members = describe(catalog.latest[offset])
        if let prerelease = catalog.latestPrerelease[offset] {
            members.append(JSONMember("latest_prerelease", .object(describe(prerelease))))
        }
        return JSONWriter.write(.object(members))
    }
}
