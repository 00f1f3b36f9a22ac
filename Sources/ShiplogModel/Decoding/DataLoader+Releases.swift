import Synchronization

/// Where a release of the data stands in its file, and how it was read.
struct ReleaseSource: Sendable {
    /// The index of its file among the sources.
    var source = 0
    /// Its position in the file's `releases` array.
    var position: Int
    /// Its bytes in the file (white space around it left out).
    var range: Range<Int>
    /// The digest of those bytes.
    var digest: Digest
    /// The release's ``Release/fingerprint``.
    var fingerprint: Digest
    /// Whether only its summary was read, from the memo.
    var isSummary: Bool
    /// Whether it was valid and drew no warning, so that the next load may take its summary.
    var isClean: Bool
}

extension DataDecoder {
    /// Decodes the releases whose bytes the parser left unparsed at `ranges`, taking from `memo`
    /// the summary of each release it knows; nil when one of them is not valid JSON.
    ///
    /// Slices are decoded on every core straight into the results (releases are large to copy);
    /// a release that cannot be decoded is left out, as ``inSlices(count:longAt:_:)`` would.
    func releases(at ranges: [Range<Int>], in bytes: UnsafeBufferPointer<UInt8>, memo: ReleaseMemo?) -> ([Release], [Origin], [ReleaseSource])? {
        let buffer = ReadOnlyBytes(bytes: bytes)
        let file = sink.file
        let count = ranges.count
        let slices = Slices(count: count, parallelFrom: 1024)
        let sinks = (0..<slices.slices).map { _ in ProblemSink(file: file) }
        let invalid = Atomic<Bool>(false)
        let dropped = Mutex<Set<Int>>([])
        var releases = [Release](repeating: Release(component: "", version: Version("")), count: count)
        let none = Digest(words: (0, 0))
        var sources = [ReleaseSource](
            repeating: ReleaseSource(position: 0, range: 0..<0, digest: none, fingerprint: none, isSummary: true, isClean: true),
            count: count
        )
        releases.withUnsafeMutableBufferPointer { releaseBuffer in
            sources.withUnsafeMutableBufferPointer { sourceBuffer in
                let results = SharedResults(releases: releaseBuffer, sources: sourceBuffer)
                slices.run { slice in
                    let decoder = DataDecoder(sink: sinks[slice])
                    // Sized at once: growing it as versions came was a tenth of reading the memo (perf).
                    var versions: [String: Version] = [:]
                    versions.reserveCapacity(slices.range(slice).count)
                    for position in slices.range(slice) {
                        let range = ranges[position]
                        let digest = Digest(of: UnsafeBufferPointer(rebasing: buffer.bytes[range]))
                        var source = ReleaseSource(
                            position: position,
                            range: range,
                            digest: digest,
                            fingerprint: digest,
                            isSummary: true,
                            isClean: true
                        )
                        if let entry = memo?.entry(for: digest, versions: &versions) {
                            source.fingerprint = entry.fingerprint
                            results.store(entry.summary, source, at: position)
                            continue
                        }
                        guard let value = JSONParser.parseElement(range, in: buffer.bytes) else {
                            invalid.store(true, ordering: .relaxed)
                            return
                        }
                        let reported = decoder.sink.problems.count + decoder.sink.warnings.count
                        guard let release = decoder.release(value, at: JSONPath(components: [.key("releases"), .index(position)])) else {
                            dropped.withLock { _ = $0.insert(position) }
                            continue
                        }
                        source.fingerprint = release.fingerprint
                        source.isSummary = false
                        source.isClean = decoder.sink.problems.count + decoder.sink.warnings.count == reported
                        results.store(release, source, at: position)
                    }
                }
            }
        }
        guard !invalid.load(ordering: .relaxed) else { return nil }
        for part in sinks {
            sink.problems += part.problems
            sink.warnings += part.warnings
        }
        let left = dropped.withLock { $0 }
        if !left.isEmpty {
            releases = releases.indices.filter { !left.contains($0) }.map { releases[$0] }
            sources = sources.indices.filter { !left.contains($0) }.map { sources[$0] }
        }
        let origins = sources.map { Origin(file: file, path: JSONPath(components: [.key("releases"), .index($0.position)])) }
        return (releases, origins, sources)
    }
}

/// The result arrays of ``DataDecoder/releases(at:in:memo:)``, written by the threads that decode slices.
///
/// `@unchecked Sendable`: each position is written by exactly one thread, and the arrays outlive
/// the synchronous `Slices.run` that writes them.
private struct SharedResults: @unchecked Sendable {
    let releases: UnsafeMutableBufferPointer<Release>
    let sources: UnsafeMutableBufferPointer<ReleaseSource>

    func store(_ release: Release, _ source: ReleaseSource, at position: Int) {
        releases[position] = release
        sources[position] = source
    }
}

extension DataLoader {
    /// Decodes one file, its releases through `memo`; throws when it is not valid JSON.
    static func decode(_ source: DataSource, sink: ProblemSink, memo: ReleaseMemo?) throws(JSONSyntaxError) -> DecodedDocument {
        let document = source.withBytes { bytes -> DecodedDocument? in
            guard let (root, ranges) = try? JSONParser.parse(bytes, deferring: "releases") else { return nil }
            guard let ranges else { return DataDecoder(sink: sink).document(root) }
            let releaseDecoder = DataDecoder(sink: ProblemSink(file: source.name))
            guard let (releases, origins, sources) = releaseDecoder.releases(at: ranges, in: bytes, memo: memo) else { return nil }
            var document = DataDecoder(sink: sink).document(root) { decoder in
                // The releases' problems in their place, after those of the members before them.
                decoder.sink.problems += releaseDecoder.sink.problems
                decoder.sink.warnings += releaseDecoder.sink.warnings
                return (releases, origins)
            }
            document.releaseSources = sources
            return document
        }
        if let document { return document }
        // Not valid JSON: parsed again as a whole, for the exact error.
        let root = try source.withBytes { (bytes) throws(JSONSyntaxError) in try JSONParser.parse(bytes) }
        return DataDecoder(sink: sink).document(root)
    }
}

extension LoadedData {
    /// The releases among `indices` that were read only in summary (from the memo), decoded in full.
    public func materialize(_ indices: some Sequence<Int>) -> [Int: Release] {
        let wanted = indices.filter { summarized.contains($0) }
        let sources = self.sources
        let releaseSources = self.releaseSources
        // The bytes decoded before, so they decode again; were one not to, its summary would stay.
        let decoded = DataDecoder(sink: ProblemSink(file: "")).inSlices(count: wanted.count, longAt: 64) { decoder, position -> (Int, Release)? in
            let index = wanted[position]
            let origin = releaseSources[index]
            return sources[origin.source].withBytes { bytes in
                JSONParser.parseElement(origin.range, in: bytes).flatMap {
                    decoder.release($0, at: JSONPath(components: [.key("releases"), .index(origin.position)]))
                }
            }.map { (index, $0) }
        }
        return Dictionary(uniqueKeysWithValues: decoded)
    }
}

extension LoadedData {
    /// Fills ``summarized`` and ``memoUpdate``: the clean releases that were decoded in full are
    /// added to the memo; it is written anew when there was none, or when it holds many releases
    /// that are gone.
    mutating func remember(previous: ReleaseMemo?) {
        func entry(_ index: Int) -> ReleaseMemo.Entry {
            ReleaseMemo.Entry(summary: ReleaseMemo.summary(of: data.releases[index]), fingerprint: releaseSources[index].fingerprint)
        }
        var added = ReleaseMemo()
        var clean = 0
        for (index, origin) in releaseSources.enumerated() where origin.isClean {
            clean += 1
            if origin.isSummary {
                summarized.insert(index)
            } else {
                added.insert(entry(index), for: origin.digest)
            }
        }
        guard let previous, previous.count + added.count <= 2 * clean + 64 else {
            var memo = added
            for index in summarized { memo.insert(entry(index), for: releaseSources[index].digest) }
            memoUpdate = .replace(memo)
            return
        }
        memoUpdate = added.count == 0 ? .unchanged : .append(added)
    }
}
