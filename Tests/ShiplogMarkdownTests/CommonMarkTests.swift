import Testing

@Suite("CommonMark rendering")
struct CommonMarkTests {
    @Test(
        "headings",
        arguments: [
            ("# Title", "<h1>Title</h1>\n"),
            ("### Added", "<h3>Added</h3>\n"),
            ("Title\n=====", "<h1>Title</h1>\n"),
            ("Fixed\n-----", "<h2>Fixed</h2>\n"),
        ]
    )
    func headings(markdown: String, expected: String) {
        expectHTML(markdown, expected)
    }

    @Test func bulletAndOrderedLists() {
        expectHTML("- one\n- two\n\n1. first\n2. second", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n<ol>\n<li>first</li>\n<li>second</li>\n</ol>\n")
    }

    @Test func nestedList() {
        expectHTML("- a\n  - b", "<ul>\n<li>a\n<ul>\n<li>b</li>\n</ul>\n</li>\n</ul>\n")
    }

    @Test func codeSpanEscapesHTML() {
        expectParagraph("Call `render(<T>)` now", "Call <code>render(&lt;T&gt;)</code> now")
    }

    @Test func fencedCodeKeepsLanguage() {
        expectHTML("```swift\nlet x = 1 < 2\n```", "<pre><code class=\"language-swift\">let x = 1 &lt; 2\n</code></pre>\n")
    }

    @Test func emphasisAndLinks() {
        expectParagraph(
            "*new* **API** [docs](https://acme.example/docs)",
            #"<em>new</em> <strong>API</strong> <a href="https://acme.example/docs">docs</a>"#
        )
    }

    @Test func emptyInputRendersNothing() {
        expectHTML("", "")
        expectHTML("", "", links: .acmeOnGitHub)
    }

    @Test func textIsEscaped() {
        expectParagraph("a < b & \"c\"", "a &lt; b &amp; &quot;c&quot;")
    }
}
