import ShiplogMarkdown
import Testing

extension RepositoryLinks {
    /// `https://github.com/acme/api`
    static let acmeOnGitHub = RepositoryLinks(repositoryURL: "https://github.com/acme/api")!
    /// `https://gitlab.com/acme/platform/api` (a project in a subgroup)
    static let acmeOnGitLab = RepositoryLinks(repositoryURL: "https://gitlab.com/acme/platform/api")!
}

/// Expects `markdown` to render to exactly `expected`; failures point at the caller.
func expectHTML(
    _ markdown: String,
    _ expected: String,
    links: RepositoryLinks? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let html = MarkdownRenderer(links: links).html(markdown)
    #expect(html == expected, "rendering \(String(reflecting: markdown))", sourceLocation: sourceLocation)
}

/// Expects `markdown` to render to a single paragraph holding exactly `inner`.
func expectParagraph(
    _ markdown: String,
    _ inner: String,
    links: RepositoryLinks? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    expectHTML(markdown, "<p>\(inner)</p>\n", links: links, sourceLocation: sourceLocation)
}

/// `<a href="https://github.com/acme/api/issues/N">#N</a>`
func githubIssue(_ number: Int) -> String {
    #"<a href="https://github.com/acme/api/issues/\#(number)">#\#(number)</a>"#
}

/// `<a href="https://github.com/NAME">@NAME</a>`
func githubUser(_ name: String) -> String {
    #"<a href="https://github.com/\#(name)">@\#(name)</a>"#
}
