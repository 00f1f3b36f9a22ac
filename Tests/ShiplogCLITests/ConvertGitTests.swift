import Foundation
import Testing

/// `shiplog convert git DIR` on a repository made here (bare, as a mirror is) and on two mirrored ones.
@Suite struct ConvertGitTests {
    /// A repository with Conventional Commits, lightweight and annotated tags, and a tag that is no version.
    func makeRepository(in tmp: URL) throws -> URL {
        let script = """
            set -e
            git init -q work && cd work
            git config user.name 'Ada' && git config user.email ada@example.com
            commit() { GIT_AUTHOR_DATE="$1" GIT_COMMITTER_DATE="$1" git commit -q --allow-empty -m "$2" ${3:+-m "$3"}; }
            commit 2020-01-01T10:00:00Z 'feat: first feature'
            git tag v0.1.0
            commit 2020-02-01T10:00:00Z 'fix(parser): crash on empty input'
            commit 2020-02-02T10:00:00Z 'docs: typo'
            git tag v0.1.1
            commit 2020-03-01T10:00:00Z 'feat!: new API'
            GIT_COMMITTER_DATE=2020-03-02T12:00:00Z git tag -a v1.0.0 -m 'The big one' -m 'All new.'
            commit 2020-04-01T10:00:00Z 'feat(cli): a flag'
            git tag v1.0.1
            git tag latest
            cd .. && git clone -q --bare work repo.git
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        process.currentDirectoryURL = tmp
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        return tmp.appendingPathComponent("repo.git")
    }

    func releases(_ stdout: String) throws -> [[String: Any]] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
        return try #require(object["releases"] as? [[String: Any]])
    }

    @Test func tagsOfABareRepository() throws {
        try withTemporaryDirectory { tmp in
            let repo = try makeRepository(in: tmp)
            let result = try run(["convert", "git", repo.path, "--component", "api", "--repo", "acme/api"], cwd: tmp)
            #expect(result.status == 0, "\(result.stderr)")
            let releases = try releases(result.stdout)
            #expect(releases.map { $0["version"] as? String } == ["v1.0.1", "v1.0.0", "v0.1.1", "v0.1.0"])
            #expect(
                releases.map { $0["published_at"] as? String } == [
                    "2020-04-01T10:00:00Z", "2020-03-02T12:00:00Z", "2020-02-02T10:00:00Z", "2020-01-01T10:00:00Z",
                ]
            )
            #expect(releases[1]["notes"] as? String == "The big one\n\nAll new.")
            #expect(releases[1]["author"] as? String == "Ada")
            let patch = try #require(releases[2]["notes"] as? String)
            #expect(patch.hasPrefix("### Fixes\n\n- **parser:** crash on empty input ("))
            #expect(patch.contains("\n\n### Other\n\n- typo ("))
            #expect((releases[0]["commit"] as? String)?.count == 40)
            #expect(releases[0]["tag"] as? String == "v1.0.1")
            // A feature in a patch release is worth a warning; the tag that is no version is named.
            #expect(result.stderr.contains("tag v1.0.1: the commits since v1.0.0 ask for a minor release"))
            #expect(result.stderr.contains("1 tag is not a version and left out: latest"))
            try result.stdout.write(to: tmp.appendingPathComponent("data.json"), atomically: true, encoding: .utf8)
            #expect(try run(["check", "--data", "data.json"], cwd: tmp).status == 0)
        }
    }

    @Test func changelogDatedByTags() throws {
        try withTemporaryDirectory { tmp in
            let repo = try makeRepository(in: tmp)
            try "## 1.0.0\n\n- The big one\n\n## 0.1.1\n\n- A fix\n\n## 0.0.9\n\n- Never tagged\n".write(
                to: tmp.appendingPathComponent("CHANGELOG.md"),
                atomically: true,
                encoding: .utf8
            )
            let result = try run(["convert", "changelog", "CHANGELOG.md", "--component", "api", "--git", repo.path], cwd: tmp)
            #expect(result.status == 65)
            #expect(result.stdout == "")
            #expect(result.stderr.contains("CHANGELOG.md:9: release 0.0.9 has no date"))
            #expect(result.stderr.contains("; the --git repository has no tag of this version") && !result.stderr.contains("give --git"))
            #expect(!result.stderr.contains("CHANGELOG.md:1:"))
            try "## 1.0.0\n\n- The big one\n\n## 0.1.1\n\n- A fix\n".write(
                to: tmp.appendingPathComponent("CHANGELOG.md"),
                atomically: true,
                encoding: .utf8
            )
            let dated = try run(["convert", "changelog", "CHANGELOG.md", "--component", "api", "--git", repo.path], cwd: tmp)
            #expect(dated.status == 0, "\(dated.stderr)")
            let releases = try releases(dated.stdout)
            #expect(releases.map { $0["published_at"] as? String } == ["2020-03-02T12:00:00Z", "2020-02-02T10:00:00Z"])
            #expect(releases.map { $0["tag"] as? String } == ["v1.0.0", "v0.1.1"])
        }
    }

    @Test func tagsFilter() throws {
        try withTemporaryDirectory { tmp in
            let repo = try makeRepository(in: tmp)
            let result = try run(["convert", "git", repo.path, "--component", "api", "--tags", "v0.*"], cwd: tmp)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(try releases(result.stdout).map { $0["version"] as? String } == ["v0.1.1", "v0.1.0"])
        }
    }

    @Test func sameVersionTwiceNamesBothTags() throws {
        try withTemporaryDirectory { tmp in
            let repo = try makeRepository(in: tmp)
            let tag = Process()
            tag.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            tag.arguments = ["git", "-C", repo.path, "tag", "1.0.0", "v1.0.0^{commit}"]
            try tag.run()
            tag.waitUntilExit()
            let result = try run(["convert", "git", repo.path, "--component", "api"], cwd: tmp)
            #expect(result.status == 65)
            #expect(result.stdout == "")
            #expect(result.stderr.contains("\(repo.path): tag v1.0.0: the same version as tag 1.0.0; keep one of them with --tags"))
        }
    }

    @Test func notARepository() throws {
        try withTemporaryDirectory { tmp in
            let result = try run(["convert", "git", tmp.path, "--component", "api"], cwd: tmp)
            #expect(result.status == 74)
            #expect(result.stderr.contains("git for-each-ref: fatal: not a git repository"))
        }
    }

    /// Two mirrored repositories (bare): every tag a release with its commit and date.
    @Test(arguments: [
        ("apple/swift-syntax", ["603.0.1", "602.0.0", "600.0.1"], "41a309064769241437da7aca4b30594c33f883ea"),
        ("jpsim/Yams", ["6.2.2", "5.0.1"], "9c8b955005793ddd65aadcb46fb96c36e7aa199b"),
    ])
    func mirroredRepositories(repository: String, versions: [String], oldestCommit: String) throws {
        try withTemporaryDirectory { tmp in
            let result = try run(["convert", "git", "/opt/swift-packages/\(repository).git", "--component", "c", "--repo", repository], cwd: tmp)
            #expect(result.status == 0, "\(result.stderr)")
            let releases = try releases(result.stdout)
            #expect(releases.count == versions.count)
            #expect(releases.map { $0["version"] as? String } == versions)
            // The mirror's commits carry the Unix epoch as their date.
            #expect(releases.allSatisfy { $0["published_at"] as? String == "1970-01-01T00:00:00Z" })
            #expect(releases.last?["commit"] as? String == oldestCommit)
            #expect(releases.allSatisfy { $0["tag"] as? String == $0["version"] as? String })
        }
    }
}
