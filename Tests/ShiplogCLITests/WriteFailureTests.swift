import Foundation
import Testing

/// A build that fails while writing leaves the previous site as it was (SPEC §4: atomic builds).
@Suite("write failures")
struct WriteFailureTests {
    @Test("a rebuild that cannot write one file changes nothing and leaves no temporary file")
    func failedRebuildRollsBack() throws {
        try withTemporaryDirectory { tmp in
            let dataURL = tmp.appendingPathComponent("data.json")
            var data = try writeExampleObject(to: dataURL)
            try requireBuild(cwd: tmp)
            let site = tmp.appendingPathComponent("site")

            // A new title changes every page; a directory where one page's new version must go
            // makes that write fail after others have been written.
            var page = try #require(data["page"] as? [String: Any])
            page["title"] = "Renamed releases"
            data["page"] = page
            try writeJSON(data, to: dataURL)
            let blocker = site.appendingPathComponent("components/web/index.html.shiplog-new")
            try FileManager.default.createDirectory(at: blocker, withIntermediateDirectories: false)
            let before = try FileSnapshot(of: site)

            let second = try build(cwd: tmp)
            #expect(second.status == 74, "stdout: \(second.stdout) stderr: \(second.stderr)")
            #expect(second.stderr.contains("components/web/index.html.shiplog-new"), "stderr: \(second.stderr)")
            // Every file keeps its bytes and modification time, and no path comes or goes (folders
            // that held a temporary file for a moment have a new modification time, nothing else).
            let after = try FileSnapshot(of: site)
            #expect(after.touchedFiles(since: before) == [])
            #expect(Set(after.entries.keys) == Set(before.entries.keys))
            #expect(try readText(site.appendingPathComponent("index.html")).contains("Nimbus releases"))

            // Once the obstacle is gone, the same build goes through.
            try FileManager.default.removeItem(at: blocker)
            let third = try build(cwd: tmp)
            #expect(third.status == 0, "stderr: \(third.stderr)")
            #expect(try readText(site.appendingPathComponent("index.html")).contains("Renamed releases"))
            #expect(try regularFiles(under: site).allSatisfy { !$0.hasSuffix(".shiplog-new") })
        }
    }

    @Test("a failed rebuild that added a release leaves no folder of it behind")
    func failedRebuildRemovesNewFolders() throws {
        try withTemporaryDirectory { tmp in
            let dataURL = tmp.appendingPathComponent("data.json")
            var data = try writeExampleObject(to: dataURL)
            try requireBuild(cwd: tmp)
            let site = tmp.appendingPathComponent("site")

            var releases = try #require(data["releases"] as? [[String: Any]])
            releases.append(["component": "web", "version": "9.9.9", "published_at": "2030-01-01T00:00:00Z", "notes": "- New"])
            data["releases"] = releases
            try writeJSON(data, to: dataURL)
            let blocker = site.appendingPathComponent("components/web/index.html.shiplog-new")
            try FileManager.default.createDirectory(at: blocker, withIntermediateDirectories: false)
            let before = try FileSnapshot(of: site)

            let failed = try build(cwd: tmp)
            #expect(failed.status == 74, "stderr: \(failed.stderr)")
            let after = try FileSnapshot(of: site)
            #expect(!directoryExists(site.appendingPathComponent("components/web/9.9.9")))
            #expect(Set(after.entries.keys) == Set(before.entries.keys), "\(Set(after.entries.keys).symmetricDifference(before.entries.keys))")
            #expect(after.touchedFiles(since: before) == [])
        }
    }
}
