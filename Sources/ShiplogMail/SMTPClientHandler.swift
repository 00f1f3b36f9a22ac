import NIOCore
import NIOSSL

/// The channel's SMTP end: parses replies, hands each to the command waiting for it (or keeps it
/// until one waits), and fails every waiter once the connection breaks or a reply is late.
///
/// Used only on its channel's event loop (``SMTPConnection`` reaches it through `NIOLoopBound`).
final class SMTPClientHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private struct Waiter {
        var promise: EventLoopPromise<SMTPReply>
        var timeout: Scheduled<Void>?
    }

    private var parser = SMTPReplyParser()
    private var replies = CircularBuffer<SMTPReply>()
    private var waiters = CircularBuffer<Waiter>()
    private var failure: SMTPError?
    private var context: ChannelHandlerContext?

    /// Whether bytes arrived that no command has read yet (checked before STARTTLS, RFC 3207 §4.2).
    var hasUnreadInput: Bool { !replies.isEmpty || !parser.isEmpty }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        fail(SMTPError(.connectionClosed, "the SMTP handler was removed from the channel"))
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        do {
            for reply in try parser.parse(buffer.readableBytesView) {
                if waiters.isEmpty {
                    replies.append(reply)
                } else {
                    let waiter = waiters.removeFirst()
                    waiter.timeout?.cancel()
                    waiter.promise.succeed(reply)
                }
            }
        } catch {
            fail(error)
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(SMTPError(.connectionClosed, "the server closed the connection"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(Self.describe(error))
        context.close(promise: nil)
    }

    /// Sends `bytes` (when given) and returns the next reply, failing after `timeout`.
    func exchange(_ bytes: ByteBuffer?, timeout: TimeAmount, on eventLoop: any EventLoop) -> EventLoopFuture<SMTPReply> {
        guard let context else {
            return eventLoop.makeFailedFuture(failure ?? SMTPError(.connectionClosed, "the connection is closed"))
        }
        if let bytes {
            let written = context.eventLoop.makePromise(of: Void.self)
            written.futureResult.assumeIsolated().whenFailure { [self] error in fail(Self.describe(error)) }
            context.writeAndFlush(wrapOutboundOut(bytes), promise: written)
        }
        if !replies.isEmpty {
            return context.eventLoop.makeSucceededFuture(replies.removeFirst())
        }
        if let failure {
            return context.eventLoop.makeFailedFuture(failure)
        }
        let promise = context.eventLoop.makePromise(of: SMTPReply.self)
        let scheduled = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            fail(SMTPError(.timeout, "the server did not answer within \(Self.seconds(timeout))"))
            self.context?.close(promise: nil)
        }
        waiters.append(Waiter(promise: promise, timeout: scheduled))
        return promise.futureResult
    }

    /// Fails every waiting command, and every later one, with the first error seen.
    private func fail(_ error: SMTPError) {
        if failure == nil { failure = error }
        while let waiter = waiters.popFirst() {
            waiter.timeout?.cancel()
            waiter.promise.fail(failure ?? error)
        }
    }

    /// The error as an ``SMTPError``: TLS errors become `tlsFailed`, others `connectionClosed`.
    static func describe(_ error: any Error) -> SMTPError {
        switch error {
        case let error as SMTPError:
            return error
        case is NIOSSLError, is NIOSSLExtraError, is BoringSSLError:
            return SMTPError(.tlsFailed, "TLS failed: check the server's certificate, or the CA given with tls_ca", cause: error)
        default:
            return SMTPError(.connectionClosed, "the connection failed", cause: error)
        }
    }

    static func seconds(_ amount: TimeAmount) -> String {
        let milliseconds = amount.nanoseconds / 1_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(Double(milliseconds) / 1000) s"
    }
}
