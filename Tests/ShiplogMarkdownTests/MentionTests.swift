import ShiplogMarkdown
import Testing

@Suite("@name mentions")
struct MentionTests {
    @Test func linkedOnGitHub() {
        expectParagraph("Thanks @octocat!", "Thanks \(githubUser("octocat"))!", links: .acmeOnGitHub)
    }

    @Test func linkedOnGitLab() {
        expectParagraph("@lee_chen", #"<a href="https://gitlab.com/lee_chen">@lee_chen</a>"#, links: .acmeOnGitLab)
    }

    @Test(
        "e-mail addresses and other @ uses stay text",
        arguments: [
            "mail a@b.example",
            "lee@acme.example",
            "x.@foo",
            "x-@foo",
            "x_@foo",
            "a/@foo",
            "@@foo",
            "é@foo",
            "@",
            "@ foo",
            "@-foo",
            "@org/team",
            "@foo_bar",
        ]
    )
    func notLinkedOnGitHub(markdown: String) {
        expectHTML(markdown, MarkdownRenderer().html(markdown), links: .acmeOnGitHub)
        #expect(!MarkdownRenderer(links: .acmeOnGitHub).html(markdown).contains("<a"))
    }

    @Test(
        "GitHub names: letters, digits, inner single hyphens, at most 39",
        arguments: [
            ("@lee.chen", "\(githubUser("lee")).chen"),
            ("@a-b-c", githubUser("a-b-c")),
            ("@foo-", "\(githubUser("foo"))-"),
            ("@foo--bar", "\(githubUser("foo"))--bar"),
            ("(@octocat)", "(\(githubUser("octocat")))"),
            ("@Octo42, hi", "\(githubUser("Octo42")), hi"),
            ("@" + String(repeating: "a", count: 39), githubUser(String(repeating: "a", count: 39))),
            ("@" + String(repeating: "a", count: 40), "@" + String(repeating: "a", count: 40)),
            ("é @octocat ü", "é \(githubUser("octocat")) ü"),
        ]
    )
    func gitHubNames(markdown: String, inner: String) {
        expectParagraph(markdown, inner, links: .acmeOnGitHub)
    }

    @Test(
        "GitLab names: letters, digits, _, . and -, not ending in . or -",
        arguments: [
            ("@lee.chen", #"<a href="https://gitlab.com/lee.chen">@lee.chen</a>"#),
            ("@lee.", #"<a href="https://gitlab.com/lee">@lee</a>."#),
            ("@lee-.", #"<a href="https://gitlab.com/lee">@lee</a>-."#),
            ("@_bot", #"<a href="https://gitlab.com/_bot">@_bot</a>"#),
            ("@foo_bar-baz", #"<a href="https://gitlab.com/foo_bar-baz">@foo_bar-baz</a>"#),
            ("@group/sub", "@group/sub"),
            ("a@b.example", "a@b.example"),
        ]
    )
    func gitLabNames(markdown: String, inner: String) {
        expectParagraph(markdown, inner, links: .acmeOnGitLab)
    }

    @Test(
        "code attributes stay text: known names, arguments, a declaration after them",
        arguments: [
            "Adopt @preconcurrency imports",
            "Mark it @MainActor",
            "Use @Query to fetch",
            "@available(iOS 15, *) everywhere",
            "@Query(sort: \\.date) works",
            "@discardableResult, @inlinable and @usableFromInline",
            "@Sendable closures and @escaping ones",
            "@Dependency var clock",
            "@Observable final class Model",
            "@Custom(\"x\") wrappers",
            "Java's @Override and Python's @dataclass",
        ]
    )
    func codeAttributesNotLinked(markdown: String) {
        #expect(!MarkdownRenderer(links: .acmeOnGitHub).html(markdown).contains("<a"), "\(markdown)")
        #expect(!MarkdownRenderer(links: .acmeOnGitLab).html(markdown).contains("<a"), "\(markdown)")
    }

    @Test(
        "people stay linked beside attributes",
        arguments: [
            ("thanks @compnerd", "thanks \(githubUser("compnerd"))"),
            ("@jivings fixed @MainActor isolation", "\(githubUser("jivings")) fixed @MainActor isolation"),
            ("by @DougGregor (#12)", "by \(githubUser("DougGregor")) (\(githubIssue(12)))"),
            ("@octocat variables", "\(githubUser("octocat")) variables"),
        ]
    )
    func peopleBesideAttributes(markdown: String, inner: String) {
        expectParagraph(markdown, inner, links: .acmeOnGitHub)
    }

    @Test func mixedWithIssues() {
        expectParagraph(
            "#3 by @octocat, #4 by @hubot",
            "\(githubIssue(3)) by \(githubUser("octocat")), \(githubIssue(4)) by \(githubUser("hubot"))",
            links: .acmeOnGitHub
        )
    }

    @Test func documentationExample() {
        let renderer = MarkdownRenderer(links: RepositoryLinks(repositoryURL: "https://github.com/acme/api"))
        #expect(
            renderer.html("Fixes #12, thanks @octocat")
                == #"<p>Fixes <a href="https://github.com/acme/api/issues/12">#12</a>, thanks <a href="https://github.com/octocat">@octocat</a></p>"#
                + "\n"
        )
    }

    @Test func notInCodeOrLinks() {
        expectParagraph(
            "`@octocat` [@hubot](https://x.example)",
            #"<code>@octocat</code> <a href="https://x.example">@hubot</a>"#,
            links: .acmeOnGitHub
        )
    }

    @Test func autolinkedEmailStaysAsWritten() {
        expectParagraph("<lee@acme.example>", #"<a href="mailto:lee@acme.example">lee@acme.example</a>"#, links: .acmeOnGitHub)
    }
}
