import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// Hummingbird's HTTP/1 channel with the connection timeouts of SPEC §6.2: ``ConnectionGuard``
/// after the HTTP/1 decoder, ``ByteTap`` in front of everything. (Hummingbird's own `idleTimeout` is
/// one timer for everything and sees no bytes before a head is complete, so a trickled head would
/// get the idle time.) ``HostHeaderCheck`` then ``ExpectContinue`` follow the guard.
struct GuardedHTTP1Channel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = HTTP1Channel.Value

    let base: HTTP1Channel
    let timeouts: ConnectionTimeouts
    /// Answers the version route ahead of the router (``VersionFastPath``), when given.
    var fastPath: VersionAnswerer?

    var responder: HTTPChannelHandler.Responder { base.responder }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let timeouts = timeouts
        let fastPath = fastPath
        return base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            let connectionGuard = ConnectionGuard(timeouts, logger: logger)
            let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try pipeline.addHandler(connectionGuard, position: .after(decoder))
            try pipeline.addHandler(ByteTap(connectionGuard), position: .first)
            let hostCheck = HostHeaderCheck()
            try pipeline.addHandler(hostCheck, position: .after(connectionGuard))
            try pipeline.addHandler(ExpectContinue(), position: .after(hostCheck))
            if let fastPath {
                // Last before the router's side, so connection handling sees its answers like any other.
                let state = try pipeline.handler(type: HTTPConnectionStateHandler.self)
                try pipeline.addHandler(VersionFastPath(fastPath), position: .after(state))
            }
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// An HTTP/1 server whose connections obey `timeouts`, with `additionalChannelHandlers` after the
    /// HTTP types codec as in `.http1(configuration:)`, and the version route's `fastPath`.
    static func guardedHTTP1(
        timeouts: ConnectionTimeouts,
        fastPath: VersionAnswerer? = nil,
        additionalChannelHandlers: @autoclosure @escaping @Sendable () -> [any RemovableChannelHandler]
    ) -> HTTPServerBuilder {
        .init { responder in
            GuardedHTTP1Channel(
                base: HTTP1Channel(responder: responder, configuration: .init(additionalChannelHandlers: additionalChannelHandlers())),
                timeouts: timeouts,
                fastPath: fastPath
            )
        }
    }
}
