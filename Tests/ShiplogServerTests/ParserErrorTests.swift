import NIOHTTP1
import NIOHTTPTypesHTTP1
import Testing

@testable import ShiplogServer

/// A refused request is told what is wrong with it, not that its request line holds ASCII only.
@Suite struct ParserErrorTests {
    @Test(arguments: [
        (HTTPParserError.invalidHeaderToken, "a header is not valid"),
        (.invalidMethod, "the request method is not valid"),
        (.headerOverflow, "too large"),
        (.invalidURL, "the request target is not valid"),
        (.invalidVersion, "the HTTP version is not valid"),
        (.invalidContentLength, "Content-Length"),
        (.invalidChunkSize, "chunk size"),
    ])
    func namesTheProblem(error: HTTPParserError, words: String) throws {
        let message = try #require(ParserErrorHandler.message(for: error))
        #expect(message.contains(words))
        if error != .invalidURL { #expect(!message.contains("ASCII")) }
    }

    @Test func otherErrorsAreNotTheParsers() {
        struct Other: Error {}
        #expect(ParserErrorHandler.message(for: Other()) == nil)
        #expect(ParserErrorHandler.message(for: HTTP1TypeConversionError.invalidMethod)?.contains("method") == true)
    }
}
