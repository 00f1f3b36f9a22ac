import Testing

@testable import ShiplogModel

/// ``URLAuthority``: the one reading of where a URL points, which the URL rules, the SMTP URL and
/// mail's Message-IDs share.
@Suite struct URLAuthorityTests {
    @Test(arguments: [
        ("https://example.com/a?b#c", "example.com", ""), ("https://user:pw@host.example:8443/x", "host.example", ":8443"),
        ("http://a@b@host/", "host", ""), ("http://[::1]:8080/", "[::1]", ":8080"), ("http://[::1]x/", "[::1]", "x"),
        ("http://[::1/", "[::1", ""), ("http://:80/", "", ":80"), ("https:///path", "", ""), ("http://host@", "host", ""),
        ("smtp://mail.example:587?starttls=required", "mail.example", ":587"),
    ])
    func readsHostAndPort(_ url: String, _ host: String, _ afterHost: String) throws {
        let authority = try #require(URLAuthority(url: url))
        #expect(authority.host == host)
        #expect(authority.afterHost == afterHost)
    }

    @Test func aURLWithoutSchemeHasNone() {
        #expect(URLAuthority(url: "example.com/x") == nil)
    }
}
