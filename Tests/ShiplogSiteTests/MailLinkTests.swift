import Testing

@testable import ShiplogSite

/// ``MessageRenderer/absoluteLinks(_:base:)``: relative links and image sources of a mail's notes
/// made absolute against the release's page; links with a scheme, and attributes never closed, stay.
@Suite struct MailLinkTests {
    let page = "https://releases.example/components/api/v1.2.0/"

    @Test func relativeLinksBecomeAbsolute() {
        let html = ##"<p><a href="/docs/?a=1&amp;b=2">d</a> <a href="../v1.1.0/">v</a> <img src="img/a.png" alt="x"> <a href="#fixed">f</a></p>"##
        #expect(
            MessageRenderer.absoluteLinks(html, base: page)
                == ##"<p><a href="https://releases.example/docs/?a=1&amp;b=2">d</a> <a href="https://releases.example/components/api/v1.1.0/">v</a> <img src="https://releases.example/components/api/v1.2.0/img/a.png" alt="x"> <a href="https://releases.example/components/api/v1.2.0/#fixed">f</a></p>"##
        )
    }

    @Test func linksWithASchemeStayAsTheyAre() {
        let html = #"<a href="mailto:a@x.example">m</a> <a href="HTTPS://x.example/a">x</a> <a href="c+d.e-1:x">s</a>"#
        #expect(MessageRenderer.absoluteLinks(html, base: page) == html)
    }

    @Test func onlyClosedHrefAndSrcAttributesChange() {
        let html = #"<a title="x" data-href="y">t</a> <a href="z"#
        #expect(MessageRenderer.absoluteLinks(html, base: page) == html)
        #expect(MessageRenderer.absoluteLinks(#"<a href="a" href="b">"#, base: page) == #"<a href="\#(page)a" href="\#(page)b">"#)
    }
}
