import Foundation
import Testing

/// Same input, same bytes; a rebuild writes only what changed and removes what went away (SPEC §4).
@Suite("reproducible and incremental builds")
struct ReproducibleAndIncrementalTests {
    /// Enough for modification times to tell two builds apart on any file system.
    static let pause = Duration.milliseconds(1100)

    @Test("two builds of the same data into different directories are byte-identical")
    func reproducible() async throws {
        let tmp = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(tmp) }
        try copyExampleData(to: tmp)
        try FileManager.default.createDirectory(at: tmp.appendingPathComponent("nested"), withIntermediateDirectories: true)
        #expect(try build(out: "first", cwd: tmp).status == 0)
        try await Task.sleep(for: Self.pause)  // nothing may depend on the time of the build
        #expect(try build(data: "../data.json", out: "second", cwd: tmp.appendingPathComponent("nested")).status == 0)

        let first = tmp.appendingPathComponent("first")
        let second = tmp.appendingPathComponent("nested/second")
        #expect(try regularFiles(under: first).count > 40)
        #expect(try differingFiles(first, second) == [])
    }

    @Test("a rebuild with unchanged data rewrites no file")
    func unchangedRebuildWritesNothing() async throws {
        let tmp = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(tmp) }
        try copyExampleData(to: tmp)
        let site = tmp.appendingPathComponent("site")
        try requireBuild(cwd: tmp)
        let before = try FileSnapshot(of: site)

        try await Task.sleep(for: Self.pause)
        let second = try requireBuild(cwd: tmp)
        #expect(second.stdout.contains("wrote 0"), "stdout: \(second.stdout)")
        let after = try FileSnapshot(of: site)
        #expect(after.changes(since: before) == [])
    }

    @Test("changing one release's notes rewrites its page and the summaries, not another component's pages")
    func changedNotesRewriteOnlyRelatedFiles() async throws {
        let tmp = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(tmp) }
        let dataURL = tmp.appendingPathComponent("data.json")
        var data = try writeExampleObject(to: dataURL)
        let site = tmp.appendingPathComponent("site")
        try requireBuild(cwd: tmp)
        let changedPage = site.appendingPathComponent("components/cli/v1.0.0/index.html")
        let oldPage = try readText(changedPage)
        let before = try FileSnapshot(of: site)

        var releases = try #require(data["releases"] as? [[String: Any]])
        let index = try #require(releases.firstIndex { $0["component"] as? String == "cli" && $0["version"] as? String == "v1.0.0" })
        releases[index]["notes"] = "### Fixed\n- A brand-new marker sentence for the incremental test (#99)\n"
        data["releases"] = releases
        try writeJSON(data, to: dataURL)

        try await Task.sleep(for: Self.pause)
        let second = try requireBuild(cwd: tmp)
        #expect(!second.stdout.contains("wrote 0"), "stdout: \(second.stdout)")
        let newPage = try readText(changedPage)
        #expect(newPage != oldPage)
        #expect(newPage.contains("A brand-new marker sentence"))
        #expect(!newPage.contains("nimbus export"))

        let after = try FileSnapshot(of: site)
        let touched = after.touchedFiles(since: before)
        #expect(touched.contains("components/cli/v1.0.0/index.html"))
        // A release page of another component, and everything of other components, stay as they were.
        #expect(
            try modificationDate(site.appendingPathComponent("components/api/v1.8.0/index.html"))
                == before.entries["components/api/v1.8.0/index.html"]?.modified
        )
        let summaries: Set = ["index.html", "version.json", "feed.json", "atom.xml", "sitemap.xml"]
        let unexpected = touched.filter { !$0.hasPrefix("components/cli/") && !$0.hasPrefix("groups/") && !summaries.contains($0) }
        #expect(unexpected == [], "files unrelated to cli v1.0.0 were rewritten")
        #expect(Set(after.entries.keys) == Set(before.entries.keys))
    }

    @Test("removing a release from the data removes its page on rebuild")
    func removedReleaseLosesItsPage() throws {
        try withTemporaryDirectory { tmp in
            let dataURL = tmp.appendingPathComponent("data.json")
            var data = try writeExampleObject(to: dataURL)
            let site = tmp.appendingPathComponent("site")
            #expect(try build(cwd: tmp).status == 0)
            let page = site.appendingPathComponent("components/cli/v0.9.0/index.html")
            try #require(fileExists(page))

            var releases = try #require(data["releases"] as? [[String: Any]])
            releases.removeAll { $0["component"] as? String == "cli" && $0["version"] as? String == "v0.9.0" }
            data["releases"] = releases
            try writeJSON(data, to: dataURL)
            let second = try requireBuild(cwd: tmp)

            #expect(!fileExists(page))
            #expect(!directoryExists(page.deletingLastPathComponent()), "the empty version directory is left behind")
            #expect(try !readText(site.appendingPathComponent("sitemap.xml")).contains("v0.9.0"))
            #expect(try !readText(site.appendingPathComponent("components/cli/index.html")).contains("v0.9.0"))
            #expect(try !feedItemURLs(site.appendingPathComponent("feed.json")).contains { $0.contains("/cli/v0.9.0/") })
            #expect(second.stdout.contains("removed 1"), "stdout: \(second.stdout)")

            // The incremental result is what a fresh build of the new data gives.
            #expect(try build(out: "fresh", cwd: tmp).status == 0)
            #expect(try differingFiles(site, tmp.appendingPathComponent("fresh")) == [])
        }
    }

    @Test("rebuilds back and forth between two versions of the data each equal a fresh build")
    func backAndForth() throws {
        try withTemporaryDirectory { tmp in
            let original = try exampleObject()
            var changed = original
            try #require(DataChange.all.first { $0.testDescription == "retitle a release" }).apply(&changed)
            for (round, data) in [original, changed, original, changed].enumerated() {
                try writeJSON(data, to: tmp.appendingPathComponent("data.json"))
                try requireBuild(cwd: tmp)
                let fresh = "fresh\(round)"
                #expect(try build(out: fresh, cwd: tmp).status == 0)
                #expect(try differingFiles(tmp.appendingPathComponent("site"), tmp.appendingPathComponent(fresh)) == [], "round \(round)")
            }
            // What the rebuilds appended to the cache describes the site: nothing is left to write.
            #expect(try build(cwd: tmp).stdout.contains("rendered 0, wrote 0"))
        }
    }

    @Test(
        "a memo of releases that is damaged or of another version is ignored",
        arguments: [Array("shiplog-release-memo 1\n".utf8) + [1, 2, 3], Array("shiplog-release-memo 0\n".utf8), Array("junk".utf8)]
    )
    func damagedMemoIsIgnored(_ memo: [UInt8]) throws {
        let change = try #require(DataChange.all.first { $0.testDescription == "retitle a release" })
        try rebuildEqualsFresh(after: change) { tmp in
            let memoURL = tmp.appendingPathComponent(".site.shiplog-releases")
            #expect(fileExists(memoURL))
            try Data(memo).write(to: memoURL)
        }
    }

    @Test("an incremental rebuild after a data change equals a fresh build", arguments: DataChange.all)
    func incrementalEqualsFresh(_ change: DataChange) throws {
        try rebuildEqualsFresh(after: change)
    }

    /// Builds the example, lets `meddle` touch the folder, applies `change`, rebuilds, and compares with a fresh build.
    private func rebuildEqualsFresh(after change: DataChange, meddle: (URL) throws -> Void = { _ in }) throws {
        try withTemporaryDirectory { tmp in
            let dataURL = tmp.appendingPathComponent("data.json")
            var data = try writeExampleObject(to: dataURL)
            #expect(try build(cwd: tmp).status == 0)
            let before = try FileSnapshot(of: tmp.appendingPathComponent("site"))
            try meddle(tmp)
            change.apply(&data)
            try writeJSON(data, to: dataURL)

            try requireBuild(cwd: tmp)
            #expect(try FileSnapshot(of: tmp.appendingPathComponent("site")).changes(since: before) != [], "nothing changed")
            try requireBuild(out: "fresh", cwd: tmp)
            #expect(try differingFiles(tmp.appendingPathComponent("site"), tmp.appendingPathComponent("fresh")) == [])
        }
    }

    @Test("a rebuild repairs files deleted or changed in the output since the last build")
    func rebuildRepairsTamperedOutput() throws {
        try withExampleData { tmp in
            #expect(try build(out: "fresh", cwd: tmp).status == 0)
            #expect(try build(cwd: tmp).status == 0)
            let site = tmp.appendingPathComponent("site")
            try FileManager.default.removeItem(at: site.appendingPathComponent("components/api/v1.8.0/index.html"))
            try Data("tampered\n".utf8).write(to: site.appendingPathComponent("components/web/3.4.0/index.html"))
            try FileManager.default.removeItem(at: site.appendingPathComponent("components/cli/latest.json"))

            try requireBuild(cwd: tmp)
            // Same input, same output: the site is again exactly what a fresh build makes.
            #expect(try differingFiles(site, tmp.appendingPathComponent("fresh")) == [], "the rebuild left these files missing or different")
        }
    }
}

/// A change to the example data, for the incremental build tests.
struct DataChange: Sendable, CustomTestStringConvertible {
    var testDescription: String
    var apply: @Sendable (inout [String: Any]) -> Void

    /// Changes the element of `key` (an array of objects) whose `field` is `value`.
    static func element(
        _ key: String,
        where field: String,
        is value: String,
        _ body: @escaping @Sendable (inout [String: Any]) -> Void
    )
        -> @Sendable (inout [String: Any]) -> Void
    {
        { data in
            var list = data[key] as? [[String: Any]] ?? []
            for index in list.indices where list[index][field] as? String == value { body(&list[index]) }
            data[key] = list
        }
    }

    static func release(
        _ component: String,
        _ version: String,
        _ body: @escaping @Sendable (inout [String: Any]) -> Void
    )
        -> @Sendable (inout [String: Any]) -> Void
    {
        element("releases", where: "version", is: version) { release in
            if release["component"] as? String == component { body(&release) }
        }
    }

    static let all: [DataChange] = [
        DataChange(testDescription: "rename a component", apply: element("components", where: "slug", is: "web") { $0["name"] = "Nimbus Web App" }),
        DataChange(
            testDescription: "change the page title",
            apply: { data in
                var page = data["page"] as? [String: Any] ?? [:]
                page["title"] = "Nimbus changelog"
                data["page"] = page
            }
        ),
        DataChange(testDescription: "yank the latest api release", apply: release("api", "v1.10.2") { $0["status"] = "yanked" }),
        DataChange(
            testDescription: "publish the draft",
            apply: release("web", "3.8.0") { release in
                release["status"] = "published"
                release["published_at"] = "2026-06-01T09:00:00Z"
            }
        ),
        DataChange(testDescription: "retitle a release", apply: release("desktop", "1.1.0") { $0["title"] = "Attachments, tray menu and more" }),
        DataChange(testDescription: "retitle a group", apply: element("groups", where: "version", is: "2026.1") { $0["title"] = "Nimbus 2026.1" }),
        DataChange(
            testDescription: "add a deployment",
            apply: { data in
                var deployments = data["deployments"] as? [[String: Any]] ?? []
                deployments.append([
                    "component": "cli", "version": "v1.1.0", "environment": "production", "status": "success",
                    "started_at": "2026-03-11T10:00:00Z",
                ])
                data["deployments"] = deployments
            }
        ),
        DataChange(testDescription: "rename a customer site", apply: element("sites", where: "slug", is: "initech") { $0["name"] = "Initech" }),
    ]
}
