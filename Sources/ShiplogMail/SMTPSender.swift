public import Logging
public import NIOCore
public import NIOPosix
import NIOSSL
import ShiplogModel

/// Sends messages over one reused SMTP connection, connecting when needed and again when the
/// connection dropped.
///
/// Messages are sent one at a time, in the order the calls arrive. When a connection that was
/// kept from an earlier message turns out to be closed before the message could have reached
/// the server, the sender connects again and retries once; other failures are thrown for the
/// caller (an outbox) to retry later when ``SMTPError/isTransient``.
///
/// ```swift
/// let sender = SMTPSender(configuration: try SMTPConfiguration(url: "smtps://user:pass@mail.example.com"))
/// for message in messages { try await sender.send(message) }
/// await sender.close()
/// ```
public actor SMTPSender {
    /// The configuration each connection is made with.
    public nonisolated let configuration: SMTPConfiguration
    /// How many messages one connection sends before it is closed and a new one is made
    /// (servers often limit this); 1000 by default.
    public nonisolated let messagesPerConnection: Int
    /// How many connections were made so far.
    public private(set) var connectionsOpened = 0

    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private var connection: SMTPConnection?
    private var tlsContext: NIOSSLContext?
    private var tlsContextMade = false
    /// One call at a time, in the order the calls arrive.
    private let turns = TurnQueue()

    /// Creates a sender; nothing is connected until the first message.
    public init(
        configuration: SMTPConfiguration,
        messagesPerConnection: Int = 1000,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = SMTPConnection.silentLogger
    ) {
        self.configuration = configuration
        self.messagesPerConnection = max(1, messagesPerConnection)
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// Sends one message, once the messages before it are sent.
    ///
    /// `beforeContent`, when given, is asked once the server accepted `DATA`, just before the
    /// message's content is sent; when it answers false the message is given up (the connection is
    /// closed, and ``SMTPError/Code-swift.struct/cancelled`` thrown).
    ///
    /// - Throws: ``SMTPError``; see ``SMTPConnection/send(_:)``. An invalid message throws
    ///   before any connection is made.
    public func send(_ message: MailMessage, beforeContent: SMTPConnection.ContentGate? = nil) async throws(SMTPError) {
        let data = try MIMERenderer.render(message)
        let recipients = message.to.map(\.address)
        await turns.acquire()
        defer { turns.release() }
        let reused = connection?.isOpen == true
        let connection = try await openConnection()
        do {
            try await connection.send(data: data, from: message.from.address, to: recipients, beforeContent: beforeContent)
        } catch {
            guard reused, !error.mayHaveBeenDelivered, error.reply == nil, error.code != .cancelled, !connection.isOpen else {
                retire(connection)
                throw error
            }
            logger.debug("the kept connection was closed; connecting again", metadata: ["smtp.error": "\(error)"])
            self.connection = nil
            let fresh = try await openConnection()
            do {
                try await fresh.send(data: data, from: message.from.address, to: recipients, beforeContent: beforeContent)
            } catch {
                retire(fresh)
                throw error
            }
        }
        if await self.connection?.messagesSent ?? 0 >= messagesPerConnection {
            await closeConnection()
        }
    }

    /// Closes the connection with QUIT, if one is open; the next message connects again.
    public func close() async {
        await turns.acquire()
        defer { turns.release() }
        await closeConnection()
    }

    private func openConnection() async throws(SMTPError) -> SMTPConnection {
        if let connection, connection.isOpen { return connection }
        connection = nil
        if !tlsContextMade {
            tlsContext = try SMTPConnection.makeTLSContext(configuration)
            tlsContextMade = true
        }
        let fresh = try await SMTPConnection.connect(to: configuration, eventLoopGroup: eventLoopGroup, logger: logger, tlsContext: tlsContext)
        connectionsOpened += 1
        connection = fresh
        return fresh
    }

    /// Forgets a connection that broke, so that the next message makes a new one.
    private func retire(_ connection: SMTPConnection) {
        if !connection.isOpen, self.connection === connection { self.connection = nil }
    }

    private func closeConnection() async {
        guard let connection else { return }
        self.connection = nil
        await connection.close()
    }
}
