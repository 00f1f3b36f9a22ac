import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import ShiplogModel

/// Answers what the HTTP parser refuses with the API's JSON error naming the problem (a bad header,
/// a method that is no token, headers too large …), where Hummingbird would send an empty 400; then
/// closes the connection, as the stream cannot be read on.
final class ParserErrorHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    private var answered = false

    /// What is wrong with the request, in words, for the errors of NIO's HTTP/1 parser and codec.
    static func message(for error: any Error) -> String? {
        if let error = error as? HostHeaderCheck.Refused { return error.message }
        if let error = error as? HTTP1TypeConversionError {
            return error == .invalidMethod
                ? "the request method is not valid (a method is a token such as GET or POST)"
                : "the request target is missing or not valid"
        }
        guard let error = error as? HTTPParserError else { return nil }
        let problem =
            switch error {
            case .invalidMethod: "the request method is not valid (a method is a token such as GET or POST)"
            case .invalidURL:
                "the request target is not valid (the request line holds ASCII only: encode other bytes as %XX; no spaces or control characters)"
            case .invalidVersion: "the HTTP version is not valid (expected HTTP/1.0 or HTTP/1.1)"
            case .invalidHeaderToken:
                "a header is not valid (a name is a token followed by a colon; a value holds no control characters)"
            case .headerOverflow: "the request line and headers are too large (at most 80 KiB)"
            case .invalidContentLength: "the Content-Length header is not valid (one decimal number)"
            case .unexpectedContentLength: "the request has both Content-Length and Transfer-Encoding, or a Content-Length where none is allowed"
            case .invalidChunkSize: "a chunk size of the chunked body is not valid"
            case .lfExpected: "a line does not end with CR LF"
            case .invalidCharactersUsed: "the request holds characters that HTTP does not allow there"
            case .trailingGarbage: "bytes follow the request that are not a request"
            case .invalidEOFState, .closedConnection: "the connection closed in the middle of the request"
            case .invalidConstant: "the request does not follow HTTP/1.1 (an unexpected character in the request line or a header)"
            default: "the request is not valid HTTP/1.1"
            }
        return problem
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let message = Self.message(for: error) else {
            context.fireErrorCaught(error)
            return
        }
        guard !answered else { return }
        answered = true
        let body = ByteBuffer(
            string: JSONWriter.write(APIError(.badRequest, "malformed_http", "malformed HTTP request: \(message)").body, pretty: false)
        )
        var fields = HTTPFields()
        fields[.contentType] = "application/json; charset=utf-8"
        fields[.contentLength] = String(body.readableBytes)
        fields[.connection] = "close"
        context.write(wrapOutboundOut(.head(HTTPResponse(status: .badRequest, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.close(promise: nil)
    }
}
