import NIOCore
import ShiplogMacroSupport

/// Tells ``ConnectionGuard`` when bytes arrive, before the HTTP decoder holds them back until a
/// head is complete.
@MemberwiseInit(unlabeled: 1)
final class ByteTap: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let connectionGuard: ConnectionGuard

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        connectionGuard.bytesArrived()
        context.fireChannelRead(data)
    }
}

@available(*, unavailable)
extension ByteTap: Sendable {}
