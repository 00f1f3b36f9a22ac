import Testing

@testable import ShiplogModel

/// A load given the memo of an earlier load reads unchanged releases in summary only, and
/// everything else exactly as a load without it.
@Suite struct ReleaseMemoTests {
    static let releases = [
        releaseJSON("1.0.0", #""title": "First", "notes": "one", "author": "ann""#),
        releaseJSON("1.1.0-rc.1", #""notes": "two", "assets": [{"name": "a.tgz", "size": 3}]"#),
        releaseJSON("2.0.0", component: "web", date: nil, #""status": "draft""#),
    ]

    static func text(_ releases: [String] = releases, separator: String = ",\n  ") -> String {
        dataFile(#""releases": [\#n  \#(releases.joined(separator: separator))\#n]"#)
    }

    /// The memo as the next build reads it: encoded and decoded again.
    static func memo(of text: String) throws -> ReleaseMemo {
        guard case .replace(let memo) = try DataLoader.load([source(text)]).memoUpdate else { throw MemoMissing() }
        return try #require(ReleaseMemo(decoding: memo.encoded()))
    }

    struct MemoMissing: Error {}

    /// The problems of `text` loaded with the memo of the unbroken data; the same as without a memo.
    static func problemsWithMemo(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [DataProblem] {
        do {
            _ = try DataLoader.load([source(text)], memo: try memo(of: Self.text()))
            Issue.record("expected the data to be rejected", sourceLocation: sourceLocation)
            return []
        } catch let error as DataLoadError {
            #expect(error.problems == loadProblems(text), sourceLocation: sourceLocation)
            return error.problems
        }
    }

    @Test func unchangedReleasesAreReadInSummaryAndDecodeInFullOnDemand() throws {
        let fresh = try DataLoader.load([source(Self.text())])
        let again = try DataLoader.load([source(Self.text())], memo: try Self.memo(of: Self.text()))
        #expect(again.summarized == [0, 1, 2])
        guard case .unchanged = again.memoUpdate else { throw MemoMissing() }
        #expect(again.releaseFingerprints == fresh.releaseFingerprints)
        #expect(again.releaseFingerprints == fresh.data.releases.map(\.fingerprint))
        // The summary agrees with the release on what ordering and the plan read.
        #expect(again.data.releases.map(ReleaseMemo.summary) == fresh.data.releases.map(ReleaseMemo.summary))
        #expect(again.data.releases[0].notes == nil)
        let full = again.materialize([0, 1, 2])
        #expect(full == [0: fresh.data.releases[0], 1: fresh.data.releases[1], 2: fresh.data.releases[2]])
        var catalog = Catalog(data: again.data)
        catalog.replaceReleases(full)
        #expect(catalog.data == fresh.data)
        #expect(again.releaseIndex == Catalog(data: fresh.data).releaseIndex)
    }

    @Test func aChangedReleaseIsDecodedAgain() throws {
        var changed = Self.releases
        changed[1] = releaseJSON("1.1.0-rc.1", #""notes": "two, edited", "assets": [{"name": "a.tgz", "size": 3}]"#)
        let loaded = try DataLoader.load([source(Self.text(changed))], memo: try Self.memo(of: Self.text()))
        #expect(loaded.summarized == [0, 2])
        // The changed release is appended to the memo; the memo with it knows every release.
        guard case .append(let added) = loaded.memoUpdate else { throw MemoMissing() }
        #expect(added.count == 1)
        let bytes = try Self.memo(of: Self.text()).encoded() + added.encoded(withHeader: false)
        let updated = try #require(ReleaseMemo(decoding: bytes))
        #expect(try DataLoader.load([source(Self.text(changed))], memo: updated).summarized == [0, 1, 2])
        #expect(loaded.data.releases[1].notes == "two, edited")
        #expect(loaded.releaseFingerprints?[1] == loaded.data.releases[1].fingerprint)
        #expect(try DataLoader.load([source(Self.text())]).releaseFingerprints?[1] != loaded.releaseFingerprints?[1])
    }

    @Test func releasesOfSeveralFilesAreFoundInTheirOwnFile() throws {
        let first = source(Self.text(), name: "a.json")
        let second = source(#"{"releases": [\#(releaseJSON("3.0.0", component: "web", #""notes": "three""#))]}"#, name: "b.json")
        let memo = try #require(ReleaseMemo(decoding: try Self.memo(of: Self.text()).encoded()))
        let loaded = try DataLoader.load([first, second], memo: memo)
        #expect(loaded.summarized == [0, 1, 2])
        #expect(loaded.data.releases[3].notes == "three")
        let full = loaded.materialize(0..<4)
        #expect(full.keys.sorted() == [0, 1, 2])
        #expect(full[1]?.notes == "two")
        #expect(full[1]?.assets.first?.size == 3)
    }

    /// White space between releases does not count: the bytes of each release do.
    @Test func movedReleasesAreStillKnown() throws {
        let moved = Self.text([Self.releases[2], Self.releases[0], Self.releases[1]], separator: " ,\t")
        let loaded = try DataLoader.load([source(moved)], memo: try Self.memo(of: Self.text()))
        #expect(loaded.summarized == [0, 1, 2])
        #expect(loaded.data.releases.map(\.version.text) == ["2.0.0", "1.0.0", "1.1.0-rc.1"])
    }

    @Test func aChangedReleaseIsValidatedAsWithoutTheMemo() throws {
        var broken = Self.releases
        broken[1] = releaseJSON("1..2", #""url": "javascript:alert(1)""#)
        let problems = try Self.problemsWithMemo(Self.text(broken))
        #expect(problems.map(\.path.description) == ["releases[1].version", "releases[1].url"])
    }

    @Test func invalidJSONInAReleaseIsReportedWhereItIs() throws {
        var broken = Self.releases
        broken[2] = #"{"component": "web", "version": "2.0.0",}"#
        let problems = try Self.problemsWithMemo(Self.text(broken))
        #expect(problems.first?.description.contains("invalid JSON at line 4") == true)
    }

    /// Releases that drew warnings are never memoised, so the warnings come on every load.
    @Test func warningsComeOnEveryLoad() throws {
        var odd = Self.releases
        odd[0] = releaseJSON("1.0.0", #""colour": "red""#)
        let memo = try Self.memo(of: Self.text(odd))
        #expect(memo.count == 2)
        let loaded = try DataLoader.load([source(Self.text(odd))], memo: memo)
        #expect(loaded.warnings.map(\.path.description) == ["releases[0].colour"])
        #expect(loaded.warnings.first?.description.hasPrefix(#"data.json: releases[0].colour: unknown key "colour""#) == true)
        #expect(loaded.summarized == [1, 2])
    }

    @Test func aMemoOfManyReleasesThatAreGoneIsWrittenAnew() throws {
        let many = (0..<100).map { releaseJSON("1.0.\($0)") }
        let loaded = try DataLoader.load([source(Self.text())], memo: try Self.memo(of: Self.text(many)))
        guard case .replace(let memo) = loaded.memoUpdate else { throw MemoMissing() }
        #expect(memo.count == 3)
    }

    @Test(arguments: [
        ("another format", Array("shiplog-release-memo 0\n".utf8) + [UInt8](repeating: 7, count: 80)),
        ("not a memo", Array("shiplog-cache 4\n".utf8)),
        ("empty", []),
    ])
    func aMemoOfAnotherFormatIsIgnored(_ name: String, _ bytes: [UInt8]) {
        #expect(ReleaseMemo(decoding: bytes) == nil)
    }

    @Test func aTruncatedMemoIsIgnored() throws {
        let bytes = try Self.memo(of: Self.text()).encoded()
        #expect(ReleaseMemo(decoding: bytes)?.count == 3)
        for length in [bytes.count - 1, bytes.count - 20, ReleaseMemo.header.count + 5] {
            #expect(ReleaseMemo(decoding: Array(bytes.prefix(length))) == nil)
        }
    }

    @Test func aMemoReadFromBytesKeepsItsReleasesAndTakesNewOnes() throws {
        let read = try Self.memo(of: Self.text())
        let fresh = try DataLoader.load([source(Self.text())])
        var versions: [String: Version] = [:]
        let digests = fresh.releaseSources.map(\.digest)
        #expect(digests.allSatisfy { read.entry(for: $0, versions: &versions) != nil })
        // One release known again under its own digest, one under a new digest: one more in all.
        var memo = read
        let entry = try #require(read.entry(for: digests[0], versions: &versions))
        memo.insert(entry, for: digests[0])
        memo.insert(entry, for: Digest(words: (1, 2)))
        #expect(memo.count == 4)
        let again = try #require(ReleaseMemo(decoding: memo.encoded()))
        #expect(again.count == 4)
        for digest in digests {
            #expect(again.entry(for: digest, versions: &versions)?.fingerprint == read.entry(for: digest, versions: &versions)?.fingerprint)
        }
        #expect(again.entry(for: Digest(words: (1, 2)), versions: &versions)?.fingerprint == entry.fingerprint)
    }
}
