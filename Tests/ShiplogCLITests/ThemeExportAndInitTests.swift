import Foundation
import Testing

/// `shiplog theme export DIR` and `shiplog init DIR`.
@Suite struct ThemeExportAndInitTests {
    /// Every regular file below `directory`, by relative path.
    private func files(in directory: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = try #require(FileManager.default.enumerator(atPath: directory.path))
        while let relative = enumerator.nextObject() as? String {
            let url = directory.appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[relative] = try Data(contentsOf: url)
            }
        }
        return files
    }

    @Test func anExportedThemeIsTheDefaultOneAndACompleteThemeOnItsOwn() throws {
        try withTemporaryDirectory { tmp in
            let export = try run(["theme", "export", "mytheme"], cwd: tmp)
            #expect(export.status == 0, "\(export.stderr)")
            let exported = try files(in: tmp.appendingPathComponent("mytheme"))
            let repository = try files(in: packageRoot.appendingPathComponent("templates")).filter { !$0.key.hasPrefix(".") }
            #expect(exported == repository, "theme export must write the templates/ folder as it was embedded")
            try FileManager.default.copyItem(at: exampleData, to: tmp.appendingPathComponent("data.json"))
            #expect(try run(["build", "--data", "data.json", "--out", "default"], cwd: tmp).status == 0)
            #expect(try run(["build", "--data", "data.json", "--out", "custom", "--templates", "mytheme"], cwd: tmp).status == 0)
            let normal = try files(in: tmp.appendingPathComponent("default"))
            let custom = try files(in: tmp.appendingPathComponent("custom"))
            #expect(normal.keys.sorted() == custom.keys.sorted())
            #expect(normal == custom, "the exported theme renders the same site as the default one")
        }
    }

    @Test func exportRefusesADirectoryWithFilesUnlessForced() throws {
        try withTemporaryDirectory { tmp in
            let target = tmp.appendingPathComponent("theme")
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            try "mine".write(to: target.appendingPathComponent("layout.mustache"), atomically: true, encoding: .utf8)
            let refused = try run(["theme", "export", "theme"], cwd: tmp)
            #expect(refused.status == 74)
            #expect(refused.stderr.contains("theme: the directory is not empty"))
            #expect(try String(contentsOf: target.appendingPathComponent("layout.mustache"), encoding: .utf8) == "mine")
            #expect(!FileManager.default.fileExists(atPath: target.appendingPathComponent("index.mustache").path))
            #expect(try run(["theme", "export", "theme", "--force"], cwd: tmp).status == 0)
            #expect(try String(contentsOf: target.appendingPathComponent("layout.mustache"), encoding: .utf8) != "mine")
            #expect(FileManager.default.fileExists(atPath: target.appendingPathComponent("assets/style.css").path))
        }
    }

    @Test func initStartsAPageThatBuildsAtOnce() throws {
        try withTemporaryDirectory { tmp in
            let started = try run(["init", "Acme Cloud"], cwd: tmp)
            #expect(started.status == 0, "\(started.stderr)")
            let root = tmp.appendingPathComponent("Acme Cloud")
            let workflow = try String(contentsOf: root.appendingPathComponent(".github/workflows/release-page.yml"), encoding: .utf8)
            #expect(workflow.contains("shiplog build --data releases.json --out public"))
            #expect(workflow.contains("actions/deploy-pages"))
            let check = try run(["check", "--data", "releases.json"], cwd: root)
            #expect(check.status == 0 && check.stderr.isEmpty, "the starter data must be valid without warnings: \(check.stderr)")
            #expect(try run(["build", "--data", "Acme Cloud/releases.json", "--out", "public"], cwd: tmp).status == 0)
            let index = try String(contentsOf: tmp.appendingPathComponent("public/index.html"), encoding: .utf8)
            #expect(index.contains("Acme Cloud releases"))
            let version = try String(contentsOf: tmp.appendingPathComponent("public/version.json"), encoding: .utf8)
            #expect(version.contains("v0.1.0"))
        }
    }

    @Test func initNeverOverwrites() throws {
        try withTemporaryDirectory { tmp in
            try "{}".write(to: tmp.appendingPathComponent("releases.json"), atomically: true, encoding: .utf8)
            let refused = try run(["init", "."], cwd: tmp)
            #expect(refused.status == 74)
            #expect(refused.stderr.contains("releases.json: exists already; nothing was written"))
            #expect(try String(contentsOf: tmp.appendingPathComponent("releases.json"), encoding: .utf8) == "{}")
            #expect(!FileManager.default.fileExists(atPath: tmp.appendingPathComponent(".github").path), "nothing is written when one file exists")
        }
    }

    @Test func initChecksTheGivenPageID() throws {
        try withTemporaryDirectory { tmp in
            let refused = try run(["init", "site", "--id", "Bad Id"], cwd: tmp)
            #expect(refused.status == 64)
            #expect(refused.stderr.contains("--id"))
        }
    }
}
