import Foundation
import ShiplogModel
import Testing

@testable import ShiplogSite

/// The build cache is written in the order the next build looks its files up (the plan's), and
/// reads back the same whatever the order.
@Suite struct BuildCacheOrderTests {
    @Test func savedInTheOrderGivenThenTheRestAndReadBackAlike() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("cache-order-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: work) }
        let output = work + "/site"
        try FileManager.default.createDirectory(atPath: output + "/a", withIntermediateDirectories: true)
        var entries: [String: BuildCache.Entry] = [:]
        for (number, path) in ["a/one.html", "a/two.html", "index.html", "gone.html"].enumerated() {
            var fingerprint = Fingerprint("test")
            fingerprint.add(number)
            if path != "gone.html" { #expect(FileManager.default.createFile(atPath: output + "/" + path, contents: Data([UInt8(number)]))) }
            let stamp = try #require(FileSystem.stamp(output + "/" + path) ?? (path == "gone.html" ? FileStamp(size: 0, modified: 0) : nil))
            entries[path] = BuildCache.Entry(key: fingerprint.finalize(), stamp: stamp)
        }
        try BuildCache.save(entries, inOrderOf: ["index.html", "a/two.html", "a/one.html"], forOutput: output)
        let text = try String(contentsOfFile: BuildCache.path(forOutput: output), encoding: .utf8)
        let paths = text.split(separator: "\n").dropFirst().map { $0.split(separator: "\t").last.map(String.init) ?? "" }
        #expect(paths == ["index.html", "a/two.html", "a/one.html", "gone.html"])
        let cache = try #require(await BuildCache.load(forOutput: output))
        // The missing file is not vouched for; the others are, with their keys.
        #expect(cache.count == 3)
        for path in ["index.html", "a/two.html", "a/one.html"] { #expect(cache.entry(for: path)?.key == entries[path]?.key) }
        #expect(cache.entry(for: "gone.html") == nil)
    }
}
