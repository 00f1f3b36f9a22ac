import NIOCore
import NIOHTTP1

/// Refuses a request without exactly one `Host` (RFC 9112 §3.2: an HTTP/1.1 request needs one; no
/// request may carry several), as the parser's errors are refused: ``ParserErrorHandler`` answers 400
/// `malformed_http` naming the problem and closes the connection. Sits after the HTTP/1 decoder; the
/// refused request goes no further.
final class HostHeaderCheck: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    struct Refused: Error {
        let message: String
    }

    private var refused = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }
        if case .head(let head) = unwrapInboundIn(data), let problem = Self.problem(head) {
            refused = true
            context.fireErrorCaught(Refused(message: problem))
            return
        }
        context.fireChannelRead(data)
    }

    /// What is wrong with the `Host` headers of `head`, in words; nil when nothing is.
    static func problem(_ head: HTTPRequestHead) -> String? {
        let count = head.headers["host"].count
        if count > 1 { return "the request has more than one Host header" }
        if count == 0, head.isHTTP11OrLater { return "an HTTP/1.1 request needs a Host header" }
        return nil
    }
}

extension HTTPRequestHead {
    /// Whether the request speaks HTTP/1.1 or later: the versions that need a `Host` (RFC 9112 §3.2)
    /// and may expect `100 Continue` (RFC 9110 §10.1.1), which HTTP/1.0 does not.
    var isHTTP11OrLater: Bool { version.major == 1 ? version.minor >= 1 : version.major > 1 }
}
