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
