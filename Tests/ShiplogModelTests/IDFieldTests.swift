import Testing

@testable import ShiplogModel

/// Ids, creation metadata, channel, build and the asset digests of SPEC §1: read, checked, written back.
@Suite struct IDFieldTests {
    static let sha512 = String(repeating: "A", count: 85) + "w=="
    static let sha256 = String(repeating: "0123456789abcdef", count: 4)
    static let sha1 = String(repeating: "a1b2c3d4e5", count: 4)

    static let everything = dataFile(
        releasesMember(
            releaseJSON(
                "1.2.0-beta.3",
                #"""
                "id": "0190f3c2-7a1b-7c3d-9e4f-0a1b2c3d4e5f", "created_at": "2026-01-02T03:04:05Z", "created_by": "a1b2c3",
                "channel": "beta", "build": "4213",
                "assets": [{"name": "a.zip", "sha512": "\#(sha512)", "sha256": "\#(sha256)", "sha1": "\#(sha1)",
                            "minimum_system_version": "13.0"}]
                """#
            ),
            releaseJSON("1.1.0")
        ),
        #"""
        "deployments": [{"component": "api", "version": "1.1.0", "environment": "production", "status": "failure",
                         "id": "dep-1", "created_at": "2026-01-02T03:04:05Z", "created_by": "import",
                         "from_version": "1.0.0-x", "error_message": "health check failed\nafter 3 tries"}]
        """#,
        #""sites": [{"slug": "globex", "created_at": "2026-01-02T03:04:05Z", "created_by": "import"}]"#
    )

    @Test func everyNewFieldIsReadAndWrittenBack() throws {
        let loaded = try DataLoader.load([source(Self.everything)])
        #expect(loaded.warnings.isEmpty, "\(loaded.warnings)")
        let release = loaded.data.releases[0]
        #expect(release.id == "0190f3c2-7a1b-7c3d-9e4f-0a1b2c3d4e5f")
        #expect(release.createdAt == Timestamp(rfc3339: "2026-01-02T03:04:05Z") && release.createdBy == "a1b2c3")
        #expect(release.channel == "beta" && release.build == "4213")
        #expect(release.assets[0].sha512 == Self.sha512 && release.assets[0].sha256 == Self.sha256 && release.assets[0].sha1 == Self.sha1)
        #expect(release.assets[0].minimumSystemVersion == "13.0")
        let deployment = loaded.data.deployments[0]
        #expect(deployment.id == "dep-1" && deployment.createdBy == "import" && deployment.fromVersion == "1.0.0-x")
        #expect(deployment.errorMessage == "health check failed\nafter 3 tries")
        #expect(loaded.data.sites[0].createdBy == "import" && loaded.data.sites[0].createdAt != nil)
        let written = JSONWriter.write(DataEncoder.document(loaded.data))
        #expect(try DataLoader.load([source(written)]).data == loaded.data)
    }

    @Test func aFileWithoutTheNewFieldsStaysValid() throws {
        let loaded = try DataLoader.load([source(dataFile(releasesMember(releaseJSON())))])
        #expect(loaded.data.releases[0].id == nil && loaded.data.releases[0].channel == nil)
        // Export leaves out what is not set, so such a file is written as it was.
        #expect(DataEncoder.release(loaded.data.releases[0])["id"] == nil)
    }

    @Test(
        arguments: [
            ("1.0.0", nil, "stable"), ("1.2.0-beta.3", nil, "beta"), ("2.0.0-rc1", nil, "rc"), ("v3.0.0-RC.2", nil, "rc"),
            ("1.0.0-1", nil, "prerelease"), ("1.2.0-beta.3", "nightly", "nightly"), ("spring-24", nil, "stable"),
        ] as [(String, String?, String)]
    )
    func theChannelDefaultsByVersion(version: String, channel: String?, expected: String) {
        #expect(Release(component: "api", version: Version(version), channel: channel).resolvedChannel == expected)
    }

    @Test func answersCarryTheStoreFieldsAlwaysAndExportsOnlyWhenSet() {
        let release = Release(component: "api", version: Version("1.0.0"))
        #expect(DataEncoder.release(release, resolvingPrerelease: true)["id"] == .null)
        #expect(DataEncoder.release(release, resolvingPrerelease: true)["channel"] == .string("stable"))
        #expect(DataEncoder.release(release)["channel"] == nil)
        let deployment = Deployment(component: "api", version: "1.0.0", environment: "production")
        for key in ["id", "created_at", "created_by", "from_version", "error_message"] {
            #expect(DataEncoder.deployment(deployment, answer: true)[key] == .null, "\(key)")
            #expect(DataEncoder.deployment(deployment)[key] == nil, "\(key)")
        }
    }

    static let invalid: [RuleCase] = [
        RuleCase(
            dataFile(releasesMember(releaseJSON("1.0.0", #""id": "Not Valid""#))),
            "releases[0].id",
            #""Not Valid" is not a valid id"#
        ),
        RuleCase(dataFile(releasesMember(releaseJSON("1.0.0", #""id": 7"#))), "releases[0].id", "expected a string"),
        RuleCase(
            dataFile(releasesMember(releaseJSON("1.0.0", #""created_at": "yesterday""#))),
            "releases[0].created_at",
            #""yesterday" is not an RFC 3339 timestamp"#
        ),
        RuleCase(
            dataFile(releasesMember(releaseJSON("1.0.0", #""channel": "Beta""#))),
            "releases[0].channel",
            #""Beta" is not a valid channel"#
        ),
        RuleCase(dataFile(releasesMember(releaseJSON("1.0.0", #""build": """#))), "releases[0].build", "the build is empty"),
        RuleCase(
            dataFile(releasesMember(releaseJSON("1.0.0", #""assets": [{"sha512": "abc"}]"#))),
            "releases[0].assets[0].sha512",
            #""abc" is not a SHA-512 digest"#
        ),
        RuleCase(
            dataFile(releasesMember(releaseJSON("1.0.0", #""assets": [{"sha256": "xyz"}]"#))),
            "releases[0].assets[0].sha256",
            #""xyz" is not a SHA-256 digest"#
        ),
        RuleCase(
            dataFile(releasesMember(releaseJSON("1.0.0", #""assets": [{"sha1": "\#(String(repeating: "a", count: 64))"}]"#))),
            "releases[0].assets[0].sha1",
            "\"\(String(repeating: "a", count: 64))\" is not a SHA-1 digest"
        ),
        RuleCase(
            dataFile(releasesMember(releaseJSON("1.0.0", #""assets": [{"minimum_system_version": "13.0 & <x>"}]"#))),
            "releases[0].assets[0].minimum_system_version",
            #""13.0 & <x>" is not a system version"#
        ),
        RuleCase(
            dataFile(releasesMember(releaseJSON("1.0.0", #""assets": [{"minimum_system_version": "1.2.3.4.5"}]"#))),
            "releases[0].assets[0].minimum_system_version",
            #""1.2.3.4.5" is not a system version"#
        ),
        RuleCase(
            dataFile(
                releasesMember(releaseJSON()),
                #""deployments": [{"component": "api", "version": "1.0.0", "environment": "prod", "from_version": "a/b"}]"#
            ),
            "deployments[0].from_version",
            #""a/b" is not a valid version"#
        ),
        RuleCase(
            dataFile(
                releasesMember(releaseJSON()),
                #""deployments": [{"component": "api", "version": "1.0.0", "environment": "prod", "error_message": false}]"#
            ),
            "deployments[0].error_message",
            "expected a string"
        ),
        RuleCase(
            dataFile(
                releasesMember(releaseJSON("1.0.0", #""id": "x""#)),
                #""deployments": [{"component": "api", "version": "1.0.0", "environment": "prod", "id": "x"}]"#
            ),
            "deployments[0].id",
            #"id "x" is already a release's (at data.json: releases[0]"#
        ),
        RuleCase(
            dataFile(releasesMember(releaseJSON("1.0.0", #""id": "x""#), releaseJSON("2.0.0", #""id": "x""#))),
            "releases[1].id",
            #"duplicate release id "x" (first at data.json: releases[0])"#
        ),
        RuleCase(
            dataFile(
                releasesMember(releaseJSON()),
                #""deployments": [{"component": "api", "version": "1.0.0", "environment": "prod", "id": "d"},"#
                    + #" {"component": "api", "version": "1.0.0", "environment": "prod", "id": "d"}]"#
            ),
            "deployments[1].id",
            #"duplicate deployment id "d" (first at data.json: deployments[0])"#
        ),
    ]

    @Test(arguments: invalid)
    func badValuesAreRefusedNamingTheirPath(_ rule: RuleCase) {
        let problems = loadProblems(rule.json)
        #expect(problems.count == 1, "\(problems.map(\.description))")
        #expect(problems.first?.description.hasPrefix("data.json: \(rule.path): \(rule.message)") == true, "\(problems.map(\.description))")
    }

    @Test(arguments: [
        (sha512, true), (String(repeating: "A", count: 86) + "==", true), (String(repeating: "A", count: 85) + "B==", false),
        (String(repeating: "A", count: 88), false), (String(repeating: "A", count: 85) + "*==", false),
    ])
    func sha512IsTheBase64Of64Bytes(text: String, valid: Bool) {
        #expect((Rules.sha512Problem(text) == nil) == valid)
    }

    @Test func duplicateIdsAcrossFilesAreFoundToo() {
        let second = #"{"releases": [\#(releaseJSON("2.0.0", #""id": "same""#))]}"#
        let problems = loadProblems([source(dataFile(releasesMember(releaseJSON("1.0.0", #""id": "same""#)))), source(second, name: "more.json")])
        #expect(problems.map(\.description).contains { $0.hasPrefix(#"more.json: releases[0].id: duplicate release id "same""#) })
    }

    @Test func aMemoKeepsTheIdsOfTheReleasesItSummarizes() throws {
        let text = dataFile(releasesMember(releaseJSON("1.0.0", #""id": "r1""#), releaseJSON("2.0.0", #""id": "r2""#)))
        guard let (again, decoded) = try loadAgainWithMemo(text) else { return }
        #expect(again.summarized.count == 2)
        #expect(again.data.releases.map(\.id) == ["r1", "r2"])
        // So a duplicate is found even among releases read only in summary.
        let duplicated = dataFile(
            releasesMember(releaseJSON("1.0.0", #""id": "r1""#), releaseJSON("2.0.0", #""id": "r2""#), releaseJSON("3.0.0", #""id": "r1""#))
        )
        #expect(throws: DataLoadError.self) { try DataLoader.load([source(duplicated)], memo: decoded) }
    }
}
