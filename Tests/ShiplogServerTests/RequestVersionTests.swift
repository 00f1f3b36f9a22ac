import NIOHTTP1
import Testing

@testable import ShiplogServer

/// The one rule of which request versions count as HTTP/1.1 or later: they need a `Host`
/// (``HostHeaderCheck``) and may be sent `100 Continue` (``ExpectContinue``); HTTP/1.0 does neither.
@Suite struct RequestVersionTests {
    static func head(_ version: HTTPVersion, _ headers: [(String, String)] = []) -> HTTPRequestHead {
        HTTPRequestHead(version: version, method: .POST, uri: "/", headers: HTTPHeaders(headers))
    }

    @Test(arguments: [(HTTPVersion.http1_0, false), (.http1_1, true), (HTTPVersion(major: 1, minor: 2), true), (.http2, true)])
    func countsAsHTTP11OrLater(_ version: HTTPVersion, _ later: Bool) {
        #expect(Self.head(version).isHTTP11OrLater == later)
        #expect(ExpectContinue.expectsContinue(Self.head(version, [("Expect", "100-continue")])) == later)
        #expect((HostHeaderCheck.problem(Self.head(version)) != nil) == later)
    }

    @Test func aHostIsNeededOnceWhateverTheVersion() {
        #expect(HostHeaderCheck.problem(Self.head(.http1_1, [("Host", "x.example")])) == nil)
        #expect(HostHeaderCheck.problem(Self.head(.http1_0, [("Host", "a"), ("Host", "b")])) == "the request has more than one Host header")
    }
}
