import Foundation
import ShiplogModel
import Testing

@testable import ShiplogSite

/// The static search index (`search.json`, `components/<slug>/search.json`).
@Suite struct SearchIndexTests {
    /// A component index decoded: releases and, per term, the positions it occurs at.
    struct Decoded {
        var releases: [[String]]
        var terms: [String: [Int]]

        init(_ text: String) throws {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            #expect(object["v"] as? Int == SearchIndex.formatVersion)
            releases = try #require(object["releases"] as? [[String]])
            let raw = try #require(object["terms"] as? [String: [Int]])
            terms = raw.mapValues { deltas in
                var at = 0
                return deltas.map { delta in
                    at += delta
                    return at
                }
            }
        }
    }

    @Test func termsAreDistinctLowercaseWordsWithoutLinkTargets() {
        let notes = """
            ### Fixed
            - Fix the `retry_timeout()` Cache cache [details](https://github.com/acme/api/pull/12) (#5451)
            - See <https://example.com/hidden> and https://example.org/also-hidden, then Überall x 2024v
            """
        #expect(
            SearchTerms.terms(of: notes) == ["fixed", "fix", "the", "retry", "timeout", "cache", "details", "see", "and", "then", "überall", "2024v"]
        )
        #expect(SearchTerms.terms(of: String(repeating: "a", count: 25) + " ok") == ["ok"])
        #expect(SearchTerms.terms(of: "ÉCOLE Naïve don’t ÆSIR ﬁx 3½") == ["école", "naïve", "don", "æsir", "ﬁx"])
    }

    @Test func manyDistinctWordsAreEachKeptOnce() {
        let words = (0..<5000).map { "w\($0)x" }
        #expect(SearchTerms.terms(of: (words + words.reversed()).joined(separator: " ")) == words)
    }

    @Test func aComponentIndexListsItsReleasesAndTheirWords() throws {
        let releases = [
            Release(component: "api", version: Version("v2.0.0"), title: "Big \"one\"", notes: "Add retry.\n\nRetry more"),
            Release(component: "api", version: Version("v1.0.0"), notes: "Fix cache"),
            Release(component: "api", version: Version("v0.9.0"), notes: "Cache retry"),
        ]
        let index = try Decoded(SearchIndex.component(releases))
        #expect(index.releases == [["v2.0.0", "Big \"one\""], ["v1.0.0"], ["v0.9.0"]])
        #expect(index.terms["retry"] == [0, 2])
        #expect(index.terms["cache"] == [1, 2])
        #expect(index.terms["big"] == [0])
        #expect(index.terms["one"] == [0])
    }

    @Test func textIsEscaped() throws {
        let title = "Quote \" backslash \\ </script><img src=x onerror=alert(1)> line\u{2028}sep \u{1} é"
        let text = SearchIndex.component([Release(component: "api", version: Version("1.0.0"), title: title, notes: "\"é\"")])
        let index = try Decoded(text)
        #expect(index.releases == [["1.0.0", title]])
        #expect(index.terms["é"] == nil)
        #expect(!text.contains("\u{1}"))
    }

    @Test func theBuildWritesTheIndexes() async throws {
        let data = try TemplateEngineTests.exampleData()
        let (plan, renderer) = try await TemplateEngineTests.builder().prepare(data)
        let paths = Dictionary(uniqueKeysWithValues: plan.outputs.map { ($0.path, $0.output) })
        let top = try #require(paths["search.json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(renderer.render(top))) as? [String: Any])
        let components = try #require(object["components"] as? [[String: String]])
        #expect(components.count == data.components.count)
        for (offset, component) in components.enumerated() {
            #expect(component["path"] == "components/\(data.components[offset].slug)/")
            let path = try #require(component["index"])
            let output = try #require(paths[path])
            let index = try Decoded(String(decoding: renderer.render(output), as: UTF8.self))
            let visible = plan.visibleReleases[offset].map { data.releases[$0] }
            #expect(index.releases.map { $0[0] } == visible.map(\.version.text))
            for (position, release) in visible.enumerated() {
                for term in SearchTerms.terms(of: release.notes ?? "") { #expect(index.terms[term]?.contains(position) == true, "\(term)") }
            }
        }
    }

    /// On a corpus of bench/gen-corpus, the indexes weigh at most 2 % of the site.
    @Test func theIndexIsSmallOnAGeneratedCorpus() async throws {
        let root = TemplateEngineTests.root
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("search-size-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: work) }
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let generate = Process()
        generate.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        generate.arguments = ["python3", root + "/bench/gen-corpus", "--releases", "2000", "--components", "10", "--out", work + "/corpus.json"]
        try generate.run()
        generate.waitUntilExit()
        try #require(generate.terminationStatus == 0)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: work + "/corpus.json")))
        let data = try DataLoader.load([DataSource(name: "corpus.json", bytes: bytes)]).data
        let site = work + "/site"
        _ = try await SiteBuilder(options: SiteOptions(output: site, templates: root + "/templates", incremental: false)).build(data)
        var total = 0
        var search = 0
        let enumerator = try #require(FileManager.default.enumerator(atPath: site))
        while let relative = enumerator.nextObject() as? String {
            let attributes = try FileManager.default.attributesOfItem(atPath: site + "/" + relative)
            guard attributes[.type] as? FileAttributeType == .typeRegular else { continue }
            let size = (attributes[.size] as? Int) ?? 0
            total += size
            if relative.hasSuffix("search.json") { search += size }
        }
        #expect(search > 0)
        #expect(Double(search) <= 0.02 * Double(total), "search \(search) of \(total) bytes")
    }
}
