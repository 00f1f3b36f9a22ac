import Foundation
import Testing

/// `shiplog convert` through the binary: data on stdout that `shiplog check` takes, problems on
/// stderr with exit 65 and nothing on stdout.
@Suite struct ConvertTests {
    @Test func changelogOutputPassesCheck() throws {
        try withTemporaryDirectory { tmp in
            try "## [1.0.0] - 2020-01-01\n\n- First ([#1])\n\n[#1]: https://github.com/acme/api/pull/1\n".write(
                to: tmp.appendingPathComponent("CHANGELOG.md"),
                atomically: true,
                encoding: .utf8
            )
            let result = try run(["convert", "changelog", "CHANGELOG.md", "--component", "api", "--repo", "acme/api"], cwd: tmp)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr == "")
            try result.stdout.write(to: tmp.appendingPathComponent("data.json"), atomically: true, encoding: .utf8)
            let check = try run(["check", "--data", "data.json"], cwd: tmp)
            #expect(check.status == 0, "\(check.stderr)")
            let object = try readJSONObject(tmp.appendingPathComponent("data.json"))
            #expect((object["page"] as? [String: Any])?["id"] as? String == "api")
            #expect((object["page"] as? [String: Any])?["title"] as? String == "api releases")
            let component = try #require((object["components"] as? [[String: Any]])?.first)
            #expect(component["url"] as? String == "https://github.com/acme/api")
        }
    }

    @Test func changelogProblemsExit65WithNothingOnStdout() throws {
        try withTemporaryDirectory { tmp in
            try "## 1.0.0\n\n- a\n\n## 1.0.0 - 2020-01-01\n".write(to: tmp.appendingPathComponent("CHANGES.md"), atomically: true, encoding: .utf8)
            let result = try run(["convert", "changelog", "CHANGES.md", "--component", "api"], cwd: tmp)
            #expect(result.status == 65)
            #expect(result.stdout == "")
            #expect(result.stderr.contains("CHANGES.md:1: release 1.0.0 has no date"))
            #expect(result.stderr.contains("CHANGES.md:5: version 1.0.0 is given twice (first at line 1); keep one"))
            #expect(result.stderr.hasSuffix("2 problems found; nothing was written.\n"))
        }
    }

    /// `-` reads the changelog from stdin, as `convert github -` does; problems name it `stdin`.
    @Test func changelogFromStandardInput() throws {
        try withTemporaryDirectory { tmp in
            let arguments = ["convert", "changelog", "-", "--component", "api", "--repo", "acme/api"]
            let result = try run(arguments, cwd: tmp, input: "## [1.0.0] - 2020-01-01\n\n- [Guide](docs/guide.md), [this](#100---2020-01-01)\n")
            #expect(result.status == 0, "\(result.stderr)")
            // Read from stdin, the changelog counts as the repository's CHANGELOG.md.
            let tree = "https://github.com/acme/api/blob/HEAD/"
            #expect(result.stdout.contains("[Guide](\(tree)docs/guide.md), [this](\(tree)CHANGELOG.md#100---2020-01-01)"), "\(result.stdout)")
            let bad = try run(arguments, cwd: tmp, input: "## 1.0.0\n\n- a\n")
            #expect(bad.status == 65)
            #expect(bad.stderr.hasPrefix("stdin:1: release 1.0.0 has no date"), "\(bad.stderr)")
        }
    }

    @Test func badOptionsAreUsageErrors() throws {
        try withTemporaryDirectory { tmp in
            try "## 1.0.0 - 2020-01-01\n".write(to: tmp.appendingPathComponent("CHANGELOG.md"), atomically: true, encoding: .utf8)
            let result = try run(["convert", "changelog", "CHANGELOG.md", "--component", "Bad Slug", "--repo", "nope"], cwd: tmp)
            #expect(result.status == 64)
            #expect(result.stderr.contains("--component: \"Bad Slug\" is not a valid slug"))
            #expect(result.stderr.contains("--repo: \"nope\" is not OWNER/NAME"))
            let query = try run(
                ["convert", "changelog", "CHANGELOG.md", "--component", "api", "--url", "https://git.example/acme/api?tab=1"],
                cwd: tmp
            )
            #expect(query.status == 64)
            #expect(query.stdout == "")
            #expect(query.stderr.contains("--url: \"https://git.example/acme/api?tab=1\" is not a base URL: relative links are appended"))
            let missing = try run(["convert", "changelog", "missing.md", "--component", "api"], cwd: tmp)
            #expect(missing.status == 74)
            #expect(missing.stderr.contains("missing.md: cannot read the file (no such file)"))
        }
    }

    @Test func githubPages() throws {
        try withTemporaryDirectory { tmp in
            let page1 =
                #"[{"tag_name": "v1.1.0", "name": "One one", "draft": false, "prerelease": false, "published_at": "2021-02-01T10:00:00Z", "html_url": "https://github.com/acme/api/releases/tag/v1.1.0", "body": "- b"}]"#
            let page2 =
                #"[{"tag_name": "v1.0.0", "draft": false, "prerelease": false, "published_at": "2021-01-01T10:00:00Z", "html_url": "https://github.com/acme/api/releases/tag/v1.0.0", "body": "- a"}]"#
            try (page1 + page2).write(to: tmp.appendingPathComponent("releases.json"), atomically: true, encoding: .utf8)
            let result = try run(["convert", "github", "releases.json", "--component", "api"], cwd: tmp)
            #expect(result.status == 0, "\(result.stderr)")
            try result.stdout.write(to: tmp.appendingPathComponent("data.json"), atomically: true, encoding: .utf8)
            #expect(try run(["check", "--data", "data.json"], cwd: tmp).status == 0)
            let object = try readJSONObject(tmp.appendingPathComponent("data.json"))
            #expect((object["releases"] as? [[String: Any]])?.map { $0["version"] as? String } == ["v1.1.0", "v1.0.0"])
            // The repository comes from the releases' URLs.
            #expect((object["components"] as? [[String: Any]])?.first?["repo"] as? String == "acme/api")
        }
    }

    @Test func checkWarnsButPasses() throws {
        try withTemporaryDirectory { tmp in
            var data = DataFixture()
            data.addComponent("api")
            data.addRelease("api", "v1.0.0-rc9", publishedAt: "2020-01-01T00:00:00Z")
            data.addRelease("api", "1.0.0-rc10", publishedAt: "2020-01-02T00:00:00Z")
            try data.write(to: tmp.appendingPathComponent("data.json"))
            let result = try run(["check", "--data", "data.json"], cwd: tmp)
            #expect(result.status == 0)
            #expect(result.stderr.contains("warning: api: mixed version prefixes"))
            #expect(result.stderr.contains("warning: api: v1.0.0-rc9 and 1.0.0-rc10 order by number here"))
        }
    }

    /// A monorepo's `packages/cli/CHANGELOG.md`: its relative links resolve from its own folder in the
    /// repository (found by the `.git` above it), not from the repository's root.
    @Test func relativeLinksFromTheChangelogsFolderInItsRepository() throws {
        try withTemporaryDirectory { tmp in
            let package = tmp.appendingPathComponent("repo/packages/cli")
            try FileManager.default.createDirectory(at: package, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: tmp.appendingPathComponent("repo/.git"), withIntermediateDirectories: true)
            let text = "## 1.0.0 - 2020-01-01\n\n- [Guide](docs/guide.md), [license](../../LICENSE), [here](#100---2020-01-01)\n"
            try text.write(to: package.appendingPathComponent("CHANGELOG.md"), atomically: true, encoding: .utf8)
            let result = try run(["convert", "changelog", "repo/packages/cli/CHANGELOG.md", "--component", "cli", "--repo", "acme/mono"], cwd: tmp)
            #expect(result.status == 0, "\(result.stderr)")
            let tree = "https://github.com/acme/mono/blob/HEAD/"
            #expect(
                result.stdout.contains(
                    "[Guide](\(tree)packages/cli/docs/guide.md), [license](\(tree)LICENSE), [here](\(tree)packages/cli/CHANGELOG.md#100---2020-01-01)"
                ),
                "\(result.stdout)"
            )
        }
    }

    /// No progress line when stderr is a file; one when it is a terminal (under `script`).
    @Test func progressOnlyOnATerminal() throws {
        try withTemporaryDirectory { tmp in
            var text = ""
            for index in (0..<1500).reversed() { text += "## 1.\(index).0 - 2020-01-01\n\n- change \(index)\n\n" }
            try text.write(to: tmp.appendingPathComponent("CHANGELOG.md"), atomically: true, encoding: .utf8)
            let plain = try run(["convert", "changelog", "CHANGELOG.md", "--component", "api"], cwd: tmp)
            #expect(plain.status == 0)
            #expect(plain.stderr == "")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
            process.arguments = ["-qefc", "'\(shiplogBinary.path)' convert changelog CHANGELOG.md --component api >/dev/null", "/dev/null"]
            process.currentDirectoryURL = tmp
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            #expect(output.contains("converting: 1024/1500 releases"))
        }
    }
}
