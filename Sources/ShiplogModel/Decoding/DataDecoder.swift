import Synchronization

/// Data decoded from one input: its values, where each came from, and what was wrong.
struct DecodedDocument {
    var page: (Page, Origin)?
    /// Whether the input had a `page` member at all (valid or not).
    var hasPage = false
    /// Whether the input was an object whose members could be read.
    var isReadable = false
    var components: [(Component, Origin)] = []
    /// The releases, and where each came from (kept apart: releases are many, and copied whole otherwise).
    var releases: [Release] = []
    var releaseOrigins: [Origin] = []
    /// Where each release stands in the file, when the releases were read element by element.
    var releaseSources: [ReleaseSource] = []
    var groups: [(ReleaseGroup, Origin)] = []
    var environments: [(Environment, Origin)] = []
    var deployments: [(Deployment, Origin)] = []
    var sites: [(CustomerSite, Origin)] = []
}

/// Walks a parsed data file (SPEC §1) into model values, collecting every problem.
struct DataDecoder {
    static let topKeys = ["page", "components", "releases", "groups", "environments", "deployments", "sites"]
    static let pageKeys = ["id", "title", "description", "base_url", "grouping", "public", "feed_limit", "server_url"]
    static let componentKeys = ["slug", "name", "repo", "url", "description", "active"]
    static let releaseKeys = [
        "component", "version", "title", "published_at", "author", "notes", "status", "prerelease", "commit", "tag", "url",
        "code_name", "assets", "id", "created_at", "created_by", "channel", "build",
    ]
    static let assetKeys = ["name", "url", "platform", "signature", "size", "sha512", "sha256", "sha1", "minimum_system_version"]
    static let groupKeys = ["version", "title", "published_at", "notes", "members"]
    static let environmentKeys = ["name", "frozen"]
    static let deploymentKeys = [
        "component", "version", "environment", "status", "started_at", "finished_at", "host", "actor", "commit", "meta",
        "id", "created_at", "created_by", "from_version", "error_message",
    ]
    static let siteKeys = ["slug", "name", "releases", "created_at", "created_by"]
    static let referenceKeys = ["component", "version"]

    let sink: ProblemSink

    /// The document of `root`; `releases`, when given, decodes the releases instead of the
    /// `releases` member (whose array the parser left unparsed).
    func document(_ root: JSONValue, releases: ((DataDecoder) -> ([Release], [Origin]))? = nil) -> DecodedDocument {
        var document = DecodedDocument()
        guard let top = Fields(root, at: .root, known: Self.topKeys, sink: sink) else { return document }
        document.isReadable = true
        document.hasPage = top.value("page") != nil
        if let value = top.value("page"), let page = page(value, at: JSONPath.root.appending("page")) {
            document.page = (page, origin(JSONPath.root.appending("page")))
        }
        document.components = list(top, "components") { $0.component($1, at: $2) }
        if let releases {
            (document.releases, document.releaseOrigins) = releases(self)
        } else {
            let decoded = list(top, "releases") { $0.release($1, at: $2) }
            (document.releases, document.releaseOrigins) = (decoded.map(\.0), decoded.map(\.1))
        }
        document.groups = list(top, "groups") { $0.group($1, at: $2) }
        document.environments = list(top, "environments") { $0.environment($1, at: $2) }
        document.deployments = list(top, "deployments") { $0.deployment($1, at: $2) }
        document.sites = list(top, "sites") { $0.site($1, at: $2) }
        return document
    }

    private func origin(_ path: JSONPath) -> Origin { Origin(file: sink.file, path: path) }

    /// The decoded elements of an array member with their origins.
    private func list<T: Sendable>(
        _ fields: Fields,
        _ key: String,
        _ decode: @escaping @Sendable (DataDecoder, JSONValue, JSONPath) -> T?
    ) -> [(T, Origin)] {
        let elements = fields.array(key) ?? []
        let file = sink.file
        return inSlices(count: elements.count) { decoder, position in
            let (value, path) = elements[position]
            return decode(decoder, value, path).map { ($0, Origin(file: file, path: path)) }
        }
    }

    /// `decode` of every position below `count`, without the nils; a list of `long` or more is
    /// decoded in slices on every core, each with its own sink, and problems keep their order.
    func inSlices<T: Sendable>(count: Int, longAt long: Int = 1024, _ decode: @escaping @Sendable (DataDecoder, Int) -> T?) -> [T] {
        let slices = Slices(count: count, parallelFrom: long)
        let file = sink.file
        let results = Mutex([[T]](repeating: [], count: slices.slices))
        let sinks = (0..<slices.slices).map { _ in ProblemSink(file: file) }
        slices.run { slice in
            let decoder = DataDecoder(sink: sinks[slice])
            let decoded = slices.range(slice).compactMap { decode(decoder, $0) }
            results.withLock { $0[slice] = decoded }
        }
        for part in sinks {
            sink.problems += part.problems
            sink.warnings += part.warnings
        }
        return results.withLock { $0.flatMap { $0 } }
    }

    func page(_ value: JSONValue, at path: JSONPath) -> Page? {
        guard let f = Fields(value, at: path, known: Self.pageKeys, sink: sink) else { return nil }
        let id = f.string("id", required: true, rule: Rules.slugProblem)
        let title = f.nonEmptyName("title", required: true)
        let page = Page(
            id: id ?? "",
            title: title ?? "",
            description: f.string("description"),
            baseURL: f.string("base_url", rule: { Rules.baseURLProblem($0, appended: "the site's paths") }),
            grouping: f.choice("grouping", Page.Grouping.self) ?? .none,
            isPublic: f.bool("public") ?? true,
            feedLimit: f.integer("feed_limit", in: 1...100_000) ?? 50,
            serverURL: f.string("server_url", rule: { Rules.baseURLProblem($0, appended: "the server's paths") })
        )
        return id == nil || title == nil ? nil : page
    }

    func component(_ value: JSONValue, at path: JSONPath) -> Component? {
        guard let f = Fields(value, at: path, known: Self.componentKeys, sink: sink) else { return nil }
        let slug = f.string("slug", required: true, rule: Rules.slugProblem)
        let component = Component(
            slug: slug ?? "",
            name: f.name("name"),
            repo: f.name("repo"),
            url: f.url("url"),
            description: f.string("description"),
            active: f.string("active", rule: Rules.versionProblem)
        )
        return slug == nil ? nil : component
    }

    func release(_ value: JSONValue, at path: JSONPath) -> Release? {
        let mark = sink.mark
        guard let f = Fields(value, at: path, known: Self.releaseKeys, sink: sink) else { return nil }
        let component = f.string("component", required: true, rule: Rules.slugProblem)
        let version = f.string("version", required: true, rule: Rules.versionProblem)
        // Problems of a release in a file name it: `releases[370].published_at: … (release grdb 7.0.0-beta.3)`.
        defer {
            if let component, let version, !path.components.isEmpty {
                sink.name(since: mark, DataProblem.Subject(depth: path.components.count, text: "\(component) \(version)"))
            }
        }
        let status = f.choice("status", Release.Status.self)
        let statusInvalid = f.value("status") != nil && status == nil
        let publishedAt = f.timestamp("published_at", required: !statusInvalid && (status ?? .published) == .published)
        var assets: [Release.Asset] = []
        for (element, elementPath) in f.array("assets") ?? [] {
            if let asset = asset(element, at: elementPath) { assets.append(asset) }
        }
        let release = Release(
            component: component ?? "",
            version: Version(version ?? ""),
            title: f.name("title"),
            publishedAt: publishedAt,
            author: f.name("author"),
            notes: f.string("notes"),
            status: status ?? .published,
            prereleaseFlag: f.bool("prerelease"),
            commit: f.string("commit"),
            tag: f.name("tag"),
            url: f.url("url"),
            codeName: f.name("code_name"),
            assets: assets,
            id: f.string("id", rule: Rules.idProblem),
            createdAt: f.timestamp("created_at"),
            createdBy: f.name("created_by"),
            channel: f.string("channel", rule: Rules.channelProblem),
            build: f.string("build", rule: Rules.buildProblem)
        )
        guard component != nil, version != nil, !statusInvalid else { return nil }
        return release
    }

    func asset(_ value: JSONValue, at path: JSONPath) -> Release.Asset? {
        guard let f = Fields(value, at: path, known: Self.assetKeys, sink: sink) else { return nil }
        return Release.Asset(
            name: f.name("name"),
            url: f.url("url"),
            platform: f.string("platform", rule: Rules.platformProblem),
            signature: f.string("signature", rule: Rules.signatureProblem),
            size: f.integer("size", in: 0...Int.max),
            sha512: f.string("sha512", rule: Rules.sha512Problem),
            sha256: f.string("sha256", rule: Rules.sha256Problem),
            sha1: f.string("sha1", rule: Rules.sha1Problem),
            minimumSystemVersion: f.string("minimum_system_version", rule: Rules.systemVersionProblem)
        )
    }

    func group(_ value: JSONValue, at path: JSONPath) -> ReleaseGroup? {
        guard let f = Fields(value, at: path, known: Self.groupKeys, sink: sink) else { return nil }
        let version = f.string("version", required: true, rule: Rules.versionProblem)
        var members: [ReleaseReference] = []
        if let value = f.value("members") {
            if case .object(let entries) = value {
                var seen: Set<String> = []
                for entry in entries {
                    let memberPath = path.appending("members").appending(entry.key)
                    if !seen.insert(entry.key).inserted {
                        sink.problem(memberPath, "duplicate key \(JSONWriter.quoted(entry.key))")
                    } else if let problem = Rules.slugProblem(entry.key) {
                        sink.problem(memberPath, problem)
                    } else if case .string(let member) = entry.value {
                        members.append(ReleaseReference(component: entry.key, version: member))
                    } else {
                        sink.problem(memberPath, "expected a version string, found \(entry.value.typeDescription)")
                    }
                }
            } else {
                f.wrongType("members", "an object of component slug → version", value)
            }
        }
        let group = ReleaseGroup(
            version: Version(version ?? ""),
            title: f.name("title"),
            publishedAt: f.timestamp("published_at"),
            notes: f.string("notes"),
            members: members
        )
        return version == nil ? nil : group
    }

    func environment(_ value: JSONValue, at path: JSONPath) -> Environment? {
        guard let f = Fields(value, at: path, known: Self.environmentKeys, sink: sink) else { return nil }
        let name = f.string("name", required: true, rule: Rules.environmentProblem)
        let frozen = f.bool("frozen") ?? false
        return name.map { Environment(name: $0, frozen: frozen) }
    }

    func deployment(_ value: JSONValue, at path: JSONPath) -> Deployment? {
        guard let f = Fields(value, at: path, known: Self.deploymentKeys, sink: sink) else { return nil }
        let component = f.string("component", required: true, rule: Rules.slugProblem)
        let version = f.string("version", required: true, rule: Rules.versionProblem)
        let environment = f.string("environment", required: true, rule: Rules.environmentProblem)
        let statusGiven = f.value("status") != nil
        let status = f.choice("status", Deployment.Status.self)
        let deployment = Deployment(
            component: component ?? "",
            version: version ?? "",
            environment: environment ?? "",
            status: status ?? .unknown,
            startedAt: f.timestamp("started_at"),
            finishedAt: f.timestamp("finished_at"),
            host: f.name("host"),
            actor: f.name("actor"),
            commit: f.string("commit"),
            meta: f.value("meta").map { meta in
                reportDuplicateKeys(in: meta, at: path.appending("meta"))
                return meta
            },
            id: f.string("id", rule: Rules.idProblem),
            createdAt: f.timestamp("created_at"),
            createdBy: f.name("created_by"),
            fromVersion: f.string("from_version", rule: Rules.versionProblem),
            errorMessage: f.string("error_message")
        )
        guard component != nil, version != nil, environment != nil, !statusGiven || status != nil else { return nil }
        return deployment
    }

    /// Reports every key given twice in one object of free-form JSON (`meta`): a later value
    /// must not silently win or be written back twice.
    private func reportDuplicateKeys(in value: JSONValue, at path: JSONPath) {
        switch value {
        case .object(let members):
            var seen: Set<String> = []
            for member in members {
                if !seen.insert(member.key).inserted {
                    sink.problem(path.appending(member.key), "duplicate key \(JSONWriter.quoted(member.key))")
                }
                reportDuplicateKeys(in: member.value, at: path.appending(member.key))
            }
        case .array(let elements):
            for (offset, element) in elements.enumerated() { reportDuplicateKeys(in: element, at: path.appending(offset)) }
        default:
            break
        }
    }

    func site(_ value: JSONValue, at path: JSONPath) -> CustomerSite? {
        guard let f = Fields(value, at: path, known: Self.siteKeys, sink: sink) else { return nil }
        let slug = f.string("slug", required: true, rule: Rules.slugProblem)
        let name = f.name("name")
        var references: [ReleaseReference] = []
        for (element, elementPath) in f.array("releases") ?? [] {
            guard let r = Fields(element, at: elementPath, known: Self.referenceKeys, sink: sink) else { continue }
            if let component = r.string("component", required: true, rule: Rules.slugProblem),
                let version = r.string("version", required: true, rule: Rules.versionProblem)
            {
                references.append(ReleaseReference(component: component, version: version))
            }
        }
        let createdAt = f.timestamp("created_at")
        let createdBy = f.name("created_by")
        return slug.map { CustomerSite(slug: $0, name: name, releases: references, createdAt: createdAt, createdBy: createdBy) }
    }
}
