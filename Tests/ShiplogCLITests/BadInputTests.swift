import Foundation
import Testing

/// One kind of invalid input (SPEC §1) and where its problem must be reported.
struct BadInput: Sendable, CustomTestStringConvertible {
    var name: String
    /// The JSON path expected after `bad.json: `, with the release it is in when it names one.
    var path: String
    /// Raw file text, for input that is not JSON at all.
    var raw: String?
    /// Otherwise, how the good fixture is broken.
    var breakData: @Sendable (inout DataFixture) -> Void = { _ in }
    /// Then, how its JSON object is broken (for changes a fixture cannot express).
    var breakObject: @Sendable (inout [String: Any]) -> Void = { _ in }

    var testDescription: String { name }

    /// Valid data: two components, three releases, a group and a deployment.
    static var good: DataFixture {
        var fixture = DataFixture()
        fixture.addComponent("api", repo: "acme/api", url: "https://github.com/acme/api")
        fixture.addComponent("web")
        fixture.addRelease("api", "v1.0.0", publishedAt: "2024-01-01T00:00:00Z", notes: "First (#1).")
        fixture.addRelease("api", "v1.1.0", publishedAt: "2024-02-01T00:00:00Z", ["url": "https://github.com/acme/api/releases/tag/v1.1.0"])
        fixture.addRelease("web", "2.0.0", publishedAt: "2024-02-02T00:00:00Z")
        fixture.groups = [["version": "2024.1", "members": ["api": "v1.1.0", "web": "2.0.0"]]]
        fixture.deployments = [["component": "api", "version": "v1.1.0", "environment": "production", "status": "success"]]
        return fixture
    }

    static let all: [BadInput] = [
        BadInput(
            name: "bad JSON",
            path: "releases[0]",
            raw:
                #"{"page": {"id": "acme", "title": "Acme"}, "components": [{"slug": "api"}], "releases": [{"component": "api", "version": "1.0.0" "published_at": "2024-01-01T00:00:00Z"}]}"#
        ),
        BadInput(name: "bad JSON: empty file", path: "$", raw: ""),
        BadInput(name: "wrong type: number for a string", path: "releases[0].title") { $0.releases[0]["title"] = 42 },
        BadInput(name: "wrong type: string for a boolean", path: "releases[1].prerelease") { $0.releases[1]["prerelease"] = "yes" },
        BadInput(name: "wrong type: object for a list", path: "components", breakObject: { $0["components"] = ["slug": "api"] }),
        BadInput(name: "missing release component", path: "releases[0].component") { $0.releases[0]["component"] = nil },
        BadInput(name: "missing published_at of a published release", path: "releases[2].published_at") {
            $0.releases[2]["published_at"] = nil
        },
        BadInput(name: "missing page title", path: "page.title") { $0.page["title"] = nil },
        BadInput(name: "bad component slug", path: "components[1].slug") { $0.components[1]["slug"] = "Web App" },
        BadInput(name: "page id ..", path: "page.id") { $0.page["id"] = ".." },
        BadInput(name: "version ../../evil", path: "releases[0].version") { $0.releases[0]["version"] = "../../evil" },
        BadInput(name: "version with a slash", path: "releases[2].version") { $0.releases[2]["version"] = "2.0/evil" },
        BadInput(name: "non-http component URL", path: "components[0].url") { $0.components[0]["url"] = "ftp://github.com/acme/api" },
        BadInput(name: "javascript: release URL", path: "releases[1].url") { $0.releases[1]["url"] = "javascript:alert(1)" },
        BadInput(name: "unknown component", path: "releases[2].component") { $0.releases[2]["component"] = "mobile" },
        BadInput(name: "group member naming an unknown release", path: "groups[0].members.api") {
            $0.groups[0]["members"] = ["api": "v9.9.9", "web": "2.0.0"]
        },
        BadInput(name: "deployment naming an unknown release", path: "deployments[0].version") { $0.deployments[0]["version"] = "v9.9.9" },
        BadInput(name: "duplicate release", path: "releases[3].version") { $0.releases.append($0.releases[0]) },
        BadInput(name: "active release that does not exist", path: "components[0].active") { $0.components[0]["active"] = "v9.9.9" },
        BadInput(name: "active release that is yanked", path: "components[0].active") {
            $0.components[0]["active"] = "v1.0.0"
            $0.releases[0]["status"] = "yanked"
        },
    ]
}

/// Invalid data is rejected whole, with `FILE: PATH: message`, status 65, and the output untouched (SPEC §1, §5).
@Suite("bad input")
struct BadInputTests {
    @Test("bad data: exit 65, FILE: PATH: on stderr, previous site and its surroundings untouched", arguments: BadInput.all)
    func rejected(_ input: BadInput) throws {
        try withTemporaryDirectory { tmp in
            try BadInput.good.write(to: tmp.appendingPathComponent("good.json"))
            try requireBuild(data: "good.json", out: "site", cwd: tmp)
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: tmp.path).sorted() == [
                    ".site.shiplog-cache", ".site.shiplog-releases", "good.json", "site",
                ]
            )

            let badURL = tmp.appendingPathComponent("bad.json")
            if let raw = input.raw {
                try Data(raw.utf8).write(to: badURL)
            } else {
                var fixture = BadInput.good
                input.breakData(&fixture)
                var object = fixture.object
                input.breakObject(&object)
                try writeJSON(object, to: badURL)
            }
            let before = try FileSnapshot(of: tmp)
            #expect(before.entries[".site.shiplog-cache"] != nil && before.entries["site/version.json"] != nil)

            let result = try build(data: "bad.json", out: "site", cwd: tmp)
            #expect(result.status == 65, "stderr: \(result.stderr)")
            #expect(result.stderr.contains("bad.json: \(input.path): "), "stderr: \(result.stderr)")
            let after = try FileSnapshot(of: tmp)
            #expect(after.changes(since: before) == [], "the failed build changed files")

            // Into a directory that does not exist yet, nothing appears at all.
            let fresh = try build(data: "bad.json", out: "fresh", cwd: tmp)
            #expect(fresh.status == 65)
            #expect(try FileSnapshot(of: tmp).changes(since: before) == [], "the failed build created files")

            let check = try run(["check", "--data", "bad.json"], cwd: tmp)
            #expect(check.status == 65)
            #expect(check.stderr.contains("bad.json: \(input.path): "), "stderr: \(check.stderr)")
            #expect(try FileSnapshot(of: tmp).changes(since: before) == [], "check wrote files")
        }
    }

    @Test("every problem of every data file is reported, each as FILE: PATH: message")
    func everyProblemReported() throws {
        try withTemporaryDirectory { tmp in
            var first = BadInput.good
            first.components[0]["url"] = "ftp://github.com/acme/api"
            first.releases = []
            first.groups = []
            first.deployments = []
            try first.write(to: tmp.appendingPathComponent("first.json"))
            let second: [String: Any] = [
                "releases": [
                    ["component": "api", "version": "../../evil", "published_at": "2024-01-01T00:00:00Z"],
                    ["component": "mobile", "version": "1.0.0", "published_at": "2024-01-01T00:00:00Z"],
                    ["component": "web", "version": "1.0.0", "published_at": "yesterday"],
                ],
                "deployments": [["component": "api", "version": "v9.9.9", "environment": "production"]],
            ]
            try writeJSON(second, to: tmp.appendingPathComponent("second.json"))

            let result = try run(["check", "--data", "first.json", "second.json"], cwd: tmp)
            #expect(result.status == 65)
            for expected in [
                "first.json: components[0].url: ", "second.json: releases[0].version: ", "second.json: releases[1].component: ",
                "second.json: releases[2].published_at: ", "second.json: deployments[0].version: ",
            ] {
                #expect(result.stderr.contains(expected), "\(expected) missing from: \(result.stderr)")
            }
        }
    }

    @Test("an --out directory that shiplog did not build is refused and left alone")
    func foreignOutputDirectory() throws {
        try withExampleData { tmp in
            let mine = tmp.appendingPathComponent("mine")
            try FileManager.default.createDirectory(at: mine, withIntermediateDirectories: true)
            try Data("precious\n".utf8).write(to: mine.appendingPathComponent("notes.txt"))
            let before = try FileSnapshot(of: tmp)

            for out in ["mine", "."] {
                let result = try build(out: out, cwd: tmp)
                #expect(result.status != 0, "--out \(out) was replaced")
                #expect(!result.stderr.isEmpty)
            }
            #expect(try FileSnapshot(of: tmp).changes(since: before) == [])
        }
    }

    @Test("check: 0 on good data, nothing written")
    func checkGoodData() throws {
        try withExampleData { tmp in
            let result = try run(["check", "--data", "data.json"], cwd: tmp)
            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(result.stderr == "")
            #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path) == ["data.json"])
        }
    }

    @Test("a missing data file is an I/O error (74) and leaves the site alone")
    func missingDataFile() throws {
        try withTemporaryDirectory { tmp in
            try BadInput.good.write(to: tmp.appendingPathComponent("good.json"))
            #expect(try build(data: "good.json", out: "site", cwd: tmp).status == 0)
            let before = try FileSnapshot(of: tmp)

            let result = try build(data: "missing.json", out: "site", cwd: tmp)
            #expect(result.status == 74)
            #expect(result.stderr.contains("missing.json"))
            #expect(try FileSnapshot(of: tmp).changes(since: before) == [])
            #expect(try run(["check", "--data", "missing.json"], cwd: tmp).status == 74)
        }
    }

    @Test(
        "usage errors exit 64",
        arguments: [
            ["build", "--data", "good.json", "--out", "site", "--frobnicate"],
            ["build", "--data", "good.json"],
            ["check", "--data", "good.json", "--bogus"],
            ["frobnicate"],
        ]
    )
    func usageErrors(_ args: [String]) throws {
        try withTemporaryDirectory { tmp in
            try BadInput.good.write(to: tmp.appendingPathComponent("good.json"))
            let result = try run(args, cwd: tmp)
            #expect(result.status == 64, "stderr: \(result.stderr)")
            #expect(!result.stderr.isEmpty)
            #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path) == ["good.json"])
        }
    }

    @Test("check without --data is a usage error of check, with check's usage")
    func checkWithoutData() throws {
        try withTemporaryDirectory { tmp in
            let result = try run(["check"], cwd: tmp)
            #expect(result.status == 64, "stderr: \(result.stderr)")
            #expect(result.stderr.contains("Give at least one --data FILE."), "stderr: \(result.stderr)")
            #expect(result.stderr.contains("Usage: shiplog check"), "stderr: \(result.stderr)")
        }
    }

    @Test("--help exits 0", arguments: [["--help"], ["build", "--help"], ["check", "--help"]])
    func help(_ args: [String]) throws {
        try withTemporaryDirectory { tmp in
            let result = try run(args, cwd: tmp)
            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(result.stdout.uppercased().contains("USAGE"))
            if args.first == "build" {
                #expect(result.stdout.contains("--out"))
                #expect(result.stdout.contains("--templates"))
                #expect(result.stdout.contains("--drafts"))
            }
            if args.first == "--help" {
                #expect(result.stdout.contains("build") && result.stdout.contains("check"))
            }
        }
    }

    @Test("an unknown key is a warning naming its path, not an error")
    func unknownKeyWarns() throws {
        try withTemporaryDirectory { tmp in
            var fixture = BadInput.good
            fixture.releases[1]["notse"] = "typo"
            fixture.page["colour"] = "blue"
            try fixture.write(to: tmp.appendingPathComponent("typo.json"))

            let check = try run(["check", "--data", "typo.json"], cwd: tmp)
            #expect(check.status == 0, "stderr: \(check.stderr)")
            #expect(check.stderr.contains("typo.json: releases[1].notse"), "stderr: \(check.stderr)")
            #expect(check.stderr.contains("typo.json: page.colour"), "stderr: \(check.stderr)")
            #expect(check.stderr.lowercased().contains("warning"))

            let result = try build(data: "typo.json", out: "site", cwd: tmp)
            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(result.stderr.contains("typo.json: releases[1].notse"), "stderr: \(result.stderr)")
            #expect(fileExists(tmp.appendingPathComponent("site/index.html")))
        }
    }
}
