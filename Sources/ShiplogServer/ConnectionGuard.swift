import Logging
import NIOCore
import NIOHTTP1

/// Closes connections that hold the server without using it (SPEC §6.2): a request head that does
/// not arrive whole within ``ConnectionTimeouts/header``, a keep-alive connection idle for
/// ``ConnectionTimeouts/idle``, a body that stalls for ``ConnectionTimeouts/body``; and closes a
/// connection after the answer when its request did not ask for keep-alive (HTTP/1.0 without
/// `Connection: keep-alive`, or `Connection: close`). It also keeps the bytes of an answer to `HEAD`
/// off the wire (routes and error answers write bodies whatever the method; a body after a `HEAD`
/// answer would be read as the start of the next answer).
///
/// It sits between NIO's HTTP/1 decoder and the HTTP types codec, where each request's version is still
/// known; ``ByteTap`` at the front of the pipeline tells it when raw bytes arrive, since the decoder
/// says nothing until a head is complete. One timer per connection, moved only when a deadline comes
/// earlier than the one it waits for: a busy keep-alive connection reschedules it about twice per
/// header timeout, not per request.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let header: TimeAmount
    private let idle: TimeAmount
    private let body: TimeAmount
    private let logger: Logger

    private var context: ChannelHandlerContext?
    private var opened = NIODeadline.now()
    /// Whether a request was answered on this connection (later heads get their own header time).
    private var answeredAny = false
    /// When the first byte of a head that is not complete yet arrived.
    private var headStarted: NIODeadline?
    private var readingBody = false
    private var lastRead = NIODeadline.now()
    private var lastAnswer = NIODeadline.now()
    /// Requests whose answer is not written whole yet.
    private var unanswered = 0
    private var closeWhenAnswered = false
    /// For each request not answered yet, in order, whether it is a `HEAD`.
    private var heads: [Bool] = []
    private var answeringHead = false
    private var timer: Scheduled<Void>?
    private var timerDeadline: NIODeadline?

    init(_ timeouts: ConnectionTimeouts, logger: Logger) {
        self.logger = logger
        header = TimeAmount(timeouts.header)
        idle = TimeAmount(timeouts.idle)
        body = TimeAmount(timeouts.body)
    }

    /// When the connection is to be closed if nothing changes; nil while the server works on an answer.
    private var deadline: NIODeadline? {
        if readingBody { return lastRead + body }
        if unanswered > 0 { return nil }
        if let headStarted { return headStarted + header }
        return answeredAny ? lastAnswer + idle : opened + header
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        opened = .now()
        arm()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    /// Raw bytes arrived (from ``ByteTap``): part of a body, or the start of a head.
    func bytesArrived() {
        if readingBody {
            lastRead = .now()
        } else if headStarted == nil {
            // The first request's head is timed from the opening, so waiting before the first byte gains nothing.
            headStarted = answeredAny ? .now() : opened
            arm()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            headStarted = nil
            readingBody = true
            unanswered += 1
            heads.append(head.method == .HEAD)
            lastRead = .now()
            if !head.isKeepAlive { closeWhenAnswered = true }
        case .body:
            lastRead = .now()
        case .end:
            readingBody = false
        }
        arm()
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head):
            // An interim answer (100 Continue) comes before the request's own.
            if head.status.code >= 200 { answeringHead = heads.isEmpty ? false : heads.removeFirst() }
            if closeWhenAnswered && unanswered <= 1 { head.headers.replaceOrAdd(name: "connection", value: "close") }
            // Without a length the encoder would frame the (absent) body as chunked and end it with a chunk.
            if answeringHead && !head.headers.contains(name: "content-length") { head.headers.add(name: "content-length", value: "0") }
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .body where answeringHead:
            promise?.succeed()
        case .body:
            context.write(data, promise: promise)
        case .end:
            unanswered = max(0, unanswered - 1)
            answeredAny = true
            lastAnswer = .now()
            guard closeWhenAnswered, unanswered == 0 else {
                context.write(data, promise: promise)
                arm()
                return
            }
            // Close once the answer is out whole (closing at once would cut a large answer still queued).
            let written = promise ?? context.eventLoop.makePromise()
            let channel = context.channel
            written.futureResult.whenComplete { _ in channel.close(promise: nil) }
            context.writeAndFlush(data, promise: written)
        }
    }

    /// Schedules the check for the current deadline, unless one at or before it is already scheduled.
    private func arm() {
        guard let context, let deadline else { return }
        if let timerDeadline, timerDeadline <= deadline { return }
        timer?.cancel()
        timerDeadline = deadline
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in expire() }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
        timerDeadline = nil
    }

    private func expire() {
        timer = nil
        timerDeadline = nil
        guard let context, let deadline else { return }
        if deadline <= .now() {
            let reason =
                readingBody ? "the request body stalled" : headStarted != nil || !answeredAny ? "the request head did not arrive in time" : "idle"
            logger.debug("closing the connection of \(context.remoteAddress?.description ?? "a client"): \(reason)")
            context.close(promise: nil)
        } else {
            arm()
        }
    }
}

/// Tells ``ConnectionGuard`` when bytes arrive, before the HTTP decoder holds them back until a
/// head is complete.
final class ByteTap: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let connectionGuard: ConnectionGuard

    init(_ connectionGuard: ConnectionGuard) {
        self.connectionGuard = connectionGuard
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        connectionGuard.bytesArrived()
        context.fireChannelRead(data)
    }
}

@available(*, unavailable)
extension ConnectionGuard: Sendable {}

@available(*, unavailable)
extension ByteTap: Sendable {}
