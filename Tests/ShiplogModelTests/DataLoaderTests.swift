import Testing

@testable import ShiplogModel

// Helpers shared with DataLoaderRuleTests: build data files as JSON text.

/// A data file: `page`, `components`, then the given top-level members (already `"key": value`).
func dataFile(
    page: String = #"{"id": "acme", "title": "Acme releases"}"#,
    components: String = #"[{"slug": "api"}, {"slug": "web"}]"#,
    _ members: String...
) -> String {
    "{" + ([#""page": \#(page)"#, #""components": \#(components)"#] + members).joined(separator: ", ") + "}"
}

/// One release object; `extra` adds members (`"status": "draft"`).
func releaseJSON(
    _ version: String = "1.0.0",
    component: String = "api",
    date: String? = "2024-01-01T00:00:00Z",
    _ extra: String = ""
)
    -> String
{
    var members = [#""component": \#(JSONWriter.quoted(component))"#, #""version": \#(JSONWriter.quoted(version))"#]
    if let date { members.append(#""published_at": "\#(date)""#) }
    if !extra.isEmpty { members.append(extra) }
    return "{" + members.joined(separator: ", ") + "}"
}

/// The `"releases": […]` member.
func releasesMember(_ releases: String...) -> String { #""releases": [\#(releases.joined(separator: ", "))]"# }

func source(_ text: String, name: String = "data.json") -> DataSource { DataSource(name: name, bytes: Array(text.utf8)) }

/// Loads `text`, then loads it again with the memo the first load made (through its bytes), so
/// that the second load reads the releases in summary. Nil, with an issue, when no memo was made.
func loadAgainWithMemo(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> (again: LoadedData, memo: ReleaseMemo)? {
    let first = try DataLoader.load([source(text)])
    guard case .replace(let memo) = first.memoUpdate else {
        Issue.record("expected a new memo", sourceLocation: sourceLocation)
        return nil
    }
    let decoded = try #require(ReleaseMemo(decoding: memo.encoded()), sourceLocation: sourceLocation)
    return (try DataLoader.load([source(text)], memo: decoded), decoded)
}

/// The problems of data that must be rejected (an issue is recorded if it loads).
func loadProblems(_ sources: [DataSource], sourceLocation: SourceLocation = #_sourceLocation) -> [DataProblem] {
    do {
        _ = try DataLoader.load(sources)
        Issue.record("expected the data to be rejected", sourceLocation: sourceLocation)
        return []
    } catch {
        #expect(!error.problems.isEmpty, sourceLocation: sourceLocation)
        #expect(error.description == error.problems.map(\.description).joined(separator: "\n"), sourceLocation: sourceLocation)
        return error.problems
    }
}

func loadProblems(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> [DataProblem] {
    loadProblems([source(text)], sourceLocation: sourceLocation)
}

@Suite struct DataLoaderTests {
    /// JSON has one number type: a whole number written with a fraction or an exponent is that number.
    @Test(arguments: [("1e2", 100), ("100.0", 100), ("1E+2", 100), ("0.25e3", 250), ("7", 7)])
    func wholeNumbersInAnyNotation(_ written: String, _ value: Int) throws {
        let release = releaseJSON("1.0.0", #""assets": [{"size": \#(written)}, {"size": -0}, {"size": 0.0e5}]"#)
        let text = dataFile(page: #"{"id": "acme", "title": "A", "feed_limit": \#(written)}"#, releasesMember(release))
        let loaded = try DataLoader.load([source(text)])
        #expect(loaded.data.page.feedLimit == value)
        #expect(loaded.data.releases[0].assets.map(\.size) == [value, 0, 0])
        #expect(Fields.reading("-12.50e1") == .whole(-125))
        #expect(Fields.reading("9223372036854775807") == .whole(Int.max))
        #expect(Fields.reading("9.223372036854775808e18") == .tooLarge)
        #expect(Fields.reading("1.25e1") == .fraction)
    }

    @Test func loadsEveryPartOfTheFormat() throws {
        let text = """
            {
              "page": {"id": "acme", "title": "Acme releases", "description": "All of it", "base_url": "https://releases.acme.example/",
                       "grouping": "by-version", "public": false, "feed_limit": 20, "server_url": "https://api.acme.example/"},
              "components": [{"slug": "api", "name": "Public API", "repo": "acme/api", "url": "https://github.com/acme/api",
                              "description": "The API"}, {"slug": "portal"}],
              "releases": [
                {"component": "api", "version": "v1.0.2", "title": "Fixes", "published_at": "2017-04-12T13:20:10+02:00",
                 "author": "jivings", "notes": "### Fixed\\n- a", "status": "published", "prerelease": false, "commit": "b927e37",
                 "tag": "v1.0.2", "url": "https://github.com/acme/api/releases/v1.0.2", "code_name": "Otter",
                 "assets": [{"name": "api.tar.gz", "url": "https://dl.acme.example/api.tar.gz", "platform": "darwin-aarch64",
                             "signature": "c2ln", "size": 123}]},
                {"component": "portal", "version": "1.2.5", "status": "draft", "title": null},
                {"component": "portal", "version": "1.2.4", "status": "yanked"}
              ],
              "groups": [{"version": "2024.1", "title": "Spring", "published_at": "2024-03-01T00:00:00Z", "notes": "n",
                          "members": {"portal": "1.2.5", "api": "v1.0.2"}}],
              "environments": [{"name": "production", "frozen": true}],
              "deployments": [{"component": "api", "version": "v1.0.2", "environment": "staging", "status": "in_progress",
                               "started_at": "2017-04-12T12:00:00Z", "finished_at": "2017-04-12T12:05:00Z", "host": "web-1",
                               "actor": "ci", "commit": "b927e37", "meta": {"run": 7}}],
              "sites": [{"slug": "globex", "name": "Globex Corp", "releases": [{"component": "api", "version": "v1.0.2"}]}]
            }
            """
        let loaded = try DataLoader.load([source(text)])
        #expect(loaded.warnings.isEmpty)
        let data = loaded.data
        #expect(
            data.page
                == Page(
                    id: "acme",
                    title: "Acme releases",
                    description: "All of it",
                    baseURL: "https://releases.acme.example/",
                    grouping: .byVersion,
                    isPublic: false,
                    feedLimit: 20,
                    serverURL: "https://api.acme.example/"
                )
        )
        #expect(
            data.components == [
                Component(slug: "api", name: "Public API", repo: "acme/api", url: "https://github.com/acme/api", description: "The API"),
                Component(slug: "portal"),
            ]
        )
        #expect(data.releases.count == 3)
        let release = try #require(data.releases.first)
        #expect(release.version.text == "v1.0.2")
        #expect(release.publishedAt?.rfc3339 == "2017-04-12T11:20:10Z")
        #expect(release.notes == "### Fixed\n- a")
        #expect(release.prereleaseFlag == false)
        #expect(release.codeName == "Otter")
        #expect(
            release.assets == [
                Release.Asset(
                    name: "api.tar.gz",
                    url: "https://dl.acme.example/api.tar.gz",
                    platform: "darwin-aarch64",
                    signature: "c2ln",
                    size: 123
                )
            ]
        )
        #expect(data.releases[1].status == .draft)
        #expect(data.releases[1].publishedAt == nil)
        #expect(data.releases[1].title == nil)
        #expect(data.releases[2].status == .yanked)
        #expect(data.groups.first?.members.map(\.component) == ["portal", "api"])
        #expect(data.groups.first?.publishedAt?.rfc3339 == "2024-03-01T00:00:00Z")
        // Environments named only by a deployment are added after the declared ones.
        #expect(data.environments == [Environment(name: "production", frozen: true), Environment(name: "staging")])
        let deployment = try #require(data.deployments.first)
        #expect(deployment.status == .inProgress)
        #expect(deployment.time?.rfc3339 == "2017-04-12T12:05:00Z")
        #expect(deployment.meta == .object([JSONMember("run", .number("7"))]))
        #expect(data.sites == [CustomerSite(slug: "globex", name: "Globex Corp", releases: [ReleaseReference(component: "api", version: "v1.0.2")])])
    }

    @Test func appliesDefaults() throws {
        let data = try DataLoader.load([source(dataFile(releasesMember(releaseJSON())))]).data
        #expect(data.page == Page(id: "acme", title: "Acme releases"))
        #expect(data.page.grouping == .none && data.page.isPublic && data.page.feedLimit == 50)
        #expect(data.releases.first?.status == .published)
        #expect(data.releases.first?.prereleaseFlag == nil)
        #expect(data.groups.isEmpty && data.environments.isEmpty && data.deployments.isEmpty && data.sites.isEmpty)
    }

    @Test func onlyPublishedReleasesNeedADate() throws {
        let text = dataFile(
            releasesMember(releaseJSON("1.0.0", date: nil, #""status": "draft""#), releaseJSON("0.9.0", date: nil, #""status": "yanked""#))
        )
        #expect(try DataLoader.load([source(text)]).data.releases.count == 2)
    }

    // MARK: Several files

    @Test func mergesSeveralFiles() throws {
        let a = source(dataFile(releasesMember(releaseJSON("1.0.0"))), name: "a.json")
        let b = source(
            "{" + releasesMember(releaseJSON("2.0.0", component: "web")) + #", "components": [{"slug": "cli"}]}"#,
            name: "b.json"
        )
        let c = source(
            #"{"releases": [{"component": "cli", "version": "0.1", "published_at": "2024-01-01T00:00:00Z"}],"#
                + #" "groups": [{"version": "1", "members": {"api": "1.0.0", "web": "2.0.0"}}]}"#,
            name: "c.json"
        )
        let data = try DataLoader.load([a, b, c]).data
        #expect(data.components.map(\.slug) == ["api", "web", "cli"])
        #expect(
            data.releases.map(\.reference) == [
                ReleaseReference(component: "api", version: "1.0.0"), ReleaseReference(component: "web", version: "2.0.0"),
                ReleaseReference(component: "cli", version: "0.1"),
            ]
        )
        #expect(data.groups.count == 1)
    }

    @Test func componentsFromOneFileReleasesFromAnother() throws {
        let a = source(#"{"page": {"id": "acme", "title": "Acme"}, "components": [{"slug": "api"}]}"#, name: "a.json")
        let b = source("{" + releasesMember(releaseJSON("1.0.0"), releaseJSON("1.1.0")) + "}", name: "b.json")
        let data = try DataLoader.load([a, b]).data
        #expect(data.releases.map(\.version.text) == ["1.0.0", "1.1.0"])
    }

    @Test func pageInTwoFilesIsAProblem() {
        let problems = loadProblems([source(dataFile(), name: "a.json"), source(dataFile(components: "[]"), name: "b.json")])
        #expect(problems.map(\.description) == [#"b.json: page: the page is already defined in a.json; give "page" in one file only"#])
    }

    @Test func pageInNoFileIsAProblem() {
        let problems = loadProblems([
            source(#"{"components": [{"slug": "api"}]}"#, name: "a.json"), source("{" + releasesMember(releaseJSON()) + "}", name: "b.json"),
        ])
        #expect(problems.count == 1)
        #expect(problems.first?.description.hasPrefix("a.json: page: missing required field \"page\"") == true)
    }

    @Test func duplicatesAcrossFilesNameBothPlaces() {
        let problems = loadProblems([
            source(dataFile(releasesMember(releaseJSON())), name: "a.json"),
            source("{" + releasesMember(releaseJSON()) + #", "components": [{"slug": "web"}]}"#, name: "b.json"),
        ])
        #expect(
            problems.map(\.description) == [
                #"b.json: components[0].slug: duplicate component "web" (first at a.json: components[1])"#,
                #"b.json: releases[0].version: duplicate release "1.0.0" of component "api" (first at a.json: releases[0]) (release api 1.0.0)"#,
            ]
        )
    }

    // MARK: Every problem at once

    @Test func reportsEveryProblemAtOnce() {
        let text = dataFile(
            components: #"[{"slug": "api", "url": "ftp://x"}, {"slug": "web"}]"#,
            releasesMember(releaseJSON("1..2"), releaseJSON("2.0.0", #""status": "live""#))
        )
        let problems = loadProblems(text)
        #expect(problems.count == 3)
        #expect(problems.map(\.path.description).sorted() == ["components[0].url", "releases[0].version", "releases[1].status"])
        #expect(problems.allSatisfy { $0.file == "data.json" })
    }

    @Test func reportsProblemsOfEveryFile() {
        let problems = loadProblems([
            source(dataFile(releasesMember(releaseJSON("a b"))), name: "a.json"), source(#"{"releases": 5}"#, name: "b.json"),
            source("{", name: "c.json"),
        ])
        #expect(problems.map(\.file) == ["a.json", "b.json", "c.json"])
    }

    @Test func reportsAMissingPageAlongsideOtherProblems() {
        // SPEC §1: every problem is reported, so the missing page is not hidden by another problem.
        let problems = loadProblems(#"{"components": [{"slug": "API"}]}"#)
        #expect(problems.map(\.path.description).sorted() == ["components[0].slug", "page"])
    }

    // MARK: Unknown keys

    @Test func unknownKeysWarnWithTheirPath() throws {
        let text = dataFile(
            page: #"{"id": "acme", "title": "Acme", "theme": "dark"}"#,
            releasesMember(releaseJSON("1.0.0", #""colour": "red", "assets": [{"name": "a", "sha": "x"}]"#)),
            #""extra": 1"#
        )
        let loaded = try DataLoader.load([source(text)])
        #expect(Set(loaded.warnings.map(\.path.description)) == ["page.theme", "extra", "releases[0].colour", "releases[0].assets[0].sha"])
        #expect(loaded.warnings.count == 4)
        let colour = try #require(loaded.warnings.first { $0.path.description == "releases[0].colour" })
        #expect(colour.description.hasPrefix(#"data.json: releases[0].colour: unknown key "colour""#))
        #expect(loaded.data.releases.count == 1)
    }

    @Test func warningsAreKeptWhenTheLoadFails() {
        do {
            _ = try DataLoader.load([source(dataFile(releasesMember(releaseJSON("1..2", #""colour": "red""#))))])
            Issue.record("expected the data to be rejected")
        } catch {
            #expect(error.warnings.map(\.description).first?.hasPrefix("data.json: releases[0].colour: ") == true)
            #expect(error.problems.count == 1)
        }
    }
}
