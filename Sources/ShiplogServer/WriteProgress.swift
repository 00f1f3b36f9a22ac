import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How much of a connection's output its client took, for ``ConnectionGuard``'s write timeout: the
/// channel's own buffer says little, since the system's socket buffers (megabytes on a fast link)
/// take answers long before the client reads them, and free room for more only in large steps.
enum WriteProgress {
    /// The bytes the client acknowledged so far (Linux's `TCP_INFO`), or nil where that is not known.
    /// Completes at once on the channel's event loop.
    static func acknowledged(_ channel: any Channel) -> EventLoopFuture<UInt64>? {
        #if os(Linux)
        guard let socket = channel as? any SocketOptionProvider else { return nil }
        let info: EventLoopFuture<TCPInfoPrefix> = socket.unsafeGetSocketOption(
            level: .tcp,
            name: NIOBSDSocket.Option(rawValue: CInt(TCP_INFO))
        )
        return info.map(\.bytesAcknowledged)
        #else
        return nil
        #endif
    }

    /// Closes `channel` with a reset (`SO_LINGER` 0), so the system drops the answers still queued for
    /// a client that does not read them at once, instead of holding them for the client for minutes.
    static func reset(_ channel: any Channel) {
        guard let socket = channel as? any SocketOptionProvider else { return channel.close(promise: nil) }
        socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in channel.close(promise: nil) }
    }
}

#if os(Linux)
/// The first 128 bytes of Linux's `struct tcp_info` (`linux/tcp.h`), through `tcpi_bytes_acked`
/// (Linux 4.2), which Glibc's declaration of the struct stops before. A kernel without it leaves
/// the field 0: no progress is seen there, and the channel's buffer is all the guard goes by.
struct TCPInfoPrefix: Sendable {
    var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    var moreWords: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)

    /// `tcpi_bytes_acked`, at byte 120: after 8 bytes of `__u8`s, 24 `__u32`s and two `__u64`s.
    var bytesAcknowledged: UInt64 { moreWords.7 }
}
#endif
