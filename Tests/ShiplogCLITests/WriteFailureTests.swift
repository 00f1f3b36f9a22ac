import Foundation
import Testing

/// A build that fails while writing leaves the previous site as it was (SPEC §4: atomic builds).
@Suite("write failures")
struct WriteFailureTests {
    /// Builds the example, changes its data with `change`, and rebuilds with a directory where one
    /// page's new version must go, so that write fails after others were written. Runs `body` with
    /// the folder, the site, the blocking directory, the snapshot before and the failed build.
    func failedRebuild(
        _ change: (inout [String: Any]) throws -> Void,
        _ body: (_ tmp: URL, _ site: URL, _ blocker: URL, _ before: FileSnapshot, _ failed: RunResult) throws -> Void
    ) throws {
        try withTemporaryDirectory { tmp in
            let dataURL = tmp.appendingPathComponent("data.json")
            var data = try writeExampleObject(to: dataURL)
            try requireBuild(cwd: tmp)
            let site = tmp.appendingPathComponent("site")
            try change(&data)
            try writeJSON(data, to: dataURL)
            let blocker = site.appendingPathComponent("components/web/index.html.shiplog-new")
            try FileManager.default.createDirectory(at: blocker, withIntermediateDirectories: false)
            let before = try FileSnapshot(of: site)
            let failed = try build(cwd: tmp)
            #expect(failed.status == 74, "stdout: \(failed.stdout) stderr: \(failed.stderr)")
            #expect(failed.stderr.contains("components/web/index.html.shiplog-new"), "stderr: \(failed.stderr)")
            try body(tmp, site, blocker, before, failed)
        }
    }

    @Test("a rebuild that cannot write one file changes nothing and leaves no temporary file")
    func failedRebuildRollsBack() throws {
        // A new title changes every page.
        try failedRebuild { data in
            var page = try #require(data["page"] as? [String: Any])
            page["title"] = "Renamed releases"
            data["page"] = page
        } _: { tmp, site, blocker, before, _ in
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
        try failedRebuild { data in
            var releases = try #require(data["releases"] as? [[String: Any]])
            releases.append(["component": "web", "version": "9.9.9", "published_at": "2030-01-01T00:00:00Z", "notes": "- New"])
            data["releases"] = releases
        } _: { _, site, _, before, _ in
            let after = try FileSnapshot(of: site)
            #expect(!directoryExists(site.appendingPathComponent("components/web/9.9.9")))
            #expect(Set(after.entries.keys) == Set(before.entries.keys), "\(Set(after.entries.keys).symmetricDifference(before.entries.keys))")
            #expect(after.touchedFiles(since: before) == [])
        }
    }
}
