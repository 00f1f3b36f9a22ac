import ShiplogMacroSupport

/// How long the server waits for a client before it closes the connection (SPEC §6.2), so slow or
/// silent clients cannot hold connections open (Slowloris). The defaults are the limits of SPEC §6.2.
@MemberwiseInit
public struct ConnectionTimeouts: Sendable, Equatable {
    /// A request's head (request line and headers) must arrive whole within this time: counted from
    /// the connection's opening for its first request, from the first byte of each later one.
    public var header: Duration = .seconds(10)
    /// A keep-alive connection with no request in progress is closed after this time.
    public var idle: Duration = .seconds(60)
    /// A request body that sends nothing for this long ends the request (and the connection).
    public var body: Duration = .seconds(30)
    /// A whole request, head and body, must arrive within this time (counted as ``header`` is), however
    /// steadily its body trickles; else it is answered 408 and its connection closed. The default lets
    /// the largest body (1 MiB) through at about 70 kbit/s.
    public var request: Duration = .seconds(120)
    /// A connection whose answers wait on the client (the server's output buffer stays full) without
    /// the client taking any of them for this long is closed.
    public var write: Duration = .seconds(30)
}
