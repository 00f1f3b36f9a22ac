import Testing

@testable import ShiplogModel

/// Assets for the app update feeds (SPEC §1, §9): platforms and signatures checked, what each feed
/// can use, the versions updaters compare, the memo's summary, and `check`'s warnings.
@Suite struct UpdateAssetTests {
    static func withAsset(_ asset: String) -> String {
        dataFile(releasesMember(releaseJSON("1.0.0", #""assets": [\#(asset)]"#)))
    }

    @Test(arguments: [
        "darwin-aarch64", "darwin-x86_64", "windows-x86_64", "windows-aarch64", "linux-x86_64", "linux-aarch64",
        "linux-x86_64-appimage", "linux-x86_64-deb", "linux-aarch64-rpm", "windows-x86_64-msi", "windows-x86_64-nsis", "darwin-aarch64-app",
    ])
    func knownPlatformsAreTaken(platform: String) throws {
        #expect(Rules.platformProblem(platform) == nil)
        let loaded = try DataLoader.load([source(Self.withAsset(#"{"platform": "\#(platform)"}"#))])
        #expect(loaded.data.releases[0].assets[0].platform == platform)
    }

    @Test(arguments: [
        "macos", "darwin", "darwin-arm64", "linux-x86_64-snap", "linux-x86_64-", "Darwin-aarch64", "windows-x86_64-msi-x", "", "darwin-aarch64 ",
    ])
    func otherPlatformsAreRefusedWithTheirPath(platform: String) {
        let problems = loadProblems(Self.withAsset(#"{"name": "a", "platform": \#(JSONWriter.quoted(platform))}"#))
        #expect(problems.count == 1, "\(problems.map(\.description))")
        #expect(
            problems.first?.description.hasPrefix(
                "data.json: releases[0].assets[0].platform: \(JSONWriter.quoted(platform)) is not a known platform"
            )
                == true,
            "\(problems.map(\.description))"
        )
    }

    @Test func aSignatureIsOneLineOfPrintableText() {
        #expect(Rules.signatureProblem("dW50cnVzdGVkIGNvbW1lbnQ6IHNpZ25hdHVyZQ==") == nil)
        for bad in ["", "line one\nline two", "tab\there", String(repeating: "A", count: 4097)] {
            let problems = loadProblems(Self.withAsset(#"{"signature": \#(JSONWriter.quoted(bad))}"#))
            #expect(
                problems.count == 1 && problems[0].description.hasPrefix("data.json: releases[0].assets[0].signature: "),
                "\(problems.map(\.description))"
            )
        }
    }

    @Test(arguments: [
        ("HTTPS://dl.example/App.dmg", true), ("http://dl.example/é", true), ("https://dl.example/a b", false),
        ("https://dl.example/a\u{A0}b", false), ("https://dl.example/a\u{3000}", false), ("https://dl.example/{x}", false),
        ("ftp://dl.example/", false), ("https:///path", false), ("https://dl.example/\u{7F}", false),
    ])
    func assetURLsAreCheckedByteByByteOrByScalar(url: String, valid: Bool) {
        #expect((Rules.urlProblem(url) == nil) == valid)
    }

    @Test func aVersionCannotTakeTheAppcastsName() {
        // `components/<slug>/appcast.xml` is a file: no release folder may have that name.
        let problems = loadProblems(dataFile(releasesMember(releaseJSON("appcast.xml"))))
        #expect(problems.contains { $0.description.hasPrefix("data.json: releases[0].version: ") }, "\(problems.map(\.description))")
    }

    @Test(arguments: ["badge.svg", "badge.json"])
    func aVersionCannotTakeTheBadgesName(version: String) {
        // `components/<slug>/badge.svg` and `badge.json` are files (SPEC §9): a release folder of that
        // name made the build fail with an I/O error (74) instead of naming the version.
        let problems = loadProblems(dataFile(releasesMember(releaseJSON(version))))
        #expect(problems.contains { $0.description.hasPrefix("data.json: releases[0].version: ") }, "\(problems.map(\.description))")
    }

    @Test func eachFormatTakesTheAssetsItCanUse() {
        let sha512 = IDFieldTests.sha512
        let sha1 = IDFieldTests.sha1
        let url = "https://dl.example/f"
        #expect(UpdateFormats([Release.Asset(url: url, platform: "darwin-aarch64")]) == [.sparkle])
        #expect(UpdateFormats([Release.Asset(url: url, platform: "linux-x86_64-appimage", signature: "s")]) == [.tauri])
        #expect(UpdateFormats([Release.Asset(url: url, platform: "linux-aarch64-deb", sha512: sha512)]) == [.electron(.linuxArm64)])
        #expect(UpdateFormats([Release.Asset(name: "A-1.0.0-full.nupkg", url: url, platform: "windows-x86_64", size: 3, sha1: sha1)]) == [.squirrel])
        // Without what its format needs, an asset serves none.
        #expect(UpdateFormats([Release.Asset(name: "A-1.0.0-full.nupkg", url: url, platform: "windows-x86_64", size: 3)]).isEmpty)
        #expect(UpdateFormats([Release.Asset(platform: "darwin-aarch64", signature: "s", sha512: sha512)]).isEmpty)
        #expect(UpdateFormats([Release.Asset(url: url, sha512: sha512)]).isEmpty)
        #expect(UpdateAsset.squirrelFile(Release.Asset(name: "A 1.nupkg")) == nil)
    }

    @Test(
        arguments: [
            ("v1.2.0", "1.2.0", "1.2.0"), ("1.2", "1.2.0", "1.2"), ("1.2.0-beta.1", "1.2.0-beta.1", "1.2.0"),
            ("v2.0.0-rc1+abc", "2.0.0-rc1", "2.0.0"),
            ("1.0.0-01", nil, "1.0.0"), ("1.2.3.4", nil, "1.2.3.4"), ("spring-24", nil, nil),
        ] as [(String, String?, String?)]
    )
    func updatersGetTheVersionsTheyParse(text: String, semver: String?, core: String?) {
        #expect(Version(text).semver == semver)
        #expect(Version(text).numericCore == core)
    }

    @Test func aMemoKeepsTheChannelAndTheFeedsOfTheReleasesItSummarizes() throws {
        let text = dataFile(
            releasesMember(
                releaseJSON(
                    "1.0.0",
                    #""channel": "nightly", "assets": [{"url": "https://dl.example/a.dmg", "platform": "darwin-aarch64", "signature": "s"}]"#
                ),
                releaseJSON("2.0.0")
            )
        )
        guard let (again, _) = try loadAgainWithMemo(text) else { return }
        #expect(again.summarized.count == 2)
        #expect(again.data.releases[0].assets.isEmpty && again.data.releases[0].updateFormats == [.sparkle, .tauri])
        #expect(again.data.releases[0].resolvedChannel == "nightly" && again.data.releases[1].updateFormats.isEmpty)
    }

    @Test func checkWarnsOfAssetsAFeedCannotUse() throws {
        let sha512 = IDFieldTests.sha512
        let assets = [
            #"{"url": "https://dl.example/a.dmg", "platform": "darwin-aarch64", "sha512": "\#(sha512)"}"#,
            #"{"url": "https://dl.example/a.AppImage", "platform": "linux-x86_64-appimage", "signature": "s", "sha512": "\#(sha512)"}"#,
            #"{"url": "https://dl.example/a.msi", "platform": "windows-x86_64-msi"}"#,
            #"{"name": "A-1.0.0-full.nupkg", "url": "https://dl.example/A-1.0.0-full.nupkg", "platform": "windows-x86_64"}"#,
            #"{"name": "notes.txt"}"#,
        ]
        let loaded = try DataLoader.load([source(dataFile(releasesMember(releaseJSON("1.0.0", #""assets": [\#(assets.joined(separator: ", "))]"#))))])
        let found = UpdateWarnings.check(loaded.data).map { "\($0.asset): \($0.message.prefix { $0 != ":" })" }
        #expect(found == ["0: no signature", "2: no signature", "2: no sha512", "3: no sha1", "3: no size"], "\(found)")
    }
}
