import Testing

@testable import ShiplogModel

/// One invalid document and the single problem it must produce, as `data.json: PATH: message…`.
struct RuleCase: Sendable, CustomTestStringConvertible {
    let json: String
    let path: String
    let message: String

    init(_ json: String, _ path: String, _ message: String) {
        self.json = json
        self.path = path
        self.message = message
    }

    var testDescription: String { "\(path): \(message)" }
}

/// A valid page with components `api` and `web`, release `api` 1.0.0, and the given top-level members.
private func withRelease(_ members: String...) -> String {
    "{"
        + ([
            #""page": {"id": "acme", "title": "Acme"}"#, #""components": [{"slug": "api"}, {"slug": "web"}]"#,
            releasesMember(releaseJSON()),
        ] + members).joined(separator: ", ") + "}"
}

/// A document whose only release is `release`.
private func onlyRelease(_ release: String) -> String { dataFile(releasesMember(release)) }

private func version(_ text: String) -> RuleCase {
    RuleCase(onlyRelease(releaseJSON(text)), "releases[0].version", JSONWriter.quoted(text) + " is not a valid version")
}

private func slug(_ text: String) -> RuleCase {
    RuleCase(
        dataFile(components: #"[{"slug": \#(JSONWriter.quoted(text))}]"#),
        "components[0].slug",
        JSONWriter.quoted(text) + " is not a valid slug"
    )
}

private func url(_ text: String) -> RuleCase {
    RuleCase(
        onlyRelease(releaseJSON("1.0.0", #""url": \#(JSONWriter.quoted(text))"#)),
        "releases[0].url",
        JSONWriter.quoted(text) + " is not an absolute http or https URL"
    )
}

@Suite struct DataLoaderRuleTests {
    private func check(_ rule: RuleCase, sourceLocation: SourceLocation = #_sourceLocation) {
        let problems = loadProblems(rule.json, sourceLocation: sourceLocation)
        #expect(problems.count == 1, "\(problems.map(\.description))", sourceLocation: sourceLocation)
        guard let problem = problems.first else { return }
        #expect(problem.description.hasPrefix("data.json: \(rule.path): "), sourceLocation: sourceLocation)
        #expect(problem.description.hasPrefix("data.json: \(rule.path): \(rule.message)"), "\(problem)", sourceLocation: sourceLocation)
    }

    @Test(arguments: [
        RuleCase("{\n  \"page\": {\"id\": \"acme\", \"title\": tru}\n}", "page.title", "invalid JSON at line 2, column 35: "),
        RuleCase("", "$", "invalid JSON at line 1, column 1: "),
        RuleCase(#"{"page": {"id": "acme", "title": "Acme"}, "releases": [1, 2,]}"#, "releases[2]", "invalid JSON at line 1, column 61: "),
    ])
    func badJSONSyntax(_ rule: RuleCase) { check(rule) }

    @Test(arguments: [
        RuleCase("[]", "$", "expected an object, found an array"),
        RuleCase(#"{"page": "acme"}"#, "page", "expected an object, found a string"),
        RuleCase(dataFile(page: #"{"id": "acme", "title": "A", "public": "yes"}"#), "page.public", "expected true or false, found a string"),
        RuleCase(dataFile(page: #"{"id": "acme", "title": "A", "feed_limit": "5"}"#), "page.feed_limit", "expected a whole number, found a string"),
        RuleCase(dataFile(page: #"{"id": "acme", "title": "A", "feed_limit": 0}"#), "page.feed_limit", "0 is out of range"),
        RuleCase(dataFile(page: #"{"id": "acme", "title": "A", "feed_limit": 1.5}"#), "page.feed_limit", "expected a whole number, found 1.5"),
        RuleCase(dataFile(page: #"{"id": "acme", "title": "A", "feed_limit": 25e-1}"#), "page.feed_limit", "expected a whole number, found 25e-1"),
        RuleCase(dataFile(page: #"{"id": "acme", "title": "A", "feed_limit": 1e3000}"#), "page.feed_limit", "invalid JSON"),
        RuleCase(dataFile(page: #"{"id": "acme", "title": "A", "feed_limit": 1e19}"#), "page.feed_limit", "1e19 is out of range (1…100000)"),
        RuleCase(
            dataFile(page: #"{"id": "acme", "title": "A", "feed_limit": 12345678901234567890}"#),
            "page.feed_limit",
            "12345678901234567890 is out of range (1…100000)"
        ),
        RuleCase(dataFile(page: #"{"id": 7, "title": "A"}"#), "page.id", "expected a string, found a number"),
        RuleCase(dataFile(components: #""api""#), "components", "expected an array, found a string"),
        RuleCase(dataFile(releasesMember("5")), "releases[0]", "expected an object, found a number"),
        RuleCase(
            dataFile(releasesMember(#"{"component": "api", "version": 5, "published_at": "2024-01-01T00:00:00Z"}"#)),
            "releases[0].version",
            "expected a string, found a number"
        ),
        RuleCase(
            onlyRelease(releaseJSON("1.0.0", #""prerelease": "true""#)),
            "releases[0].prerelease",
            "expected true or false, found a string"
        ),
        RuleCase(onlyRelease(releaseJSON("1.0.0", #""assets": [{"size": -1}]"#)), "releases[0].assets[0].size", "-1 is out of range"),
        RuleCase(onlyRelease(releaseJSON("1.0.0", #""assets": {}"#)), "releases[0].assets", "expected an array, found an object"),
        RuleCase(onlyRelease(releaseJSON("1.0.0", #""notes": ["a"]"#)), "releases[0].notes", "expected a string, found an array"),
        RuleCase(withRelease(#""groups": [{"version": "1", "members": ["api"]}]"#), "groups[0].members", "expected an object of component slug"),
        RuleCase(
            withRelease(#""groups": [{"version": "1", "members": {"api": 1}}]"#),
            "groups[0].members.api",
            "expected a version string, found a number"
        ),
        RuleCase(
            withRelease(#""environments": [{"name": "prod", "frozen": "no"}]"#),
            "environments[0].frozen",
            "expected true or false, found a string"
        ),
        RuleCase(
            onlyRelease(#"{"component": "api", "version": "1", "version": "2", "published_at": "2024-01-01T00:00:00Z"}"#),
            "releases[0].version",
            #"duplicate key "version""#
        ),
    ])
    func wrongType(_ rule: RuleCase) { check(rule) }

    @Test(arguments: [
        RuleCase(dataFile(page: #"{"title": "Acme"}"#), "page.id", #"missing required field "id""#),
        RuleCase(dataFile(page: #"{"id": "acme"}"#), "page.title", #"missing required field "title""#),
        RuleCase(dataFile(page: #"{"id": "acme", "title": null}"#), "page.title", #"missing required field "title""#),
        RuleCase(dataFile(page: #"{"id": "acme", "title": ""}"#), "page.title", "must not be empty"),
        RuleCase(dataFile(components: "[{}]"), "components[0].slug", #"missing required field "slug""#),
        RuleCase(
            dataFile(releasesMember(#"{"version": "1.0.0", "published_at": "2024-01-01T00:00:00Z"}"#)),
            "releases[0].component",
            #"missing required field "component""#
        ),
        RuleCase(
            dataFile(releasesMember(#"{"component": "api", "published_at": "2024-01-01T00:00:00Z"}"#)),
            "releases[0].version",
            #"missing required field "version""#
        ),
        RuleCase(onlyRelease(releaseJSON("1.0.0", date: nil)), "releases[0].published_at", #"missing required field "published_at""#),
        RuleCase(
            onlyRelease(releaseJSON("1.0.0", date: nil, #""status": "published""#)),
            "releases[0].published_at",
            #"missing required field "published_at""#
        ),
        RuleCase(withRelease(#""groups": [{"members": {}}]"#), "groups[0].version", #"missing required field "version""#),
        RuleCase(
            withRelease(#""deployments": [{"component": "api", "version": "1.0.0"}]"#),
            "deployments[0].environment",
            #"missing required field "environment""#
        ),
        RuleCase(withRelease(#""sites": [{"name": "Globex"}]"#), "sites[0].slug", #"missing required field "slug""#),
    ])
    func missingRequiredField(_ rule: RuleCase) { check(rule) }

    @Test(arguments: [
        slug("API"), slug("Api"), slug(String(repeating: "a", count: 65)), slug(".."), slug("."), slug(".api"), slug("-api"),
        slug("_api"), slug(""), slug("a/b"), slug("a b"), slug("é"),
        RuleCase(dataFile(page: #"{"id": "Acme", "title": "A"}"#), "page.id", #""Acme" is not a valid slug"#),
        RuleCase(withRelease(#""sites": [{"slug": "Globex"}]"#), "sites[0].slug", #""Globex" is not a valid slug"#),
        RuleCase(onlyRelease(releaseJSON("1.0.0", component: "API")), "releases[0].component", #""API" is not a valid slug"#),
    ])
    func slugRules(_ rule: RuleCase) { check(rule) }

    @Test(arguments: [
        RuleCase(withRelease(#""environments": [{"name": "Bad Name"}]"#), "environments[0].name", #""Bad Name" is not a valid environment name"#),
        RuleCase(withRelease(#""environments": [{"name": "-prod"}]"#), "environments[0].name", #""-prod" is not a valid environment name"#),
        RuleCase(withRelease(#""environments": [{"name": ".."}]"#), "environments[0].name", #"".." is not a valid environment name"#),
    ])
    func environmentNameRules(_ rule: RuleCase) { check(rule) }

    /// Environment names are slugs that may hold capitals (`Production`), compared exactly.
    @Test func acceptsEnvironmentNamesWithCapitals() throws {
        let file = withRelease(#""environments": [{"name": "Production"}, {"name": "production"}, {"name": "EU-west.1"}]"#)
        #expect(try DataLoader.load([source(file)]).data.environments.map(\.name) == ["Production", "production", "EU-west.1"])
    }

    @Test func acceptsValidSlugs() throws {
        let slugs = [String(repeating: "a", count: 64), "0", "a.b_c-d", "9lives", "a..b"]
        let components = "[" + slugs.map { #"{"slug": \#(JSONWriter.quoted($0))}"# }.joined(separator: ", ") + "]"
        #expect(try DataLoader.load([source(dataFile(components: components))]).data.components.map(\.slug) == slugs)
    }

    @Test(arguments: [
        version("1..2"), version("../etc"), version("a/b"), version("a\\b"), version("a b"), version(" 1.0"), version("1.0\t"),
        version("1.0\n"), version("1.0\u{7F}"), version("1.0\u{1}"), version(String(repeating: "1", count: 101)), version("."),
        version(".."), version("1.0\u{A0}"),
        RuleCase(onlyRelease(releaseJSON("")), "releases[0].version", "the version is empty"),
        RuleCase(withRelease(#""groups": [{"version": "a/b"}]"#), "groups[0].version", #""a/b" is not a valid version"#),
        RuleCase(
            withRelease(#""deployments": [{"component": "api", "version": "a b", "environment": "prod"}]"#),
            "deployments[0].version",
            #""a b" is not a valid version"#
        ),
        RuleCase(
            withRelease(#""sites": [{"slug": "globex", "releases": [{"component": "api", "version": ".."}]}]"#),
            "sites[0].releases[0].version",
            #"".." is not a valid version"#
        ),
    ])
    func versionRules(_ rule: RuleCase) { check(rule) }

    @Test func acceptsValidVersions() throws {
        let versions = [String(repeating: "9", count: 100), "v1.0.0+build.5", "spring-24", "2024.1", "1.0_beta", "1.0.0-rc.1"]
        let text = dataFile(releasesMember(versions.map { releaseJSON($0) }.joined(separator: ", ")))
        #expect(try DataLoader.load([source(text)]).data.releases.map(\.version.text) == versions)
    }

    @Test(arguments: [
        url("ftp://x"), url("javascript:alert(1)"), url("/x"), url("x.example/y"), url("https://"), url("http://:80/"),
        url("https://a b.example/"), url("mailto:a@b.example"), url(""), url("//x.example/"), url("http:/x.example"),
        RuleCase(
            dataFile(components: #"[{"slug": "api", "url": "ftp://x"}]"#),
            "components[0].url",
            #""ftp://x" is not an absolute http or https URL"#
        ),
        RuleCase(dataFile(page: #"{"id": "acme", "title": "A", "base_url": "/x"}"#), "page.base_url", #""/x" is not an absolute"#),
        RuleCase(dataFile(page: #"{"id": "acme", "title": "A", "server_url": "ws://x"}"#), "page.server_url", #""ws://x" is not an absolute"#),
        // The site's paths are appended to these: a query or fragment would sit in the middle of every link.
        RuleCase(
            dataFile(page: #"{"id": "acme", "title": "A", "base_url": "https://x.example/?a=1"}"#),
            "page.base_url",
            #""https://x.example/?a=1" is not a base URL"#
        ),
        RuleCase(
            dataFile(page: #"{"id": "acme", "title": "A", "base_url": "https://x.example/#f"}"#),
            "page.base_url",
            #""https://x.example/#f" is not a base URL: the site's paths are appended to it, so it has no query (?…) or fragment (#…)"#
        ),
        RuleCase(
            dataFile(page: #"{"id": "acme", "title": "A", "server_url": "https://api.x.example/?k=v"}"#),
            "page.server_url",
            #""https://api.x.example/?k=v" is not a base URL"#
        ),
        RuleCase(
            onlyRelease(releaseJSON("1.0.0", #""assets": [{"url": "javascript:alert(1)"}]"#)),
            "releases[0].assets[0].url",
            #""javascript:alert(1)" is not an absolute"#
        ),
    ])
    func urlRules(_ rule: RuleCase) { check(rule) }

    @Test func acceptsHTTPAndHTTPSURLs() throws {
        let urls = ["https://x", "HTTP://X.example/a?b#c", "https://user@host.example:8443/p", "http://127.0.0.1/"]
        let text = dataFile(
            releasesMember(urls.enumerated().map { releaseJSON("1.\($0.offset)", #""url": "\#($0.element)""#) }.joined(separator: ", "))
        )
        #expect(try DataLoader.load([source(text)]).data.releases.compactMap(\.url) == urls)
    }

    @Test(arguments: [
        RuleCase(
            onlyRelease(releaseJSON("1.0.0", date: "2024-02-30T00:00:00Z")),
            "releases[0].published_at",
            #""2024-02-30T00:00:00Z" is not an RFC 3339 timestamp"#
        ),
        RuleCase(
            onlyRelease(releaseJSON("1.0.0", date: "2024-01-01")),
            "releases[0].published_at",
            #""2024-01-01" is not an RFC 3339 timestamp"#
        ),
        RuleCase(
            onlyRelease(releaseJSON("1.0.0", date: "2024-01-01T00:00:00")),
            "releases[0].published_at",
            #""2024-01-01T00:00:00" is not an RFC 3339"#
        ),
        RuleCase(
            withRelease(#""groups": [{"version": "1", "published_at": "2024-13-01T00:00:00Z"}]"#),
            "groups[0].published_at",
            #""2024-13-01T00:00:00Z" is not an RFC 3339"#
        ),
        RuleCase(
            withRelease(#""deployments": [{"component": "api", "version": "1.0.0", "environment": "prod", "started_at": "now"}]"#),
            "deployments[0].started_at",
            #""now" is not an RFC 3339"#
        ),
    ])
    func badTimestamp(_ rule: RuleCase) { check(rule) }

    @Test(arguments: [
        RuleCase(
            onlyRelease(releaseJSON("1.0.0", #""status": "live""#)),
            "releases[0].status",
            #""live" is not one of "published", "draft", "yanked""#
        ),
        RuleCase(onlyRelease(releaseJSON("1.0.0", #""status": "Published""#)), "releases[0].status", #""Published" is not one of"#),
        RuleCase(onlyRelease(releaseJSON("1.0.0", date: nil, #""status": "live""#)), "releases[0].status", #""live" is not one of"#),
        RuleCase(
            withRelease(#""deployments": [{"component": "api", "version": "1.0.0", "environment": "prod", "status": "done"}]"#),
            "deployments[0].status",
            #""done" is not one of "pending", "in_progress", "success""#
        ),
        RuleCase(
            dataFile(page: #"{"id": "acme", "title": "A", "grouping": "by-component"}"#),
            "page.grouping",
            #""by-component" is not one of "none", "by-version""#
        ),
    ])
    func unknownChoice(_ rule: RuleCase) { check(rule) }

    @Test(arguments: [
        RuleCase(
            onlyRelease(releaseJSON("1.0.0", component: "cli")),
            "releases[0].component",
            #"unknown component "cli"; add it to "components""#
        ),
        RuleCase(
            withRelease(#""groups": [{"version": "1", "members": {"api": "9.9.9"}}]"#),
            "groups[0].members.api",
            #"no release "9.9.9" of component "api""#
        ),
        RuleCase(
            withRelease(#""groups": [{"version": "1", "members": {"web": "1.0.0"}}]"#),
            "groups[0].members.web",
            #"no release "1.0.0" of component "web""#
        ),
        RuleCase(withRelease(#""groups": [{"version": "1", "members": {"cli": "1.0.0"}}]"#), "groups[0].members.cli", #"unknown component "cli""#),
        RuleCase(
            withRelease(#""deployments": [{"component": "api", "version": "9.9.9", "environment": "prod"}]"#),
            "deployments[0].version",
            #"no release "9.9.9" of component "api""#
        ),
        RuleCase(
            withRelease(#""deployments": [{"component": "cli", "version": "1.0.0", "environment": "prod"}]"#),
            "deployments[0].component",
            #"unknown component "cli""#
        ),
        RuleCase(
            withRelease(#""sites": [{"slug": "globex", "releases": [{"component": "api", "version": "9.9.9"}]}]"#),
            "sites[0].releases[0]",
            #"no release "9.9.9" of component "api""#
        ),
        RuleCase(
            withRelease(
                #""sites": [{"slug": "globex", "releases": [{"component": "api", "version": "1.0.0"}, {"component": "cli", "version": "1"}]}]"#
            ),
            "sites[0].releases[1]",
            #"unknown component "cli""#
        ),
    ])
    func unknownReference(_ rule: RuleCase) { check(rule) }

    @Test(arguments: [
        RuleCase(
            dataFile(releasesMember(releaseJSON("1.0.0"), releaseJSON("1.0.0", date: "2024-02-01T00:00:00Z"))),
            "releases[1].version",
            #"duplicate release "1.0.0" of component "api" (first at data.json: releases[0])"#
        ),
        RuleCase(
            dataFile(components: #"[{"slug": "api"}, {"slug": "api", "name": "Again"}]"#),
            "components[1].slug",
            #"duplicate component "api" (first at data.json: components[0])"#
        ),
        RuleCase(withRelease(#""groups": [{"version": "1"}, {"version": "1"}]"#), "groups[1].version", #"duplicate group "1""#),
        RuleCase(withRelease(#""sites": [{"slug": "globex"}, {"slug": "globex"}]"#), "sites[1].slug", #"duplicate site "globex""#),
        RuleCase(withRelease(#""environments": [{"name": "prod"}, {"name": "prod"}]"#), "environments[1].name", #"duplicate environment "prod""#),
        // A group naming one component twice would list it twice (and twice in `repos`).
        RuleCase(
            withRelease(#""groups": [{"version": "1", "members": {"api": "1.0.0", "api": "1.0.0"}}]"#),
            "groups[0].members.api",
            #"duplicate key "api""#
        ),
        // Free-form `meta` is written back as given: one key twice must not pass.
        RuleCase(
            withRelease(
                #""deployments": [{"component": "api", "version": "1.0.0", "environment": "prod", "meta": {"a": 1, "b": {"c": 1, "c": 2}}}]"#
            ),
            "deployments[0].meta.b.c",
            #"duplicate key "c""#
        ),
    ])
    func duplicates(_ rule: RuleCase) { check(rule) }

    @Test func sameVersionInTwoComponentsIsNoDuplicate() throws {
        let text = dataFile(releasesMember(releaseJSON("1.0.0"), releaseJSON("1.0.0", component: "web")))
        #expect(try DataLoader.load([source(text)]).data.releases.count == 2)
    }
}
