import Foundation
import ShiplogMacroSupport
import ShiplogMarkdown
public import ShiplogModel

/// What to build and where.
@MemberwiseInit
public struct SiteOptions: Sendable {
    /// The output directory (created if missing, replaced atomically).
    public var output: String
    /// The default theme's directory; nil: the theme built into the binary.
    public var templates: String?
    /// A directory whose files replace the default theme's, file by file.
    public var templateOverrides: String?
    /// Whether drafts are shown (`--drafts`).
    public var includeDrafts: Bool = false
    /// Whether to reuse the previous build's cache (on by default).
    public var incremental: Bool = true
    /// Where to report how long each phase of the build took (nil: nowhere).
    public var timings: (@Sendable (String, Duration) -> Void)?
}

/// What a build did.
public struct BuildReport: Sendable, Equatable {
    /// Files in the site.
    public var files: Int
    /// Files rendered (their inputs changed, or there was no cache).
    public var rendered: Int
    /// Files written (their bytes changed).
    public var written: Int
    /// Files removed (they are no longer part of the site).
    public var removed: Int
}

/// Builds the static release page (SPEC §4): atomic, reproducible, incremental and parallel.
///
/// ```swift
/// let loaded = try DataLoader.load(sources)
/// let report = try await SiteBuilder(options: SiteOptions(output: "public", templates: "templates")).build(loaded.data)
/// ```
@MemberwiseInit
public struct SiteBuilder: Sendable {
    /// Where and how to build.
    public let options: SiteOptions
    /// The generator name, part of every page's fingerprint.
    public static let generator = "shiplog 0.1"

    /// Builds the site of `data`. On any error the previous site stays as it was.
    public func build(_ data: ReleaseData) async throws(SiteError) -> BuildReport {
        let output = outputPath
        let incremental = options.incremental
        async let pendingCache = incremental ? BuildCache.load(forOutput: output) : nil
        let theme = try loadTheme()
        var trace = Trace(report: options.timings)
        let plan = await plan(data, theme: theme, trace: &trace)
        trace.mark("plan")
        return try await write(plan, theme: theme, cache: await pendingCache, trace: trace)
    }

    /// Builds the site of the data `load` returns, reading the previous build's cache meanwhile.
    ///
    /// `load` is given what the previous build learnt of the releases (nil when not incremental),
    /// so that it reads unchanged releases only in summary. Errors of `load` pass through
    /// unchanged; errors of the build are ``SiteError``s.
    ///
    /// `finish`, when given, is called with the report once the site and its caches are written,
    /// before the memory of the build is given back: a command that exits there spares the time.
    public func build(
        loading load: (ReleaseMemo?) throws -> LoadedData,
        finish: ((BuildReport) -> Void)? = nil
    ) async throws -> BuildReport {
        let output = outputPath
        let incremental = options.incremental
        // The cache (with a look at every file it lists) and the theme are read on other cores
        // while the data loads; the cache is waited for only once the site is planned.
        // Both are child tasks: a load that fails cancels and awaits them before it returns.
        async let pendingCache = incremental ? BuildCache.load(forOutput: output) : nil
        async let pendingTheme = Result { () throws(SiteError) in try loadTheme() }
        let memo = incremental ? ReleaseMemo.load(forOutput: output) : nil
        var loaded = try load(memo)
        // The catalog becomes the only holder of the releases, so that replacing summaries by
        // full releases later copies none of the others.
        let data = loaded.data
        loaded.data.releases = []
        let theme = try await pendingTheme.get()
        var trace = Trace(report: options.timings)
        let plan = await plan(consume data, theme: theme, loaded: loaded, trace: &trace)
        trace.mark("plan")
        return try await write(plan, theme: theme, cache: await pendingCache, loaded: loaded, finish: finish, trace: trace)
    }

    private var outputPath: String { URL(fileURLWithPath: options.output).standardizedFileURL.path }

    private func loadTheme() throws(SiteError) -> Theme {
        try Theme(directory: options.templates, overrides: options.templateOverrides)
    }

    /// Renders and writes what `plan` says changed since the build `cache` describes.
    private func write(
        _ plan: consuming SitePlan,
        theme: Theme,
        cache: BuildCache?,
        loaded: LoadedData? = nil,
        finish: ((BuildReport) -> Void)? = nil,
        trace: consuming Trace
    ) async throws(SiteError) -> BuildReport {
        var plan = plan
        var trace = trace
        trace.mark("wait for cache")
        let output = outputPath
        // Which files the cache knows, and which of those are as planned (on every core: it looks
        // up every path).
        let outputs = plan.outputs
        let known = await Parallel.map(outputs.indices) { index -> (cached: Bool, current: Bool) in
            guard let entry = cache?.entry(for: outputs[index].path) else { return (false, false) }
            return (true, entry.key == outputs[index].key)
        }
        let cached = known.count { $0.cached }
        let pending = outputs.indices.filter { !known[$0].current }.map { outputs[$0] }
        if let loaded, !loaded.summarized.isEmpty {
            // Pages about to be rendered show these releases in full.
            var shown = Set<Int>()
            for planned in pending { shown.formUnion(plan.releasesShown(by: planned.output)) }
            plan.catalog.replaceReleases(loaded.materialize(shown))
            trace.mark("materialize")
        }

        trace.mark("cache")
        let renderer = await makeRenderer(plan: plan, theme: theme, pending: pending)
        trace.mark("notes")
        let target = try OutputTarget(output: output, inPlace: cache != nil)
        let results: [WriteResult]
        do {
            results = try await Parallel.mapThrowing(pending.indices) { (index) throws(SiteError) -> WriteResult in
                try target.produce(pending[index], renderer: renderer, theme: theme, previous: cache?.entry(for: pending[index].path))
            }
        } catch {
            target.rollback(written: pending.map(\.path))
            throw error
        }
        trace.mark("render and write")
        var removed: [String] = []
        // Only when the cache knows files that are not planned is there anything to remove.
        if let cache, cached < cache.count {
            let planned = Set(plan.outputs.map(\.path))
            removed = cache.paths.filter { !planned.contains($0) }.sorted()
        }
        var changed: [String: BuildCache.Entry] = [:]
        changed.reserveCapacity(results.count)
        for result in results { changed[result.path] = BuildCache.Entry(key: result.key, stamp: result.stamp) }
        // The files the cache did not know were all written: they are the ones it gains.
        let entryCount = (cache?.count ?? 0) - removed.count + (outputs.count - cached)
        // A crash from here on must not leave a cache that describes the old site. When nothing
        // was removed and the file has not grown much, what changed is appended to it.
        var aside: String? = nil
        if let cache, removed.isEmpty, cache.lines + changed.count <= 2 * entryCount + 64 {
            aside = try? BuildCache.setAside(forOutput: output)
        }
        if aside == nil { BuildCache.discard(forOutput: output) }
        do {
            try target.commit(written: results.filter(\.wasWritten).map(\.path), removed: removed)
        } catch {
            target.rollback(written: results.filter(\.wasWritten).map(\.path))
            if let aside { FileSystem.remove(aside) }
            throw error
        }
        trace.mark("commit")
        // Without a cache the next build is simply a full one, so failing to save it is no error.
        if let aside {
            try? BuildCache.restore(aside, appending: changed, forOutput: output)
        } else {
            // The whole cache is written anew (only now is the previous one copied and changed).
            var entries = cache?.entries ?? [:]
            for path in removed { entries[path] = nil }
            entries.merge(changed) { $1 }
            try? BuildCache.save(entries, inOrderOf: plan.outputs.map(\.path), forOutput: output)
        }
        // Like the cache, the memo only saves work: failing to save it is no error.
        if let loaded { try? ReleaseMemo.update(loaded.memoUpdate, forOutput: output) }
        trace.mark("save cache")
        let report = BuildReport(
            files: plan.outputs.count,
            rendered: pending.count,
            written: results.filter(\.wasWritten).count,
            removed: removed.count
        )
        finish?(report)
        return report
    }

    /// Decides which files the site of `data` has, each with its key.
    ///
    /// `loaded`, what loaded `data` when it was loaded, tells the releases' fingerprints and index.
    func plan(_ data: consuming ReleaseData, theme: Theme, loaded: LoadedData? = nil, trace: inout Trace) async -> SitePlan {
        let catalog = Catalog(data: consume data, includeDrafts: options.includeDrafts, releaseIndex: loaded?.releaseIndex)
        let data = catalog.data
        trace.mark("catalog")
        var releaseKeys = loaded?.releaseFingerprints ?? []
        if releaseKeys.count != data.releases.count { releaseKeys = await Parallel.map(data.releases.indices) { data.releases[$0].fingerprint } }
        trace.mark("release keys")
        return SitePlan(catalog: catalog, theme: theme, generator: Self.generator, releaseKeys: releaseKeys)
    }

    /// Plans the site of `data` and makes a renderer for every page of it.
    func prepare(_ data: ReleaseData) async throws(SiteError) -> (SitePlan, PageRenderer) {
        var trace = Trace(report: nil)
        let theme = try loadTheme()
        let plan = await plan(data, theme: theme, trace: &trace)
        return (plan, await makeRenderer(plan: plan, theme: theme, pending: plan.outputs))
    }

    /// Prepares, in parallel, the views of the releases that the pending pages show, and wraps them in a renderer.
    private func makeRenderer(plan: SitePlan, theme: Theme, pending: [PlannedOutput]) async -> PageRenderer {
        let catalog = plan.catalog
        let data = catalog.data
        var needed = Set<Int>()
        var neededGroups = Set<Int>()
        for planned in pending {
            needed.formUnion(plan.notesNeeded(by: planned.output))
            if case .index = planned.output { neededGroups.formUnion(plan.indexGroups()) }
            if case .group(let group) = planned.output { neededGroups.insert(group) }
        }
        let links = data.components.map { $0.url.flatMap(RepositoryLinks.init(repositoryURL:)) }
        let renderers = links.map { MarkdownRenderer(links: $0) }
        let plainRenderer = MarkdownRenderer()
        let wanted = needed.sorted()
        // Rendered when a page first shows them: a page that lists releases may show few notes.
        var notes = [LazyText?](repeating: nil, count: data.releases.count)
        for index in wanted {
            let (renderer, text) = (renderers[catalog.componentOfRelease[index]], data.releases[index].notes ?? "")
            notes[index] = LazyText { renderer.html(text) }
        }
        var groupNotes = [String?](repeating: nil, count: catalog.groups.count)
        for group in neededGroups { groupNotes[group] = catalog.groups[group].group.notes.map(plainRenderer.html) }
        var views = Views(catalog: catalog, notes: notes, groupNotes: groupNotes, links: links)
        let base = views
        let prepared = await Parallel.map(wanted.indices) { base.release(wanted[$0]) }
        views.prepared = [TemplateObject?](repeating: nil, count: data.releases.count)
        for (position, index) in wanted.enumerated() { views.prepared[index] = prepared[position] }
        return PageRenderer(plan: plan, theme: theme, views: views, feeds: Feeds(views: views, plan: plan))
    }
}

/// Measures the phases of a build for ``SiteOptions/timings``.
@MemberwiseInit
struct Trace {
    let report: (@Sendable (String, Duration) -> Void)?
    private var last = ContinuousClock.now

    mutating func mark(_ phase: String) {
        guard let report else { return }
        let now = ContinuousClock.now
        report(phase, now - last)
        last = now
    }
}
