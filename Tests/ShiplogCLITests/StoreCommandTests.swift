import Foundation
import Testing

/// `import`, `export`, `keys` and `build --db`, run through the built executable.
@Suite struct StoreCommandTests {
    @Test func aSiteBuiltFromTheStoreEqualsOneBuiltFromTheFile() throws {
        try withExampleSite { tmp, site in
            let imported = try run(["import", "--db", "s.db", "data.json"], cwd: tmp)
            #expect(imported.status == 0, "stderr: \(imported.stderr)")
            #expect(imported.stdout.contains("releases: "))
            let built = try run(["build", "--db", "s.db", "--out", "from-db"], cwd: tmp)
            #expect(built.status == 0, "stderr: \(built.stderr)")
            #expect(try differingFiles(site, tmp.appendingPathComponent("from-db")).isEmpty)
        }
    }

    @Test func exportThenImportIsAFixedPoint() throws {
        try withExampleData { tmp in
            #expect(try run(["import", "--db", "a.db", "data.json"], cwd: tmp).status == 0)
            let first = try run(["export", "--db", "a.db"], cwd: tmp)
            #expect(first.status == 0, "stderr: \(first.stderr)")
            try first.stdout.write(to: tmp.appendingPathComponent("export.json"), atomically: true, encoding: .utf8)
            let check = try run(["check", "--data", "export.json"], cwd: tmp)
            #expect(check.status == 0 && check.stderr.isEmpty, "stderr: \(check.stderr)")
            #expect(try run(["import", "--db", "b.db", "export.json"], cwd: tmp).status == 0)
            let second = try run(["export", "--db", "b.db"], cwd: tmp)
            #expect(second.stdout == first.stdout)
            // Same releases, with the same fields, as the original file.
            let original = try exampleObject()["releases"] as? [[String: Any]] ?? []
            let exported = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
            let releases = exported["releases"] as? [[String: Any]] ?? []
            #expect(releases.count == original.count)
            for (a, b) in zip(original, releases) {
                #expect(a["version"] as? String == b["version"] as? String)
                #expect(a["notes"] as? String == b["notes"] as? String)
            }
        }
    }

    @Test func badDataIsRejectedWholeAndTheStoreStaysEmpty() throws {
        try withTemporaryDirectory { tmp in
            var object = try exampleObject()
            var releases = object["releases"] as? [[String: Any]] ?? []
            releases[2]["version"] = "1..2"
            object["releases"] = releases
            try writeJSON(object, to: tmp.appendingPathComponent("bad.json"))
            let result = try run(["import", "--db", "s.db", "bad.json"], cwd: tmp)
            #expect(result.status == 65)
            #expect(result.stderr.contains("bad.json: releases[2].version: \"1..2\""))
            // Refused before the store was opened: there is none, and export does not make one.
            let export = try run(["export", "--db", "s.db"], cwd: tmp)
            #expect(export.status == 74)
            #expect(export.stderr.contains("s.db: no such store file"), "\(export.stderr)")
            #expect(!fileExists(tmp.appendingPathComponent("s.db")))
        }
    }

    /// An id another page's release holds: refused (ids are unique in the store), named as every
    /// problem of a data file is, by the file and the JSON path of the release (SPEC §1).
    @Test func anIdTakenInTheStoreIsNamedByFileAndPath() throws {
        try withTemporaryDirectory { tmp in
            func page(_ id: String, _ releases: [[String: Any]]) -> [String: Any] {
                ["page": ["id": id, "title": id], "components": [["slug": "api"]], "releases": releases]
            }
            let release = ["component": "api", "published_at": "2024-01-01T00:00:00Z"]
            try writeJSON(page("pa", [release.merging(["version": "1.0.0", "id": "same"]) { $1 }]), to: tmp.appendingPathComponent("a.json"))
            let second = [release.merging(["version": "0.9.0"]) { $1 }, release.merging(["version": "2.0.0", "id": "same"]) { $1 }]
            try writeJSON(page("pb", second), to: tmp.appendingPathComponent("b.json"))
            #expect(try run(["import", "--db", "s.db", "a.json"], cwd: tmp).status == 0)
            let refused = try run(["import", "--db", "s.db", "b.json"], cwd: tmp)
            #expect(refused.status == 65)
            #expect(refused.stderr.hasPrefix("b.json: releases[1].id: id \"same\""), "\(refused.stderr)")
            #expect(try run(["export", "--db", "s.db", "--page", "pb"], cwd: tmp).status != 0, "nothing of b.json is stored")
        }
    }

    /// Commands that only read refuse a store file that does not exist (74) rather than leave an
    /// empty one behind; a --db of another scheme is a usage error (64), never a file path.
    @Test func readingCommandsNeedAStoreAndOtherSchemesAreRefused() throws {
        try withTemporaryDirectory { tmp in
            for args in [["export", "--db", "typo.db"], ["build", "--db", "typo.db", "--out", "site"], ["keys", "list", "--db", "typo.db"]] {
                let result = try run(args, cwd: tmp)
                #expect(result.status == 74, "\(args): \(result.stderr)")
                #expect(result.stderr.contains("typo.db: no such store file"), "\(args): \(result.stderr)")
            }
            #expect(!fileExists(tmp.appendingPathComponent("typo.db")))
            for url in ["mysql://u@h/db", "sqlite:///tmp/x.db"] {
                let result = try run(["keys", "create", "--db", url, "--page", "p", "--scope", "read", "--create-page"], cwd: tmp)
                #expect(result.status == 64, "\(url): \(result.stderr)")
                #expect(result.stderr.contains("not a store shiplog knows"), "\(result.stderr)")
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path).isEmpty)
        }
    }

    @Test func aPageTheStoreDoesNotHoldIsAUsageError() throws {
        try withTemporaryDirectory { tmp in
            try FileManager.default.copyItem(at: exampleData, to: tmp.appendingPathComponent("data.json"))
            #expect(try run(["import", "--db", "s.db", "data.json"], cwd: tmp).status == 0)
            for args in [["export", "--db", "s.db", "--page", "nope"], ["build", "--db", "s.db", "--page", "nope", "--out", "site"]] {
                let result = try run(args, cwd: tmp)
                #expect(result.status == 64, "\(args): \(result.stderr)")
                #expect(result.stderr.contains("no page \"nope\" in the store"), "\(args): \(result.stderr)")
                #expect(result.stdout.isEmpty)
            }
            #expect(!FileManager.default.fileExists(atPath: tmp.appendingPathComponent("site").path))
        }
    }

    @Test func keysArePrintedOnceAndCanBeRevoked() throws {
        try withTemporaryDirectory { tmp in
            let refused = try run(["keys", "create", "--db", "s.db", "--page", "acme", "--scope", "write"], cwd: tmp)
            #expect(refused.status == 64 && refused.stdout.isEmpty)
            #expect(refused.stderr.contains("no page \"acme\"") && refused.stderr.contains("--create-page"))
            #expect(try run(["keys", "list", "--db", "s.db"], cwd: tmp).stdout.split(separator: "\n").count == 1, "a refused key stores nothing")
            let created = try run(["keys", "create", "--db", "s.db", "--page", "acme", "--scope", "write", "--create-page"], cwd: tmp)
            #expect(created.status == 0, "stderr: \(created.stderr)")
            let key = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(!key.contains("\n") && key.count >= 40)
            let listed = try run(["keys", "list", "--db", "s.db"], cwd: tmp)
            #expect(!listed.stdout.contains(key))
            let rows = listed.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: "\t").map(String.init) }
            #expect(rows.count == 1 && rows[0][1] == "acme" && rows[0][2] == "write" && rows[0][4] == "-")
            #expect(try run(["keys", "revoke", "--db", "s.db", rows[0][0]], cwd: tmp).status == 0)
            let after = try run(["keys", "list", "--db", "s.db"], cwd: tmp)
            #expect(after.stdout.split(separator: "\n").dropFirst().first?.hasSuffix("\t-") == false)
            #expect(try run(["keys", "revoke", "--db", "s.db", rows[0][0]], cwd: tmp).status == 1)
            #expect(try run(["keys", "create", "--db", "s.db", "--page", "acme", "--scope", "root"], cwd: tmp).status == 64)
            #expect(try run(["keys", "create", "--db", "s.db", "--page", "../x", "--scope", "read"], cwd: tmp).status == 64)
        }
    }

    @Test func theStoreIsChosenWithDbOrDataNotBoth() throws {
        try withExampleData { tmp throws in
            #expect(try run(["build", "--db", "s.db", "--data", "data.json", "--out", "o"], cwd: tmp).status == 64)
            #expect(try run(["build", "--out", "o"], cwd: tmp).status == 64)
            // A malformed PostgreSQL URL is a usage error (64) before any connection is tried.
            #expect(try run(["export", "--db", "postgres://ada@localhost/x?sslmode=sometimes"], cwd: tmp).status == 64)
        }
    }

    /// kill -9 in the middle of a large import leaves all of it or none of it.
    @Test func aKilledImportLeavesAllOrNothing() throws {
        try withTemporaryDirectory { tmp in
            let count = 8000
            var fixture = DataFixture()
            fixture.addComponent("api")
            let notes = String(repeating: "- Fixed a thing in the request handler (#12)\n", count: 20)
            for n in 0..<count {
                fixture.addRelease("api", "1.\(n / 100).\(n % 100)", publishedAt: "2024-01-01T00:00:00Z", notes: notes)
            }
            try fixture.write(to: tmp.appendingPathComponent("big.json"))
            // How long a whole import takes here, to spread the kills over it.
            let start = Date()
            #expect(try run(["import", "--db", "timed.db", "big.json"], cwd: tmp).status == 0)
            let duration = Date().timeIntervalSince(start)
            for (attempt, fraction) in [0.4, 0.6, 0.75, 0.85, 0.95].enumerated() {
                let db = "killed-\(attempt).db"
                let process = Process()
                process.executableURL = shiplogBinary
                process.arguments = ["import", "--db", db, "big.json"]
                process.currentDirectoryURL = tmp
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                Thread.sleep(forTimeInterval: duration * fraction)
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                let export = try run(["export", "--db", db], cwd: tmp)
                if export.status == 0 {
                    let object = try #require(try JSONSerialization.jsonObject(with: Data(export.stdout.utf8)) as? [String: Any])
                    #expect((object["releases"] as? [Any])?.count == count, "attempt \(attempt): a partial import survived")
                } else {
                    #expect(export.stderr.contains("no page"), "attempt \(attempt): \(export.stderr)")
                }
            }
        }
    }
}
