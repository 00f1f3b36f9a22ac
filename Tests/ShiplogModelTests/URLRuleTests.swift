import Testing

@testable import ShiplogModel

/// ``Rules/urlProblem(_:)``, read byte by byte: the forms it takes and refuses.
@Suite struct URLRuleTests {
    @Test(
        arguments: [
            ("https://example.com", true), ("HTTP://Example.com/a?b#c", true), ("https://user:pw@host.example/x", true),
            ("https://a@b@host/", true), ("http://host@", true), ("https://example.com/ünïcode", true), ("https://[::1]:8443/", true),
            ("https://", false), ("https:///path", false), ("https://@/x", false), ("https://:80/", false), ("ftp://example.com", false),
            ("example.com", false), ("https://exa mple.com", false), ("https://example.com/\u{7F}", false), ("https://example.com/{x}", false),
            ("https://example.com/\u{2003}", false), ("https://example.com/ü\t", false), ("", false),
            ("https://example.com:65535/", true), ("https://example.com:/", true), ("http://[fd00::1]/", true), ("http://[::ffff:1.2.3.4]:80", true),
            ("https://example.com:65536/", false), ("https://example.com:99999/", false), ("https://example.com:abc/", false),
            ("https://example.com:-1/", false), ("https://example.com:+80/", false), ("http://[::1/", false), ("http://[::1]x/", false),
            ("http://[]/", false), ("http://[::g]/", false), ("https://u:p@example.com:123456", false),
            ("http://a]b/", false), ("http://a[b/", false), ("http://a[b]c/", false), ("http://u[@host/", false), ("http://u]@[::1]/", false),
            ("http://[::1]]/", false), ("https://example.com/a[1]?b[]=2#[x]", true),
            ("http://[1:2:3]/", false), ("http://[1::2::3]/", false), ("http://[1.2.3.4]/", false), ("http://[2001:db8::7]:443/", true),
        ]
    )
    func form(url: String, valid: Bool) {
        #expect((Rules.urlProblem(url) == nil) == valid, "\(url)")
    }

    @Test func aRefusedByteIsNamedInTheMessage() {
        #expect(Rules.urlProblem("https://exa mple.com")?.hasSuffix("(it contains a space, a control character or one of <>\"`{}|^)") == true)
        #expect(Rules.urlProblem("mailto:x@example.com") == "\"mailto:x@example.com\" is not an absolute http or https URL")
        #expect(Rules.urlProblem("http://a]b/") == "\"http://a]b/\" is not an absolute http or https URL ([ and ] may only enclose an IPv6 address)")
    }
}
