import Testing

@testable import ShiplogModel

/// ``Rules/baseURLProblem(_:appended:)``: the one rule for every address that paths are appended to
/// (data files, `build --server-url`, the CI client's server, webhook forwarding, `convert --url`,
/// `serve --public-url`); each caller names what it appends and adds its flag or field.
@Suite struct BaseURLRuleTests {
    @Test(arguments: ["https://x.example", "https://x.example/releases/", "http://[::1]:8080/a"])
    func aURLWithoutQueryOrFragmentIsABase(url: String) {
        #expect(Rules.baseURLProblem(url, appended: "the site's paths") == nil)
    }

    @Test func aQueryOrFragmentIsRefusedNamingWhatIsAppended() {
        #expect(
            Rules.baseURLProblem("https://x.example/?a=1", appended: "the API's paths")
                == #""https://x.example/?a=1" is not a base URL: the API's paths are appended to it, so it has no query (?…) or fragment (#…)"#
        )
        #expect(Rules.baseURLProblem("https://x.example/#f", appended: "relative links")?.contains("relative links are appended") == true)
    }

    @Test func aURLThatIsNotOneGetsTheURLRulesMessage() {
        #expect(Rules.baseURLProblem("ftp://x.example/?a", appended: "the site's paths") == Rules.urlProblem("ftp://x.example/?a"))
        #expect(Rules.baseURLProblem("https://x.example:99999/", appended: "the site's paths") == Rules.urlProblem("https://x.example:99999/"))
    }
}
