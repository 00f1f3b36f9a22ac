extension Catalog {
    /// The body of `version.json` and of `GET /v1/pages/{id}/version` (SPEC §4).
    ///
    /// `{"latest": [{repo, version, author, published_at, name}…], "latestGrouped": {version, authors, published_at, repos}}`;
    /// components without a latest release are left out, and `latestGrouped` is absent when no group qualifies.
    public func versionDocument() -> JSONValue {
        var latestEntries: [JSONValue] = []
        for (offset, component) in data.components.enumerated() {
            guard let index = latest[offset] else { continue }
            let release = data.releases[index]
            latestEntries.append(
                .object([
                    JSONMember("repo", .string(component.repoOrSlug)),
                    JSONMember("version", .string(release.version.text)),
                    JSONMember("author", .optional(release.author)),
                    JSONMember("published_at", .optional(release.publishedAt?.rfc3339)),
                    JSONMember("name", .string(component.displayName)),
                ])
            )
        }
        var members = [JSONMember("latest", .array(latestEntries))]
        if let latestGroup {
            let group = groups[latestGroup]
            members.append(
                JSONMember(
                    "latestGrouped",
                    .object([
                        JSONMember("version", .string(group.group.version.text)),
                        JSONMember("authors", .array(group.authors.map(JSONValue.string))),
                        JSONMember("published_at", .optional(group.publishedAt?.rfc3339)),
                        JSONMember("repos", .array(group.repos.map(JSONValue.string))),
                    ])
                )
            )
        }
        return .object(members)
    }
}
