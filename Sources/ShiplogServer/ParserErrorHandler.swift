import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import ShiplogModel

/// Answers what the HTTP parser refuses (bytes that are not HTTP/1.1, such as raw invalid UTF-8 in
/// the request line) with the API's JSON error, where Hummingbird would send an empty 400; then
/// closes the connection, as the stream cannot be read on.
final class ParserErrorHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    static let body = JSONWriter.write(
        APIError(
            .badRequest,
            "malformed_http",
            "the request is not valid HTTP/1.1 (a request line, for one, holds ASCII only: encode other bytes as %XX)"
        )
        .body,
        pretty: false
    )

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        let body = ByteBuffer(string: Self.body)
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
