import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Closes connections that hold the server without using it (SPEC §6.2): a request head that does
/// not arrive whole within ``ConnectionTimeouts/header``, a keep-alive connection idle for
/// ``ConnectionTimeouts/idle``, a body that stalls for ``ConnectionTimeouts/body`` or is not whole
/// within ``ConnectionTimeouts/request`` (answered 408 when nothing was answered yet), answers the
/// client does not take for ``ConnectionTimeouts/write``; and closes a connection after the answer
/// when its request did not ask for keep-alive (HTTP/1.0 without `Connection: keep-alive`, or
/// `Connection: close`). It also keeps the bytes of an answer to `HEAD` off the wire (routes and error
/// answers write bodies whatever the method; a body after a `HEAD` answer would be read as the start
/// of the next answer).
///
/// It sits between NIO's HTTP/1 decoder and the HTTP types codec, where each request's version is still
/// known; ``ByteTap`` at the front of the pipeline tells it when raw bytes arrive, since the decoder
/// says nothing until a head is complete. One timer per connection, moved only when a deadline comes
/// earlier than the one it waits for: a busy keep-alive connection reschedules it about twice per
/// header timeout, not per request. Answers that wait on the client are seen from the channel's
/// writability (its output buffer is over its high-water mark), so small answers cost nothing more.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    let timeouts: ConnectionTimeouts
    private let header: TimeAmount
    private let idle: TimeAmount
    private let body: TimeAmount
    private let request: TimeAmount
    private let write: TimeAmount
    let logger: Logger

    private var context: ChannelHandlerContext?
    private var opened = NIODeadline.now()
    /// Whether a request was answered on this connection (later heads get their own header time).
    private var answeredAny = false
    /// When the first byte of a head that is not complete yet arrived.
    private var headStarted: NIODeadline?
    /// When the request whose body is being read started (as its head is timed), and its head.
    private var requestStarted = NIODeadline.now()
    private var requestHead: HTTPRequestHead?
    private var readingBody = false
    private var lastRead = NIODeadline.now()
    private var lastAnswer = NIODeadline.now()
    /// Requests whose answer is not written whole yet.
    private var unanswered = 0
    /// Whether the head of the oldest unanswered request's answer was written.
    private var answering = false
    private var closeWhenAnswered = false
    /// For each request not answered yet, in order, whether it is a `HEAD`.
    private var heads: [Bool] = []
    private var answeringHead = false
    /// Since when the channel is not writable without the client having taken any of its answers.
    private var writeStalled: NIODeadline?
    /// Body bytes of answers handed on, how many of them had left the channel at the last look, and how
    /// many bytes the client had acknowledged then (``WriteProgress``).
    private var queued = 0
    private var sentAtLastLook = 0
    private var acknowledgedAtLastLook: UInt64 = 0
    /// Set once the guard gave up on the connection and answered it itself: reads and answers that come
    /// later are dropped, and the connection is reset at this time if it is not closed yet.
    private var closeBy: NIODeadline?
    private var timer: Scheduled<Void>?
    private var timerDeadline: NIODeadline?

    init(_ timeouts: ConnectionTimeouts, logger: Logger) {
        self.timeouts = timeouts
        self.logger = logger
        header = TimeAmount(timeouts.header)
        idle = TimeAmount(timeouts.idle)
        body = TimeAmount(timeouts.body)
        request = TimeAmount(timeouts.request)
        write = TimeAmount(timeouts.write)
    }

    /// When the connection is to be closed if nothing changes; nil while the server works on an answer.
    private var deadline: NIODeadline? {
        if let closeBy { return closeBy }
        guard let writeStalled else { return readDeadline }
        return min(readDeadline ?? writeStalled + write, writeStalled + write)
    }

    /// The deadline for what the client is to send.
    private var readDeadline: NIODeadline? {
        if readingBody { return min(lastRead + body, requestStarted + request) }
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
        if closeBy != nil { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            requestStarted = headStarted ?? .now()
            requestHead = head
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

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Once the guard answered, what the client sends after is no request to answer.
        if closeBy == nil { context.fireErrorCaught(error) }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            writeStalled = nil
        } else if writeStalled == nil {
            writeStalled = .now()
            sentAtLastLook = sent(context)
            WriteProgress.acknowledged(context.channel)?.assumeIsolated().whenSuccess { [self] in acknowledgedAtLastLook = $0 }
            arm()
        }
        context.fireChannelWritabilityChanged()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if closeBy != nil {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        switch unwrapOutboundIn(data) {
        case .head(var head):
            // An interim answer (100 Continue) comes before the request's own and is sent as it is.
            if head.status.code >= 200 {
                answeringHead = heads.isEmpty ? false : heads.removeFirst()
                answering = true
                if closeWhenAnswered && unanswered <= 1 { head.headers.replaceOrAdd(name: "connection", value: "close") }
                // Without a length the encoder would frame the (absent) body as chunked and end it with a chunk.
                if answeringHead && !head.headers.contains(name: "content-length") { head.headers.add(name: "content-length", value: "0") }
            }
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .body where answeringHead:
            promise?.succeed()
        case .body(let part):
            queued &+= part.readableBytes
            context.write(data, promise: promise)
        case .end:
            unanswered = max(0, unanswered - 1)
            answering = false
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

    /// Body bytes of answers that left the channel's output buffer (for the socket) so far.
    private func sent(_ context: ChannelHandlerContext) -> Int {
        let buffered = (try? context.channel.syncOptions?.getOption(.bufferedWritableBytes)) ?? 0
        return queued &- buffered
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
        let now = NIODeadline.now()
        guard deadline <= now else { return arm() }
        if closeBy != nil {
            return reset(context, because: "its 408 answer was not taken")
        }
        if let writeStalled, writeStalled + write <= now {
            return lookForWriteProgress(context)
        }
        if readingBody {
            let whole = requestStarted + request <= now
            let reason = whole ? "the request did not arrive whole in time" : "the request body stalled"
            // An earlier request still being answered, or an answer begun: a 408 would not be read as this request's.
            guard unanswered == 1, !answering else { return close(context, because: reason) }
            return answerTimeout(context, because: reason, whole: whole)
        }
        close(context, because: headStarted != nil || !answeredAny ? "the request head did not arrive in time" : "idle")
    }

    /// The channel stayed unwritable for the write timeout: if the client took something since the last
    /// look (bytes it acknowledged, or bytes that left the channel's buffer) the wait starts again, else
    /// the connection is reset.
    private func lookForWriteProgress(_ context: ChannelHandlerContext) {
        let sent = sent(context)
        let progress = sent > sentAtLastLook
        sentAtLastLook = sent
        guard let acknowledged = WriteProgress.acknowledged(context.channel) else {
            return writeProgress(context, progress)
        }
        acknowledged.assumeIsolated().whenComplete { [self] result in
            let bytes = (try? result.get()) ?? acknowledgedAtLastLook
            defer { acknowledgedAtLastLook = bytes }
            writeProgress(context, progress || bytes > acknowledgedAtLastLook)
        }
    }

    private func writeProgress(_ context: ChannelHandlerContext, _ progress: Bool) {
        guard progress else { return reset(context, because: "the client does not take its answers") }
        writeStalled = .now()
        arm()
    }

    private func close(_ context: ChannelHandlerContext, because reason: String) {
        logger.debug("closing the connection of \(context.remoteAddress?.description ?? "a client"): \(reason)")
        context.close(promise: nil)
    }

    /// Closes with a reset (``WriteProgress/reset(_:)``).
    private func reset(_ context: ChannelHandlerContext, because reason: String) {
        logger.debug("resetting the connection of \(context.remoteAddress?.description ?? "a client"): \(reason)")
        WriteProgress.reset(context.channel)
    }

    /// Answers the request whose body is late `408 request_timeout`, stops reading, and closes the
    /// connection: its output once the answer is out (so the answer is not lost to a reset), all of it
    /// when the client closed or a few seconds later.
    private func answerTimeout(_ context: ChannelHandlerContext, because reason: String, whole: Bool) {
        // The request's log line (the route's own line, if any, shows what it made of the cut body).
        if let requestHead, logger.logLevel <= .info {
            let path = requestHead.uri.prefix { $0 != "?" }
            let milliseconds = Double((NIODeadline.now() - requestStarted).nanoseconds) / 1e6
            logger.info("\(requestHead.method) \(path) 408 \(String(format: "%.2f", milliseconds))ms (\(reason))")
        }
        closeBy = .now() + min(write, .seconds(5))
        arm()
        let parts = RequestTimeoutAnswer.parts(timeouts, whole: whole)
        context.write(wrapOutboundOut(parts.head), promise: nil)
        context.write(wrapOutboundOut(parts.body), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(mode: .output, promise: nil) }
    }
}

@available(*, unavailable)
extension ConnectionGuard: Sendable {}
