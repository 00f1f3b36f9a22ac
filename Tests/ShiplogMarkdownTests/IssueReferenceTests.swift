import ShiplogMarkdown
import Testing

@Suite("#123 issue references")
struct IssueReferenceTests {
    let links = RepositoryLinks.acmeOnGitHub

    @Test func linkedInText() {
        expectParagraph("Fixes #123", "Fixes \(githubIssue(123))", links: links)
    }

    @Test(
        "linked next to punctuation and spaces",
        arguments: [
            ("#1", githubIssue(1)),
            ("(#12)", "(\(githubIssue(12)))"),
            ("see #12.", "see \(githubIssue(12))."),
            ("#12: crash", "\(githubIssue(12)): crash"),
            ("[#12]", "[\(githubIssue(12))]"),
            ("-#12", "-\(githubIssue(12))"),
            ("é #7 ü", "é \(githubIssue(7)) ü"),
            ("日本 #7。", "日本 \(githubIssue(7))。"),
            ("—#7—", "—\(githubIssue(7))—"),
        ]
    )
    func linked(markdown: String, inner: String) {
        expectParagraph(markdown, inner, links: links)
    }

    @Test(
        "left as text",
        arguments: [
            "#12abc",
            "#12_x",
            "a#12",
            "9#12",
            "a_#12",
            "path/#12",
            "&#12",
            "x&amp;#12",
            "x\\_#12",
            "#",
            "# ",
            "#abc",
            "é#7",
            "#7é",
        ]
    )
    func notLinked(markdown: String) {
        expectHTML(markdown, MarkdownRenderer().html(markdown), links: links)
        #expect(!MarkdownRenderer(links: links).html(markdown).contains("<a"))
    }

    @Test func notInCodeSpan() {
        expectParagraph("Use `x #1` here", "Use <code>x #1</code> here", links: links)
    }

    @Test func notInFencedCode() {
        expectHTML("```\nlet x = 1 // #12 @octocat\n```", "<pre><code>let x = 1 // #12 @octocat\n</code></pre>\n", links: links)
    }

    @Test func notInIndentedCode() {
        expectHTML("    #12", "<pre><code>#12\n</code></pre>\n", links: links)
    }

    @Test func notInsideExistingLinkText() {
        expectParagraph("[see #12](https://x.example)", #"<a href="https://x.example">see #12</a>"#, links: links)
    }

    @Test func notInsideImageAlt() {
        expectParagraph("![#3](shot.png)", ##"<img src="shot.png" alt="#3" />"##, links: links)
    }

    @Test func multipleInOneTextNode() {
        expectParagraph(
            "Fixes #1, #2 and #3 (#4)",
            "Fixes \(githubIssue(1)), \(githubIssue(2)) and \(githubIssue(3)) (\(githubIssue(4)))",
            links: links
        )
    }

    @Test func insideEmphasis() {
        expectParagraph("*fixes #5*", "<em>fixes \(githubIssue(5))</em>", links: links)
        expectParagraph("**#5** done", "<strong>\(githubIssue(5))</strong> done", links: links)
    }

    @Test func inHeadingAndListItems() {
        expectHTML(
            "## Fixed #9\n\n- crash (#10)\n- leak #11",
            "<h2>Fixed \(githubIssue(9))</h2>\n<ul>\n<li>crash (\(githubIssue(10)))</li>\n<li>leak \(githubIssue(11))</li>\n</ul>\n",
            links: links
        )
    }

    @Test func acrossSoftLineBreak() {
        expectParagraph("Fixes\n#2", "Fixes\n\(githubIssue(2))", links: links)
    }

    @Test func gitLabIssueURL() {
        expectParagraph("See #42", #"See <a href="https://gitlab.com/acme/platform/api/-/issues/42">#42</a>"#, links: .acmeOnGitLab)
    }

    @Test func noLinksWithoutRepository() {
        expectParagraph("Fixes #1, thanks @octocat", "Fixes #1, thanks @octocat")
    }
}
