import Foundation
import Testing

/// Output that cannot be written is an I/O error (exit 74, SPEC §5) said on stderr, never a crash;
/// and `export -o` writes where a link points instead of replacing the link.
@Suite("standard output")
struct StandardOutputTests {
    /// Runs `shiplog ARGS…` in `cwd` with its standard output on `/dev/full`, where every write
    /// fails with ENOSPC.
    func runIntoFullDevice(_ args: [String], cwd: URL) throws -> RunResult {
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"), "this test needs Linux's /dev/full")
        defer { try? full.close() }
        return try run(args, cwd: cwd, stdout: full)
    }

    @Test(
        "a full standard output is exit 74 with one line saying so",
        arguments: [
            ["check", "--data", "data.json"],
            ["build", "--data", "data.json", "--out", "site"],
            ["export", "--db", "s.db"],
            ["convert", "github", "gh.json", "--component", "api"],
        ]
    )
    func fullOutput(args: [String]) throws {
        try withExampleData { tmp in
            #expect(try run(["import", "--db", "s.db", "data.json"], cwd: tmp).status == 0)
            try Data(#"[{"tag_name": "v1.0.0", "published_at": "2024-01-02T03:04:05Z", "body": "- Fixed"}]"#.utf8)
                .write(to: tmp.appendingPathComponent("gh.json"))
            let result = try runIntoFullDevice(args, cwd: tmp)
            #expect(result.status == 74, "stderr: \(result.stderr)")
            #expect(result.stderr.contains("cannot write to standard output"), "stderr: \(result.stderr)")
            #expect(!result.stderr.contains("Fatal error"), "stderr: \(result.stderr)")
        }
    }

    @Test("a key that cannot be shown is revoked again, so no live key is left that nobody saw")
    func unseenKeyIsRevoked() throws {
        try withTemporaryDirectory { tmp in
            let result = try runIntoFullDevice(["keys", "create", "--db", "s.db", "--page", "acme", "--scope", "admin", "--create-page"], cwd: tmp)
            #expect(result.status == 74, "stderr: \(result.stderr)")
            #expect(result.stderr.contains("revoked"), "stderr: \(result.stderr)")
            let rows = try run(["keys", "list", "--db", "s.db"], cwd: tmp).stdout.split(separator: "\n").dropFirst()
            #expect(rows.count == 1)
            // The last column is the revocation time; "-" would mean the key is live.
            #expect(rows.allSatisfy { $0.split(separator: "\t").last != "-" }, "\(rows)")
        }
    }

    @Test("export -o through a symbolic link writes the file it names and keeps the link")
    func exportThroughLink() throws {
        try withExampleData { tmp in
            #expect(try run(["import", "--db", "s.db", "data.json"], cwd: tmp).status == 0)
            let real = tmp.appendingPathComponent("real.json")
            let link = tmp.appendingPathComponent("link.json")
            try Data().write(to: real)
            try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "real.json")
            let result = try run(["export", "--db", "s.db", "-o", "link.json"], cwd: tmp)
            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == "real.json")
            #expect(try readJSONObject(real)["page"] != nil)
        }
    }
}
