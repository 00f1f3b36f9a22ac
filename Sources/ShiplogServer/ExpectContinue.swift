import Foundation
import NIOCore
import NIOHTTP1

/// Answers `Expect: 100-continue` with `100 Continue` (RFC 9110 §10.1.1), so that a client that
/// waits for it before sending its body does not wait out its own timeout first: curl sends the
/// header with larger bodies and waits 1 s for the answer, on every such request.
///
/// The `100` goes out as soon as the head is read, before the answer is known, as RFC 9110 allows:
/// a request refused then (a 401) is answered once its body has come, as any other. The handler sits
/// after the HTTP/1 decoder, where a connection's requests arrive in order, but where a pipelined
/// request may arrive while an earlier one is still being answered: its `100` waits until that
/// answer has ended, so that it never lands inside another answer. An HTTP/1.0 request gets none,
/// as RFC 9110 requires.
final class ExpectContinue: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// Per request not yet answered whole, oldest first: whether it is still owed a `100 Continue`.
    private var owed = CircularBuffer<Bool>()

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) {
            owed.append(Self.expectsContinue(head))
            if owed.count == 1 { sendContinueIfOwed(context) }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        context.write(data, promise: promise)
        if case .end = unwrapOutboundIn(data) {
            if !owed.isEmpty { owed.removeFirst() }
            sendContinueIfOwed(context)
        }
    }

    /// Sends `100 Continue` to the oldest request not yet answered, when it is owed one.
    private func sendContinueIfOwed(_ context: ChannelHandlerContext) {
        guard let first = owed.first, first else { return }
        owed[owed.startIndex] = false
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .continue))), promise: nil)
    }

    /// Whether `head` asks for `100 Continue`: HTTP/1.1 or later, with the `100-continue` expectation.
    static func expectsContinue(_ head: HTTPRequestHead) -> Bool {
        guard head.isHTTP11OrLater else { return false }
        return head.headers["expect"].contains { $0.trimmingCharacters(in: .whitespaces).lowercased() == "100-continue" }
    }
}
