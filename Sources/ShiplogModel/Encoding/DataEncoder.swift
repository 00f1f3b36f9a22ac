/// Writes model values back in the data format of SPEC §1, the inverse of the decoder:
/// `DataEncoder.document(data)` loads again as the same ``ReleaseData``.
///
/// Optional fields that are not set are left out, so exported files stay small and
/// diff well. The API answers with the same shapes.
public enum DataEncoder {
    /// The whole data file.
    public static func document(_ data: ReleaseData) -> JSONValue {
        var members = [
            JSONMember("page", page(data.page)),
            JSONMember("components", .array(data.components.map(component))),
            JSONMember("releases", .array(data.releases.map { release($0) })),
        ]
        if !data.groups.isEmpty { members.append(JSONMember("groups", .array(data.groups.map(group)))) }
        if !data.environments.isEmpty { members.append(JSONMember("environments", .array(data.environments.map(environment)))) }
        if !data.deployments.isEmpty { members.append(JSONMember("deployments", .array(data.deployments.map { deployment($0) }))) }
        if !data.sites.isEmpty { members.append(JSONMember("sites", .array(data.sites.map(site)))) }
        return .object(members)
    }

    /// A `page` object.
    public static func page(_ page: Page) -> JSONValue {
        var o = ObjectBuilder()
        o.add("id", .string(page.id))
        o.add("title", .string(page.title))
        o.add("description", page.description)
        o.add("base_url", page.baseURL)
        o.add("grouping", .string(page.grouping.rawValue))
        o.add("public", .bool(page.isPublic))
        o.add("feed_limit", .int(page.feedLimit))
        o.add("server_url", page.serverURL)
        return o.value
    }

    /// A `components[]` element.
    public static func component(_ component: Component) -> JSONValue {
        var o = ObjectBuilder()
        o.add("slug", .string(component.slug))
        o.add("name", component.name)
        o.add("repo", component.repo)
        o.add("url", component.url)
        o.add("description", component.description)
        o.add("active", component.active)
        return o.value
    }

    /// A `releases[]` element. With `resolvingPrerelease`, it is the form the API answers:
    /// `prerelease` and `channel` are always given (the defaults of SPEC §1 applied), and `id`,
    /// `created_at` and `created_by` are too (null when unknown, SPEC §6.1); otherwise each only when set.
    public static func release(_ release: Release, resolvingPrerelease: Bool = false) -> JSONValue {
        var o = ObjectBuilder()
        o.set("id", release.id, orNull: resolvingPrerelease)
        o.add("component", .string(release.component))
        o.add("version", .string(release.version.text))
        o.add("title", release.title)
        o.add("published_at", release.publishedAt.map { .string($0.rfc3339) })
        o.add("author", release.author)
        o.add("notes", release.notes)
        o.add("status", .string(release.status.rawValue))
        o.add("prerelease", resolvingPrerelease ? .bool(release.isPrerelease) : release.prereleaseFlag.map(JSONValue.bool))
        o.add("commit", release.commit)
        o.add("tag", release.tag)
        o.add("url", release.url)
        o.add("code_name", release.codeName)
        o.add("channel", resolvingPrerelease ? release.resolvedChannel : release.channel)
        o.add("build", release.build)
        if !release.assets.isEmpty { o.add("assets", .array(release.assets.map(asset))) }
        o.set("created_at", release.createdAt.map { .string($0.rfc3339) }, orNull: resolvingPrerelease)
        o.set("created_by", release.createdBy, orNull: resolvingPrerelease)
        return o.value
    }

    /// An `assets[]` element.
    public static func asset(_ asset: Release.Asset) -> JSONValue {
        var o = ObjectBuilder()
        o.add("name", asset.name)
        o.add("url", asset.url)
        o.add("platform", asset.platform)
        o.add("signature", asset.signature)
        o.add("size", asset.size.map(JSONValue.int))
        o.add("sha512", asset.sha512)
        o.add("sha256", asset.sha256)
        o.add("sha1", asset.sha1)
        o.add("minimum_system_version", asset.minimumSystemVersion)
        return o.value
    }

    /// A `groups[]` element.
    public static func group(_ group: ReleaseGroup) -> JSONValue {
        var o = ObjectBuilder()
        o.add("version", .string(group.version.text))
        o.add("title", group.title)
        o.add("published_at", group.publishedAt.map { .string($0.rfc3339) })
        o.add("notes", group.notes)
        o.add("members", .object(group.members.map { JSONMember($0.component, .string($0.version)) }))
        return o.value
    }

    /// An `environments[]` element.
    public static func environment(_ environment: Environment) -> JSONValue {
        .object([JSONMember("name", .string(environment.name)), JSONMember("frozen", .bool(environment.frozen))])
    }

    /// A `deployments[]` element. With `answer`, it is the form the API answers and webhooks send:
    /// `id`, `created_at`, `created_by`, `from_version` and `error_message` are always given (null
    /// when unknown, SPEC §6.1); otherwise each only when set.
    public static func deployment(_ deployment: Deployment, answer: Bool = false) -> JSONValue {
        var o = ObjectBuilder()
        o.set("id", deployment.id, orNull: answer)
        o.add("component", .string(deployment.component))
        o.add("version", .string(deployment.version))
        o.add("environment", .string(deployment.environment))
        o.add("status", .string(deployment.status.rawValue))
        o.add("started_at", deployment.startedAt.map { .string($0.rfc3339) })
        o.add("finished_at", deployment.finishedAt.map { .string($0.rfc3339) })
        o.add("host", deployment.host)
        o.add("actor", deployment.actor)
        o.add("commit", deployment.commit)
        o.add("meta", deployment.meta)
        o.set("from_version", deployment.fromVersion, orNull: answer)
        o.set("error_message", deployment.errorMessage, orNull: answer)
        o.set("created_at", deployment.createdAt.map { .string($0.rfc3339) }, orNull: answer)
        o.set("created_by", deployment.createdBy, orNull: answer)
        return o.value
    }

    /// A `sites[]` element.
    public static func site(_ site: CustomerSite) -> JSONValue {
        var o = ObjectBuilder()
        o.add("slug", .string(site.slug))
        o.add("name", site.name)
        o.add("releases", .array(site.releases.map(reference)))
        o.add("created_at", site.createdAt.map { .string($0.rfc3339) })
        o.add("created_by", site.createdBy)
        return o.value
    }

    /// A `{component, version}` object.
    public static func reference(_ reference: ReleaseReference) -> JSONValue {
        .object([JSONMember("component", .string(reference.component)), JSONMember("version", .string(reference.version))])
    }
}

/// Collects object members in order, skipping the ones set to nil.
struct ObjectBuilder {
    private(set) var members: [JSONMember] = []

    /// Adds `key` with `value`, unless it is nil.
    mutating func add(_ key: String, _ value: JSONValue?) {
        if let value { members.append(JSONMember(key, value)) }
    }

    /// Adds `key` with `string`, unless it is nil: most optional fields are strings.
    mutating func add(_ key: String, _ string: String?) {
        if let string { members.append(JSONMember(key, .string(string))) }
    }

    /// Sets `key` to `value`; when it is nil, to `null` if `orNull`, else leaves it out.
    mutating func set(_ key: String, _ value: JSONValue?, orNull: Bool) {
        add(key, value ?? (orNull ? .null : nil))
    }

    /// Sets `key` to `string` as ``set(_:_:orNull:)`` does.
    mutating func set(_ key: String, _ string: String?, orNull: Bool) {
        set(key, string.map(JSONValue.string), orNull: orNull)
    }

    var value: JSONValue { .object(members) }
}
