import ShiplogMarkdown
import Testing

@Suite("Repository links")
struct RepositoryLinksTests {
    @Test(
        "parses and normalizes GitHub and GitLab URLs",
        arguments: [
            ("https://github.com/acme/api", RepositoryLinks.Host.github, "https://github.com/acme/api"),
            ("https://github.com/acme/api.git", .github, "https://github.com/acme/api"),
            ("https://github.com/acme/api/", .github, "https://github.com/acme/api"),
            ("https://github.com/acme/api.git/", .github, "https://github.com/acme/api"),
            ("http://github.com/acme/api", .github, "http://github.com/acme/api"),
            ("HTTPS://GitHub.com/acme/API", .github, "https://github.com/acme/API"),
            ("https://github.com/acme/.github", .github, "https://github.com/acme/.github"),
            ("https://gitlab.com/acme/api", .gitlab, "https://gitlab.com/acme/api"),
            ("https://gitlab.com/acme/platform/api.git", .gitlab, "https://gitlab.com/acme/platform/api"),
            ("https://gitlab.com/acme/platform/core/api/", .gitlab, "https://gitlab.com/acme/platform/core/api"),
        ]
    )
    func parses(url: String, host: RepositoryLinks.Host, normalized: String) throws {
        let links = try #require(RepositoryLinks(repositoryURL: url))
        #expect(links.host == host)
        #expect(links.repositoryURL == normalized)
    }

    @Test(
        "rejects anything else",
        arguments: [
            "",
            "github.com/acme/api",
            "ftp://github.com/acme/api",
            "git@github.com:acme/api.git",
            "ssh://git@github.com/acme/api",
            "https://bitbucket.org/acme/api",
            "https://example.com/acme/api",
            "https://github.example/acme/api",
            "https://www.github.com/acme/api",
            "https://github.com.evil.example/acme/api",
            "https://github.com:8443/acme/api",
            "https://user@github.com/acme/api",
            "https://github.com",
            "https://github.com/",
            "https://github.com/acme",
            "https://github.com/acme/",
            "https://github.com/acme/.git",
            "https://github.com/acme//api",
            "https://github.com/acme/api/tree/main",
            "https://github.com/acme/api?tab=readme",
            "https://github.com/acme/api#readme",
            "https://github.com/acme/a pi",
            "https://github.com/-acme/api",
            "https://github.com/acme/..",
            "https://gitlab.com/acme",
            "https://gitlab.com/acme/api/-/issues",
        ]
    )
    func rejects(url: String) {
        #expect(RepositoryLinks(repositoryURL: url) == nil)
    }

    @Test func gitHubURLs() {
        let links = RepositoryLinks.acmeOnGitHub
        #expect(links.issueURL("7") == "https://github.com/acme/api/issues/7")
        #expect(links.profileURL("octocat") == "https://github.com/octocat")
    }

    @Test func gitLabURLs() {
        let links = RepositoryLinks.acmeOnGitLab
        #expect(links.issueURL("7") == "https://gitlab.com/acme/platform/api/-/issues/7")
        #expect(links.profileURL("lee.chen") == "https://gitlab.com/lee.chen")
    }

    /// A release's author links to a profile only when it is a user name: display names, paths and
    /// URLs would make links to pages that do not exist (`https://github.com/Jane Doe`).
    @Test func authorProfiles() {
        let github = RepositoryLinks.acmeOnGitHub
        #expect(github.profileURL(author: "octocat") == "https://github.com/octocat")
        #expect(github.profileURL(author: "@octo-cat") == "https://github.com/octo-cat")
        #expect(github.profileURL(author: "dependabot[bot]") == "https://github.com/apps/dependabot")
        for author in [
            "Jane Doe", "../../evil", "bob?x=1", "bob/x", "https://evil.example", "lee.chen", "-x", "", "@", String(repeating: "a", count: 40),
        ] {
            #expect(github.profileURL(author: author) == nil, "\(author)")
        }
        let gitlab = RepositoryLinks.acmeOnGitLab
        #expect(gitlab.profileURL(author: "lee.chen") == "https://gitlab.com/lee.chen")
        #expect(gitlab.profileURL(author: "Lee Chen") == nil)
        #expect(gitlab.profileURL(author: "renovate[bot]") == nil)
    }

    @Test func equalAfterNormalization() {
        #expect(RepositoryLinks(repositoryURL: "https://github.com/acme/api.git/") == .acmeOnGitHub)
    }
}
