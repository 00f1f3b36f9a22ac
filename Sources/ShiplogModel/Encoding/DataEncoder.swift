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
        o["id"] = .string(page.id)
        o["title"] = .string(page.title)
        o["description"] = page.description.map(JSONValue.string)
        o["base_url"] = page.baseURL.map(JSONValue.string)
        o["grouping"] = .string(page.grouping.rawValue)
        o["public"] = .bool(page.isPublic)
        o["feed_limit"] = .int(page.feedLimit)
        o["server_url"] = page.serverURL.map(JSONValue.string)
        return o.value
    }

    /// A `components[]` element.
    public static func component(_ component: Component) -> JSONValue {
        var o = ObjectBuilder()
        o["slug"] = .string(component.slug)
        o["name"] = component.name.map(JSONValue.string)
        o["repo"] = component.repo.map(JSONValue.string)
        o["url"] = component.url.map(JSONValue.string)
        o["description"] = component.description.map(JSONValue.string)
        o["active"] = component.active.map(JSONValue.string)
        return o.value
    }

    /// A `releases[]` element. With `resolvingPrerelease`, it is the form the API answers:
    /// `prerelease` and `channel` are always given (the defaults of SPEC §1 applied), and `id`,
    /// `created_at` and `created_by` are too (null when unknown, SPEC §6.1); otherwise each only when set.
    public static func release(_ release: Release, resolvingPrerelease: Bool = false) -> JSONValue {
        var o = ObjectBuilder()
        o.set("id", release.id.map(JSONValue.string), orNull: resolvingPrerelease)
        o["component"] = .string(release.component)
        o["version"] = .string(release.version.text)
        o["title"] = release.title.map(JSONValue.string)
        o["published_at"] = release.publishedAt.map { .string($0.rfc3339) }
        o["author"] = release.author.map(JSONValue.string)
        o["notes"] = release.notes.map(JSONValue.string)
        o["status"] = .string(release.status.rawValue)
        o["prerelease"] = resolvingPrerelease ? .bool(release.isPrerelease) : release.prereleaseFlag.map(JSONValue.bool)
        o["commit"] = release.commit.map(JSONValue.string)
        o["tag"] = release.tag.map(JSONValue.string)
        o["url"] = release.url.map(JSONValue.string)
        o["code_name"] = release.codeName.map(JSONValue.string)
        o["channel"] = resolvingPrerelease ? .string(release.resolvedChannel) : release.channel.map(JSONValue.string)
        o["build"] = release.build.map(JSONValue.string)
        if !release.assets.isEmpty { o["assets"] = .array(release.assets.map(asset)) }
        o.set("created_at", release.createdAt.map { .string($0.rfc3339) }, orNull: resolvingPrerelease)
        o.set("created_by", release.createdBy.map(JSONValue.string), orNull: resolvingPrerelease)
        return o.value
    }

    /// An `assets[]` element.
    public static func asset(_ asset: Release.Asset) -> JSONValue {
        var o = ObjectBuilder()
        o["name"] = asset.name.map(JSONValue.string)
        o["url"] = asset.url.map(JSONValue.string)
        o["platform"] = asset.platform.map(JSONValue.string)
        o["signature"] = asset.signature.map(JSONValue.string)
        o["size"] = asset.size.map(JSONValue.int)
        o["sha512"] = asset.sha512.map(JSONValue.string)
        o["sha256"] = asset.sha256.map(JSONValue.string)
        o["sha1"] = asset.sha1.map(JSONValue.string)
        o["minimum_system_version"] = asset.minimumSystemVersion.map(JSONValue.string)
        return o.value
    }

    /// A `groups[]` element.
    public static func group(_ group: ReleaseGroup) -> JSONValue {
        var o = ObjectBuilder()
        o["version"] = .string(group.version.text)
        o["title"] = group.title.map(JSONValue.string)
        o["published_at"] = group.publishedAt.map { .string($0.rfc3339) }
        o["notes"] = group.notes.map(JSONValue.string)
        o["members"] = .object(group.members.map { JSONMember($0.component, .string($0.version)) })
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
        o.set("id", deployment.id.map(JSONValue.string), orNull: answer)
        o["component"] = .string(deployment.component)
        o["version"] = .string(deployment.version)
        o["environment"] = .string(deployment.environment)
        o["status"] = .string(deployment.status.rawValue)
        o["started_at"] = deployment.startedAt.map { .string($0.rfc3339) }
        o["finished_at"] = deployment.finishedAt.map { .string($0.rfc3339) }
        o["host"] = deployment.host.map(JSONValue.string)
        o["actor"] = deployment.actor.map(JSONValue.string)
        o["commit"] = deployment.commit.map(JSONValue.string)
        o["meta"] = deployment.meta
        o.set("from_version", deployment.fromVersion.map(JSONValue.string), orNull: answer)
        o.set("error_message", deployment.errorMessage.map(JSONValue.string), orNull: answer)
        o.set("created_at", deployment.createdAt.map { .string($0.rfc3339) }, orNull: answer)
        o.set("created_by", deployment.createdBy.map(JSONValue.string), orNull: answer)
        return o.value
    }

    /// A `sites[]` element.
    public static func site(_ site: CustomerSite) -> JSONValue {
        var o = ObjectBuilder()
        o["slug"] = .string(site.slug)
        o["name"] = site.name.map(JSONValue.string)
        o["releases"] = .array(site.releases.map(reference))
        o["created_at"] = site.createdAt.map { .string($0.rfc3339) }
        o["created_by"] = site.createdBy.map(JSONValue.string)
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

    subscript(key: String) -> JSONValue? {
        get { members.first { $0.key == key }?.value }
        set { if let newValue { members.append(JSONMember(key, newValue)) } }
    }

    /// Sets `key` to `value`; when it is nil, to `null` if `orNull`, else leaves it out.
    mutating func set(_ key: String, _ value: JSONValue?, orNull: Bool) {
        self[key] = value ?? (orNull ? .null : nil)
    }

    var value: JSONValue { .object(members) }
}
