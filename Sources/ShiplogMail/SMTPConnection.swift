public import Logging
public import NIOCore
public import NIOPosix
import NIOSSL
import ShiplogModel

/// One SMTP session with a server, ready to send messages one after another.
///
/// ``connect(to:eventLoopGroup:logger:)`` opens the connection and runs the session's start:
/// the greeting, EHLO (HELO when refused), STARTTLS as configured (and EHLO again), then
/// AUTH PLAIN or AUTH LOGIN when the configuration has credentials (only once the connection is encrypted). Each ``send(_:)`` is one mail
/// transaction; after a rejected one the connection is reset (RSET) and stays usable. Calls to
/// ``send(_:)`` from several tasks wait for each other. ``SMTPSender`` adds reconnecting.
///
/// ```swift
/// let connection = try await SMTPConnection.connect(to: SMTPConfiguration(url: "smtp://127.0.0.1:2525"))
/// try await connection.send(message)
/// await connection.close()
/// ```
public actor SMTPConnection {
    /// The configuration the connection was made with.
    public nonisolated let configuration: SMTPConfiguration
    /// The service extensions from the last EHLO reply, by upper-case keyword (`AUTH`, `SIZE`,
    /// `STARTTLS`), each with its parameters; empty after a HELO.
    public internal(set) var extensions: [String: String] = [:]
    /// Whether the connection is encrypted (smtps, or after STARTTLS).
    public internal(set) var isEncrypted: Bool
    /// How many messages the server accepted on this connection.
    public private(set) var messagesSent = 0

    let channel: any Channel
    let handler: NIOLoopBound<SMTPClientHandler>
    let tlsContext: NIOSSLContext?
    let logger: Logger
    /// One call at a time, in the order the calls arrive.
    private let turns = TurnQueue()

    /// A logger that discards everything, the default.
    public static let silentLogger = Logger(label: "shiplog.mail", factory: { _ in SwiftLogNoOpLogHandler() })

    private init(
        configuration: SMTPConfiguration,
        channel: any Channel,
        handler: NIOLoopBound<SMTPClientHandler>,
        tlsContext: NIOSSLContext?,
        logger: Logger
    ) {
        self.configuration = configuration
        self.channel = channel
        self.handler = handler
        self.tlsContext = tlsContext
        self.logger = logger
        self.isEncrypted = configuration.security == .implicitTLS
    }

    deinit { channel.close(promise: nil) }

    /// Connects to the server and starts the session (greeting, EHLO, STARTTLS, AUTH).
    ///
    /// - Throws: ``SMTPError``: `connectionFailed` or `timeout` when the server cannot be reached,
    ///   `tlsFailed`, `authenticationFailed`, `serviceUnavailable`; none of them permanent.
    public static func connect(
        to configuration: SMTPConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = silentLogger
    ) async throws(SMTPError) -> SMTPConnection {
        try await connect(to: configuration, eventLoopGroup: eventLoopGroup, logger: logger, tlsContext: makeTLSContext(configuration))
    }

    static func connect(
        to configuration: SMTPConfiguration,
        eventLoopGroup: any EventLoopGroup,
        logger: Logger,
        tlsContext: NIOSSLContext?
    ) async throws(SMTPError) -> SMTPConnection {
        let hostname = serverHostname(configuration.host)
        let implicitTLS = configuration.security == .implicitTLS ? tlsContext : nil
        let bootstrap = ClientBootstrap(group: eventLoopGroup)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let implicitTLS {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: implicitTLS, serverHostname: hostname))
                    }
                    try channel.pipeline.syncOperations.addHandler(SMTPClientHandler())
                }
            }
        let channel: any Channel
        let handler: NIOLoopBound<SMTPClientHandler>
        do {
            channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
            handler = try await channel.eventLoop.submit {
                NIOLoopBound(try channel.pipeline.syncOperations.handler(type: SMTPClientHandler.self), eventLoop: channel.eventLoop)
            }.get()
        } catch {
            throw connectionError(error, configuration)
        }
        logger.debug("connected", metadata: ["smtp.server": "\(configuration)"])
        let connection = SMTPConnection(configuration: configuration, channel: channel, handler: handler, tlsContext: tlsContext, logger: logger)
        do {
            try await connection.startSession()
        } catch {
            try? await channel.close()
            throw error
        }
        return connection
    }

    /// Whether the connection is still open; a server that closed it is noticed at once.
    public nonisolated var isOpen: Bool { channel.isActive }

    /// Sends one message: renders it (throwing before anything is sent if it is invalid), then
    /// `MAIL FROM`, a `RCPT TO` for each recipient, and `DATA` with the dot-stuffed message.
    ///
    /// The message counts as sent only when this returns. A rejected transaction is reset with
    /// RSET so that the connection can send the next message.
    ///
    /// - Throws: ``SMTPError``; ``SMTPError/isPermanent`` when the server rejected the sender, a
    ///   recipient or the content with a 5xx reply, or the message is invalid.
    public func send(_ message: MailMessage) async throws(SMTPError) {
        let data = try MIMERenderer.render(message)
        try await send(data: data, from: message.from.address, to: message.to.map(\.address))
    }

    /// Asked after the server accepted `DATA`, just before the content goes out; false gives the
    /// message up. An outbox records there that the message is about to be handed over, so that
    /// a process killed after the server accepted it is not mistaken for one that never sent it.
    public typealias ContentGate = @Sendable () async -> Bool

    /// Sends rendered message bytes (CRLF line endings, not dot-stuffed) to the given envelope.
    func send(data: [UInt8], from sender: String, to recipients: [String], beforeContent: ContentGate? = nil) async throws(SMTPError) {
        await turns.acquire()
        defer { turns.release() }
        if let limit = extensions["SIZE"].flatMap({ Int($0) }), limit > 0, data.count > limit {
            throw SMTPError(.messageRejected, "the message has \(data.count) bytes; the server accepts at most \(limit)", isPermanent: true)
        }
        do {
            try await transaction(data: data, from: sender, to: recipients, beforeContent: beforeContent)
            messagesSent += 1
        } catch {
            if error.reply != nil, channel.isActive {
                await reset()
            }
            throw error
        }
    }

    /// Ends the session with QUIT (waiting at most 5 seconds for the reply) and closes the
    /// connection; never throws.
    public func close() async {
        await turns.acquire()
        defer { turns.release() }
        if channel.isActive {
            _ = try? await exchange("QUIT", timeout: .seconds(5))
        }
        try? await channel.close()
    }

    private func transaction(data: [UInt8], from sender: String, to recipients: [String], beforeContent: ContentGate?) async throws(SMTPError) {
        let mail = try await exchange("MAIL FROM:<\(sender)>")
        guard mail.code == 250 else { throw SMTPError.reply(.senderRejected, "MAIL FROM:<\(sender)> failed", mail, permanentIf5xx: true) }
        for recipient in recipients {
            let rcpt = try await exchange("RCPT TO:<\(recipient)>")
            guard rcpt.code == 250 || rcpt.code == 251 else {
                throw SMTPError.reply(.recipientRejected, "RCPT TO:<\(recipient)> failed", rcpt, permanentIf5xx: true)
            }
        }
        let start = try await exchange("DATA")
        guard start.code == 354 else { throw SMTPError.reply(.messageRejected, "DATA failed", start, permanentIf5xx: true) }
        if let beforeContent, await !beforeContent() {
            // The server is waiting for the content: only closing the connection ends the transaction without a message.
            try? await channel.close()
            throw SMTPError(.cancelled, "the message was given up before its content was sent")
        }
        let end: SMTPReply
        do {
            end = try await exchange(ByteBuffer(bytes: Self.dotStuffed(data)), log: "<message of \(data.count) bytes>")
        } catch {
            var error = error
            error.mayHaveBeenDelivered = true
            throw error
        }
        guard end.code == 250 else { throw SMTPError.reply(.messageRejected, "the server did not accept the message", end, permanentIf5xx: true) }
    }

    /// Resets a failed transaction; closes the connection when even that fails.
    private func reset() async {
        let reply = try? await exchange("RSET")
        if reply?.code != 250 {
            try? await channel.close()
        }
    }

    /// The message with a dot doubled at the start of each line, ending in CRLF `.` CRLF.
    static func dotStuffed(_ data: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(data.count + 64)
        var start = 0
        if data.first == UInt8(ascii: ".") { output.append(UInt8(ascii: ".")) }
        while let newline = data[start...].firstIndex(of: UInt8(ascii: "\n")) {
            output += data[start...newline]
            if newline + 1 < data.count, data[newline + 1] == UInt8(ascii: ".") { output.append(UInt8(ascii: ".")) }
            start = newline + 1
        }
        output += data[start...]
        if !data.isEmpty, data.suffix(2) != [0x0D, 0x0A] { output += [0x0D, 0x0A] }
        output += Array(".\r\n".utf8)
        return output
    }
}
