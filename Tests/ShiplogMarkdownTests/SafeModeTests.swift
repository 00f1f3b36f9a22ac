import ShiplogMarkdown
import Testing

/// libcmark's safe mode must hold on both paths: direct rendering and the autolink tree pass.
@Suite("Safe mode")
struct SafeModeTests {
    static let renderers: [RepositoryLinks?] = [nil, .acmeOnGitHub]

    @Test("raw HTML block is omitted", arguments: renderers)
    func scriptBlock(links: RepositoryLinks?) {
        expectHTML("<script>alert(1)</script>", "<!-- raw HTML omitted -->\n", links: links)
        expectHTML("<script>alert('#1 @x')</script>", "<!-- raw HTML omitted -->\n", links: links)
    }

    @Test("inline raw HTML is omitted", arguments: renderers)
    func inlineImage(links: RepositoryLinks?) {
        expectParagraph("Hi <img src=x onerror=alert(1)> there", "Hi <!-- raw HTML omitted --> there", links: links)
    }

    @Test(
        "dangerous link URLs are dropped",
        arguments: [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "vbscript:msgbox(1)",
            "file:///etc/passwd",
            "data:text/html;base64,PHNjcmlwdD4=",
        ]
    )
    func dangerousLink(url: String) {
        expectParagraph("[x](\(url))", #"<a href="">x</a>"#)
        expectParagraph("[#1](\(url))", #"<a href="">#1</a>"#, links: .acmeOnGitHub)
    }

    @Test func dangerousAutolinkIsDropped() {
        expectParagraph("<javascript:alert(1)>", #"<a href="">javascript:alert(1)</a>"#)
    }

    @Test(
        "images may use raster data URLs only",
        arguments: [
            ("data:image/png;base64,iVBOR", "data:image/png;base64,iVBOR"),
            ("data:image/gif;base64,R0lG", "data:image/gif;base64,R0lG"),
            ("data:image/jpeg;base64,/9j/", "data:image/jpeg;base64,/9j/"),
            ("data:image/webp;base64,UklG", "data:image/webp;base64,UklG"),
            ("data:image/svg+xml;base64,PHN2Zz4=", ""),
            ("javascript:alert(1)", ""),
        ]
    )
    func imageURL(url: String, kept: String) {
        expectParagraph("![i](\(url))", #"<img src="\#(kept)" alt="i" />"#)
    }

    @Test func attributeQuotesAreEscaped() {
        expectParagraph(#"[x](https://a.example/"onmouseover=alert(1))"#, #"<a href="https://a.example/%22onmouseover=alert(1)">x</a>"#)
    }
}
