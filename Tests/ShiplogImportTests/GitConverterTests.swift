import ShiplogModel
import Testing

@testable import ShiplogImport

/// Tags and Conventional Commits, without a repository (the CLI tests run git itself).
@Suite struct GitConverterTests {
    let target = try! ImportTarget.make(component: "api").get()

    @Test(
        arguments: [
            ("feat: a flag", "", GitCommit.Kind.feature, nil, "a flag"),
            ("feat(cli)!: drop --old", "", .breaking, "cli", "drop --old"),
            ("fix(parser): crash", "", .fix, "parser", "crash"),
            ("refactor: tidy", "BREAKING CHANGE: the API moved", .breaking, nil, "tidy"),
            ("docs: typo", "", .other, nil, "typo"),
            ("Update README.md", "", .other, nil, "Update README.md"),
            ("Merge: something odd", "", .other, nil, "something odd"),
        ] as [(String, String, GitCommit.Kind, String?, String)]
    )
    func conventionalCommits(subject: String, body: String, kind: GitCommit.Kind, scope: String?, description: String) {
        let parsed = GitCommit(hash: "abc", subject: subject, body: body).conventional
        #expect(parsed.kind == kind)
        #expect(parsed.scope == scope)
        #expect(parsed.description == description)
    }

    @Test func notesAreGroupedByKind() {
        let commits = [
            GitCommit(hash: "1111111aaaa", subject: "docs: typo"),
            GitCommit(hash: "2222222bbbb", subject: "fix(parser): crash"),
            GitCommit(hash: "3333333cccc", subject: "feat!: new API"),
            GitCommit(hash: "4444444dddd", subject: ""),
            GitCommit(hash: "5555555eeee", subject: "feat: a flag"),
        ]
        #expect(
            GitCommit.notes(commits) == """
                ### Breaking changes

                - new API (3333333)

                ### Features

                - a flag (5555555)

                ### Fixes

                - **parser:** crash (2222222)

                ### Other

                - typo (1111111)
                """
        )
    }

    @Test func forEachRefOutput() {
        let annotated = ["v1.0.0", "tag", "t1", "c1", "commit", "1600000000", "", "1500000000", "Ada", "", "Bob", "Big\n\nrelease\n"]
        let light = ["1.1.0", "commit", "c2", "", "", "", "1700000000", "", "", "Cy", "", "subject of the commit"]
        let output = [annotated, light].map { $0.joined(separator: "\u{1F}") + "\u{1E}" }.joined(separator: "\n")
        let tags = GitTag.parse(output)
        #expect(
            tags == [
                GitTag(name: "v1.0.0", commit: "c1", date: Timestamp(seconds: 1_600_000_000), author: "Ada", message: "Big\n\nrelease"),
                GitTag(name: "1.1.0", commit: "c2", date: Timestamp(seconds: 1_700_000_000), author: "Cy"),
            ]
        )
    }

    func tag(_ name: String, _ seconds: Int64, message: String? = nil) -> GitTag {
        GitTag(name: name, commit: String(repeating: "a", count: 40), date: Timestamp(seconds: seconds), message: message)
    }

    @Test func releasesNewestFirstWithTheirNotes() throws {
        let tags = [
            tag("v1.1.0", 300), tag("v1.0.0", 100, message: "Release v1.0.0"), tag("latest", 400), tag("v1.0.1", 200, message: "Hotfix\n\nDetails"),
        ]
        var asked: [String] = []
        let result = try GitConverter(directory: "repo", target: target).convert(tags: tags) { from, to in
            asked.append("\(from ?? "-")..\(to)")
            return .success(
                to.hasSuffix("v1.1.0")
                    ? [GitCommit(hash: "feedbeef", subject: "fix: only a fix")] : [GitCommit(hash: "0ddba11", subject: "feat: start")]
            )
        }
        #expect(asked == ["-..refs/tags/v1.0.0", "refs/tags/v1.0.0..refs/tags/v1.0.1", "refs/tags/v1.0.1..refs/tags/v1.1.0"])
        let releases = result.data.releases
        #expect(releases.map(\.version.text) == ["v1.1.0", "v1.0.1", "v1.0.0"])
        // A message that only repeats the version gives way to the commits.
        #expect(releases[2].notes == "### Features\n\n- start (0ddba11)")
        #expect(releases[1].notes == "Hotfix\n\nDetails")
        #expect(releases[0].publishedAt == Timestamp(seconds: 300))
        #expect(
            result.warnings.map(\.description) == [
                "repo: 1 tag is not a version and left out: latest",
                "repo: tag v1.0.1: the commits since v1.0.0 ask for a minor release (0ddba11 \"feat: start\"), but v1.0.1 is a patch release",
            ]
        )
    }

    /// `v1.0.0` tagged on the commit of `v1.0.0-rc.2`: no commit of its own, so its notes are the
    /// commits since the previous final release, which its release candidates shipped.
    @Test func aFinalReleaseOnItsLastCandidatesCommitHasTheCandidatesNotes() throws {
        let tags = [tag("v0.9.0", 100), tag("v1.0.0-rc.1", 200), tag("v1.0.0-rc.2", 300), tag("v1.0.0", 400)]
        var asked: [String] = []
        let result = try GitConverter(directory: "repo", target: target).convert(tags: tags) { from, to in
            asked.append("\(from ?? "-")..\(to)")
            switch (from, to) {
            case ("refs/tags/v0.9.0", "refs/tags/v1.0.0"):
                return .success([GitCommit(hash: "c2", subject: "fix: second"), GitCommit(hash: "c1", subject: "feat: first")])
            case (_, "refs/tags/v1.0.0"): return .success([])
            default: return .success([GitCommit(hash: "x", subject: "chore: work")])
            }
        }
        #expect(asked.suffix(2) == ["refs/tags/v1.0.0-rc.2..refs/tags/v1.0.0", "refs/tags/v0.9.0..refs/tags/v1.0.0"])
        let final = try #require(result.data.releases.first { $0.version.text == "v1.0.0" })
        #expect(final.notes?.contains("first (c1)") == true && final.notes?.contains("second (c2)") == true, "\(final.notes ?? "")")
    }

    @Test func breakingChangesBefore1_0AskForAMinorRelease() throws {
        let tags = [tag("0.1.0", 100), tag("0.2.0", 200), tag("0.2.1", 300)]
        let result = try GitConverter(directory: "repo", target: target).convert(tags: tags) { _, _ in
            .success([GitCommit(hash: "b", subject: "feat!: break")])
        }
        #expect(
            result.warnings.map(\.description) == [
                "repo: tag 0.2.1: the commits since 0.2.0 ask for a minor release (b \"feat!: break\"), but 0.2.1 is a patch release"
            ]
        )
    }

    /// SPEC §10: relative links in imported notes are made absolute against the component's URL.
    @Test func relativeLinksInTagMessagesAndCommitsBecomeAbsolute() throws {
        let repository = try ImportTarget.make(component: "api", repo: "acme/api").get()
        let tags = [tag("v1.0.0", 100, message: "See [the guide](docs/guide.md) and ![logo](img/logo.png)"), tag("v1.1.0", 200)]
        let result = try GitConverter(directory: "repo", target: repository).convert(tags: tags) { _, _ in
            .success([GitCommit(hash: "1234567abc", subject: "feat: a [button](docs/button.md) (#12)")])
        }
        #expect(
            result.data.releases.map(\.notes) == [
                "### Features\n\n- a [button](https://github.com/acme/api/blob/HEAD/docs/button.md) (#12) (1234567)",
                "See [the guide](https://github.com/acme/api/blob/HEAD/docs/guide.md) and ![logo](https://github.com/acme/api/raw/HEAD/img/logo.png)",
            ]
        )
    }

    /// Without --repo or --url those links stay as they are, and each is named in a warning, as for a changelog.
    @Test func relativeLinksWithoutABaseAreWarnedAbout() throws {
        let tags = [tag("v1.0.0", 100, message: "See [the guide](docs/guide.md)"), tag("v1.1.0", 200)]
        let result = try GitConverter(directory: "repo", target: target).convert(tags: tags) { _, _ in
            .success([GitCommit(hash: "1234567abc", subject: "fix: a ![logo](img/logo.png)")])
        }
        #expect(result.data.releases.map(\.notes) == ["### Fixes\n\n- a ![logo](img/logo.png) (1234567)", "See [the guide](docs/guide.md)"])
        #expect(
            result.warnings.map(\.description) == [
                "repo: tag v1.0.0: relative link \"docs/guide.md\" left as it is: give --repo or --url",
                "repo: tag v1.1.0: relative link \"img/logo.png\" left as it is: give --repo or --url",
            ]
        )
    }

    /// Monorepo tags (`api/v1.2.0`, `web-v1.2.0`, `@acme/cli@1.2.0`) name their version after a prefix.
    @Test func versionsAfterAComponentsPrefix() throws {
        let tags = [tag("api/v1.0.0", 100, message: "api/v1.0.0"), tag("api/v1.1.0-rc.1", 200), tag("api/latest", 300)]
        let result = try GitConverter(directory: "repo", target: target, takesPrefixedTags: true).convert(tags: tags) { _, _ in
            .success([GitCommit(hash: "1234567abc", subject: "feat: a flag")])
        }
        #expect(result.data.releases.map(\.version.text) == ["v1.1.0-rc.1", "v1.0.0"])
        #expect(result.data.releases.map(\.tag) == ["api/v1.1.0-rc.1", "api/v1.0.0"])
        #expect(result.data.releases[1].notes == "### Features\n\n- a flag (1234567)")
        #expect(result.warnings.map(\.description) == ["repo: 1 tag is not a version and left out: api/latest"])
        // Without --tags they may be another component's: left out, with the hint.
        let all = try GitConverter(directory: "repo", target: target).convert(tags: tags) { _, _ in .success([]) }
        #expect(all.data.releases.isEmpty)
        #expect(
            all.warnings.map(\.description) == [
                "repo: 3 tags are not a version and left out: api/v1.0.0, api/v1.1.0-rc.1, api/latest (a component's tags such as api/v1.2.0 count with --tags 'api/v*')"
            ]
        )
        #expect(
            ["web-v2.0.0", "@acme/cli@1.2.0", "release_3.1", "1.0.0", "v1", "api/next"].map(GitConverter.versionPart) == [
                "v2.0.0", "1.2.0", "3.1", "1.0.0", nil, nil,
            ]
        )
    }

    @Test func gitFailuresNameTheTag() throws {
        let error = try #require(throws: ImportError.self) {
            try GitConverter(directory: "repo", target: target).convert(tags: [tag("1.0.0", 1)]) { _, _ in .failure(GitFailure(message: "bad object"))
            }
        }
        #expect(error.problems.map(\.description) == ["repo: tag 1.0.0: git log failed: bad object"])
    }
}
