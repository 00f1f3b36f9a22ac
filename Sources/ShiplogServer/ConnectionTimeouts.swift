/// How long the server waits for a client before it closes the connection (SPEC §6.2), so slow or
/// silent clients cannot hold connections open (Slowloris).
public struct ConnectionTimeouts: Sendable, Equatable {
    /// A request's head (request line and headers) must arrive whole within this time: counted from
    /// the connection's opening for its first request, from the first byte of each later one.
    public var header: Duration
    /// A keep-alive connection with no request in progress is closed after this time.
    public var idle: Duration
    /// A request body that sends nothing for this long ends the request (and the connection).
    public var body: Duration
    /// A whole request, head and body, must arrive within this time (counted as ``header`` is), however
    /// steadily its body trickles; else it is answered 408 and its connection closed. The default lets
    /// the largest body (1 MiB) through at about 70 kbit/s.
    public var request: Duration
    /// A connection whose answers wait on the client (the server's output buffer stays full) without
    /// the client taking any of them for this long is closed.
    public var write: Duration

    /// The limits of SPEC §6.2: headers within 10 s, idle keep-alive 60 s, a body stalled 30 s, a whole
    /// request within 120 s, answers not taken for 30 s.
    public init(
        header: Duration = .seconds(10),
        idle: Duration = .seconds(60),
        body: Duration = .seconds(30),
        request: Duration = .seconds(120),
        write: Duration = .seconds(30)
    ) {
        self.header = header
        self.idle = idle
        self.body = body
        self.request = request
        self.write = write
    }
}
