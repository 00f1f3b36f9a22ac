import Foundation

/// Writes a JSON value (sorted keys, so fixtures are stable).
func writeJSON(_ object: Any, to url: URL) throws {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    try data.write(to: url)
}

/// A small data file (SPEC §1) built from JSON dictionaries.
struct DataFixture {
    var page: [String: Any]
    var components: [[String: Any]] = []
    var releases: [[String: Any]] = []
    var groups: [[String: Any]] = []
    var deployments: [[String: Any]] = []

    init(id: String = "acme", title: String = "Acme releases", baseURL: String? = "https://releases.acme.example/", feedLimit: Int? = nil) {
        page = ["id": id, "title": title]
        if let baseURL { page["base_url"] = baseURL }
        if let feedLimit { page["feed_limit"] = feedLimit }
    }

    /// Component `api` with its release 1.0.0 of 2024-01-01: the smallest site, which tests add to.
    static func oneRelease() -> DataFixture {
        var fixture = DataFixture()
        fixture.addComponent("api")
        fixture.addRelease("api", "1.0.0", publishedAt: "2024-01-01T00:00:00Z")
        return fixture
    }

    mutating func addComponent(_ slug: String, name: String? = nil, repo: String? = nil, url: String? = nil) {
        var component: [String: Any] = ["slug": slug]
        if let name { component["name"] = name }
        if let repo { component["repo"] = repo }
        if let url { component["url"] = url }
        components.append(component)
    }

    mutating func addRelease(
        _ component: String,
        _ version: String,
        publishedAt: String?,
        author: String? = nil,
        notes: String? = nil,
        _ more: [String: Any] = [:]
    ) {
        var release: [String: Any] = ["component": component, "version": version]
        if let publishedAt { release["published_at"] = publishedAt }
        if let author { release["author"] = author }
        if let notes { release["notes"] = notes }
        release.merge(more) { _, new in new }
        releases.append(release)
    }

    var object: [String: Any] {
        var object: [String: Any] = ["page": page, "components": components, "releases": releases]
        if !groups.isEmpty { object["groups"] = groups }
        if !deployments.isEmpty { object["deployments"] = deployments }
        return object
    }

    func write(to url: URL) throws {
        try writeJSON(object, to: url)
    }
}
