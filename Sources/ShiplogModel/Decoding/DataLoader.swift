/// One input of the data format: a name to report problems against, and its bytes.
public struct DataSource: Sendable {
    /// The file name as the user gave it (`data.json`), or a label.
    public var name: String
    private var storage: Storage

    private enum Storage: Sendable {
        case array([UInt8])
        case borrowed(BorrowedBytes)
    }

    /// The raw JSON.
    public var bytes: [UInt8] {
        get {
            switch storage {
            case .array(let bytes): bytes
            case .borrowed(let borrowed): Array(borrowed.bytes)
            }
        }
        set { storage = .array(newValue) }
    }

    /// Creates a source.
    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.storage = .array(bytes)
    }

    /// Creates a source of bytes that stay valid and unchanged as long as `owner` lives (such as
    /// a mapped file, unmapped when its owner goes), so that they need not be copied.
    public init(name: String, bytes: UnsafeBufferPointer<UInt8>, owner: some AnyObject & Sendable) {
        self.name = name
        self.storage = .borrowed(BorrowedBytes(bytes: bytes, owner: owner))
    }

    /// Calls `body` with the bytes.
    func withBytes<R, E: Error>(_ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E) -> R {
        switch storage {
        case .array(let bytes): return try bytes.withUnsafeBufferPointer(body)
        case .borrowed(let borrowed): return try withExtendedLifetime(borrowed.owner) { () throws(E) -> R in try body(borrowed.bytes) }
        }
    }
}

/// Bytes that someone else owns.
///
/// `@unchecked Sendable`: the bytes are only read, and `owner` keeps them valid and unchanged
/// for as long as it lives (see ``DataSource/init(name:bytes:owner:)``).
private struct BorrowedBytes: @unchecked Sendable {
    let bytes: UnsafeBufferPointer<UInt8>
    let owner: AnyObject
}

/// Valid data, and the warnings (unknown keys) found on the way.
public struct LoadedData: Sendable {
    /// The merged data of every source.
    ///
    /// A release in ``summarized`` has only its summary fields (see ``ReleaseMemo``) until ``materialize(_:)``.
    public var data: ReleaseData
    /// Problems that did not stop the load, such as unknown keys.
    public var warnings: [DataProblem]
    /// Release reference → index in ``ReleaseData/releases`` (see ``Catalog/init(data:includeDrafts:releaseIndex:)``).
    public var releaseIndex: [ReleaseReference: Int]
    /// The indices of the releases read only in summary, from the memo the load was given.
    public var summarized: Set<Int> = []
    /// How to bring the memo up to date for the next load of this data.
    public var memoUpdate = ReleaseMemo.Update.unchanged
    /// The sources, kept to decode summarized releases in full (none when there are none).
    var sources: [DataSource]
    /// Per release, where it stands in its source; empty when not every release was read element by element.
    let releaseSources: [ReleaseSource]

    /// Per release, its ``Release/fingerprint`` (of summarized releases too); nil when not every
    /// release was read element by element.
    public var releaseFingerprints: [Digest]? {
        // A load keeps the source of every release or of none (see `everyReleaseHasSource`).
        releaseSources.isEmpty ? nil : releaseSources.map(\.fingerprint)
    }

    /// Where the release at `index` stands: the index of its source and its position in that
    /// source's `releases`; nil when the load did not keep it.
    public func releasePosition(_ index: Int) -> (source: Int, position: Int)? {
        releaseSources.indices.contains(index) ? (releaseSources[index].source, releaseSources[index].position) : nil
    }
}

extension LoadedData {
    /// Data that did not come from files (from the store): valid already, nothing summarized, no memo.
    public init(data: ReleaseData) {
        var index: [ReleaseReference: Int] = [:]
        for (offset, release) in data.releases.enumerated() { index[release.reference] = offset }
        self.init(data: data, warnings: [], releaseIndex: index, sources: [], releaseSources: [])
    }
}

/// Reads, merges and validates data files (SPEC §1): all or nothing.
///
/// ```swift
/// let loaded = try DataLoader.load([DataSource(name: "data.json", bytes: bytes)])
/// ```
public enum DataLoader {
    /// Decodes and merges `sources`; throws a ``DataError`` listing every problem when any is invalid.
    ///
    /// Components, releases, groups, environments, deployments and sites concatenate in source order;
    /// `page` must appear in exactly one source. Releases whose bytes `memo` knows are read only in
    /// summary (see ``LoadedData/summarized``).
    public static func load(_ sources: [DataSource], memo: ReleaseMemo? = nil) throws(DataLoadError) -> LoadedData {
        var problems: [DataProblem] = []
        var warnings: [DataProblem] = []
        var merged = DecodedDocument()
        var sawPage = false
        var allReadable = true
        var releaseSources: [ReleaseSource] = []
        var everyReleaseHasSource = true
        for (offset, source) in sources.enumerated() {
            let sink = ProblemSink(file: source.name)
            let document: DecodedDocument
            do {
                document = try decode(source, sink: sink, memo: memo)
            } catch {
                problems.append(DataProblem(file: source.name, path: error.path, message: error.description))
                allReadable = false
                continue
            }
            everyReleaseHasSource = everyReleaseHasSource && document.releaseSources.count == document.releases.count
            if offset == 0 {
                // Sources start out as the first file's: the common single file is not copied.
                releaseSources = document.releaseSources
            } else {
                releaseSources += document.releaseSources.map { origin in
                    var origin = origin
                    origin.source = offset
                    return origin
                }
            }
            problems += sink.problems
            warnings += sink.warnings
            sawPage = sawPage || document.hasPage
            allReadable = allReadable && document.isReadable
            if let page = document.page {
                if let first = merged.page {
                    problems.append(page.1.problem(nil, "the page is already defined in \(first.1.file); give \"page\" in one file only"))
                } else {
                    merged.page = page
                }
            }
            merged.components += document.components
            if merged.releases.isEmpty {
                (merged.releases, merged.releaseOrigins) = (document.releases, document.releaseOrigins)
            } else {
                merged.releases += document.releases
                merged.releaseOrigins += document.releaseOrigins
            }
            merged.groups += document.groups
            merged.environments += document.environments
            merged.deployments += document.deployments
            merged.sites += document.sites
        }
        // A file that could not be read may hold the page: only say it is missing when all were read.
        if !sawPage && allReadable {
            let names = sources.map(\.name).joined(separator: ", ")
            problems.append(
                DataProblem(
                    file: sources.first?.name ?? "data",
                    path: JSONPath.root.appending("page"),
                    message: "missing required field \"page\" (none of \(names) has one)"
                )
            )
        }
        let (crossProblems, releaseIndex) = CrossReferences.check(merged)
        problems += crossProblems
        guard problems.isEmpty, let page = merged.page?.0 else {
            throw DataLoadError(problems: problems, warnings: warnings)
        }
        let data = ReleaseData(
            page: page,
            components: merged.components.map(\.0),
            releases: merged.releases,
            groups: merged.groups.map(\.0),
            environments: CrossReferences.environments(merged),
            deployments: merged.deployments.map(\.0),
            sites: merged.sites.map(\.0)
        )
        if !everyReleaseHasSource { releaseSources = [] }
        var loaded = LoadedData(data: data, warnings: warnings, releaseIndex: releaseIndex, sources: sources, releaseSources: releaseSources)
        loaded.remember(previous: memo)
        // Without summarized releases nothing needs the sources again: their memory goes now.
        if loaded.summarized.isEmpty { loaded.sources = [] }
        return loaded
    }
}

/// Data was rejected: every problem, and the warnings found along the way.
public struct DataLoadError: Error, Sendable, CustomStringConvertible {
    /// What made the data invalid.
    public var problems: [DataProblem]
    /// What did not, but should be looked at.
    public var warnings: [DataProblem]

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// Checks that names point at things that exist and that identities are unique.
enum CrossReferences {
    /// The problems, and the index of every release by its reference (the first of duplicates).
    static func check(_ d: DecodedDocument) -> ([DataProblem], [ReleaseReference: Int]) {
        var problems: [DataProblem] = []
        var components: [String: Origin] = [:]
        for (component, origin) in d.components {
            if let first = components[component.slug] {
                problems.append(
                    origin.problem("slug", "duplicate component \(JSONWriter.quoted(component.slug)) (first at \(first.file): \(first.path))")
                )
            } else {
                components[component.slug] = origin
            }
        }
        var releases: [ReleaseReference: Int] = [:]
        releases.reserveCapacity(d.releases.count)
        for position in d.releases.indices {
            // Only the reference and origin are read: copying whole releases here is costly.
            let reference = ReleaseReference(component: d.releases[position].component, version: d.releases[position].version.text)
            // Named only when there is a problem: naming every release would cost a string each.
            let origin = d.releaseOrigins[position]
            if components[reference.component] == nil {
                problems.append(
                    Self.named(origin, reference).problem(
                        "component",
                        "unknown component \(JSONWriter.quoted(reference.component)); add it to \"components\""
                    )
                )
            }
            if let firstPosition = releases.updateValue(position, forKey: reference) {
                releases[reference] = firstPosition
                let first = Self.named(d.releaseOrigins[firstPosition], reference)
                problems.append(
                    Self.named(origin, reference).problem(
                        "version",
                        "duplicate release \(JSONWriter.quoted(reference.version)) of component \(JSONWriter.quoted(reference.component)) (first at \(first.file): \(first.location))"
                    )
                )
            }
        }
        var releaseIDs: [String: Int] = [:]
        for position in d.releases.indices {
            guard let id = d.releases[position].id else { continue }
            if let firstPosition = releaseIDs.updateValue(position, forKey: id) {
                releaseIDs[id] = firstPosition
                func named(_ position: Int) -> Origin {
                    Self.named(
                        d.releaseOrigins[position],
                        ReleaseReference(component: d.releases[position].component, version: d.releases[position].version.text)
                    )
                }
                let first = named(firstPosition)
                problems.append(
                    named(position).problem("id", "duplicate release id \(JSONWriter.quoted(id)) (first at \(first.file): \(first.location))")
                )
            }
        }
        func checkReference(_ reference: ReleaseReference, _ problem: (String) -> DataProblem) {
            if components[reference.component] == nil {
                problems.append(problem("unknown component \(JSONWriter.quoted(reference.component))"))
            } else if releases[reference] == nil {
                problems.append(problem("no release \(JSONWriter.quoted(reference.version)) of component \(JSONWriter.quoted(reference.component))"))
            }
        }
        problems += activeProblems(d, releases: releases)
        var groups: [String: Origin] = [:]
        for (group, origin) in d.groups {
            if let first = groups[group.version.text] {
                problems.append(
                    origin.problem("version", "duplicate group \(JSONWriter.quoted(group.version.text)) (first at \(first.file): \(first.path))")
                )
            } else {
                groups[group.version.text] = origin
            }
            for member in group.members {
                checkReference(member) {
                    Origin(file: origin.file, path: origin.path.appending("members").appending(member.component)).problem(nil, $0)
                }
            }
        }
        var environments: [String: Origin] = [:]
        for (environment, origin) in d.environments {
            if let first = environments[environment.name] {
                problems.append(
                    origin.problem("name", "duplicate environment \(JSONWriter.quoted(environment.name)) (first at \(first.file): \(first.path))")
                )
            } else {
                environments[environment.name] = origin
            }
        }
        var deploymentIDs: [String: Origin] = [:]
        for (deployment, origin) in d.deployments {
            if let id = deployment.id {
                if let first = deploymentIDs[id] {
                    problems.append(origin.problem("id", "duplicate deployment id \(JSONWriter.quoted(id)) (first at \(first.file): \(first.path))"))
                } else {
                    deploymentIDs[id] = origin
                }
            }
            checkReference(ReleaseReference(component: deployment.component, version: deployment.version)) {
                origin.problem(components[deployment.component] == nil ? "component" : "version", $0)
            }
        }
        var sites: [String: Origin] = [:]
        for (site, origin) in d.sites {
            if let first = sites[site.slug] {
                problems.append(origin.problem("slug", "duplicate site \(JSONWriter.quoted(site.slug)) (first at \(first.file): \(first.path))"))
            } else {
                sites[site.slug] = origin
            }
            for (offset, reference) in site.releases.enumerated() {
                checkReference(reference) { Origin(file: origin.file, path: origin.path.appending("releases").appending(offset)).problem(nil, $0) }
            }
        }
        return (problems, releases)
    }

    /// `origin` of the release `reference`, named by it (`releases[3] (api 1.0.0)`).
    static func named(_ origin: Origin, _ reference: ReleaseReference) -> Origin {
        var origin = origin
        origin.subject = DataProblem.Subject(depth: origin.path.components.count, text: "\(reference.component) \(reference.version)")
        return origin
    }

    /// The declared environments, then any that deployments name without declaring, in order of appearance.
    static func environments(_ d: DecodedDocument) -> [Environment] {
        var result = d.environments.map(\.0)
        var known = Set(result.map(\.name))
        for (deployment, _) in d.deployments where known.insert(deployment.environment).inserted {
            result.append(Environment(name: deployment.environment))
        }
        return result
    }
}
