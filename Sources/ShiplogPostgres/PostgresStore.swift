import Foundation
import Logging
import NIOSSL
import PostgresNIO
import ShiplogModel
public import ShiplogStore

/// The PostgreSQL store (SPEC §8) through PostgresNIO's `PostgresClient` and its connection pool.
/// The schema is migrated when it opens (``PostgresSchema``); a database migrated by a newer
/// shiplog is refused. Every write runs in one transaction.
///
/// Every ``Store`` operation is the protocol extension's, shared with the embedded store: this type
/// only connects, migrates and runs transactions (``PostgresSession``).
public final class PostgresStore: Store {
    let url: PostgresURL
    let client: PostgresClient
    /// `client.run()`: the pool works while this task runs; ``close()`` cancels it.
    let running: Task<Void, Never>
    let logger = Logger(label: "shiplog.postgres")
    /// The threads that run transactions (``PostgresSession`` waits for each answer on one).
    let threads: NIOThreadPool
    /// This process's name in the change feed (``announce(_:)``): what it announces, it does not hear.
    public let origin = PostgresStore.randomHex(bytes: 8)

    /// Connects to the database of `url` (a `postgres://` URL) and migrates it. The first connection
    /// is made alone, so a server that cannot be reached, a refused password or a missing database
    /// is reported at once (the pool would retry forever). `environment` supplies `PGUSER` and
    /// `PGPASSWORD` when the URL has no user or password.
    public static func open(_ url: String, environment: [String: String] = [:]) async throws(StoreError) -> PostgresStore {
        let url = try PostgresURL(url, environment: environment)
        let logger = Logger(label: "shiplog.postgres")
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: try PostgresConnection.Configuration(url), id: 0, logger: logger)
        } catch {
            throw StoreError.database("cannot connect to \(url.redacted): \(reason(error))", cause: error)
        }
        do {
            try await migrate(connection, url: url, logger: logger)
        } catch {
            try? await connection.close()
            throw error
        }
        try? await connection.close()
        return PostgresStore(url: url)
    }

    init(url: PostgresURL) {
        self.url = url
        let configuration = PostgresClient.Configuration(url)
        // The pool logs at `warning` while `run()` starts; only errors are worth the console.
        var poolLogger = Logger(label: "shiplog.postgres.pool")
        poolLogger.logLevel = .error
        let client = PostgresClient(configuration: configuration, backgroundLogger: poolLogger)
        self.client = client
        running = Task { await client.run() }
        threads = NIOThreadPool(numberOfThreads: Self.threadCount)
        threads.start()
    }

    /// As many transactions at once as the pool has threads.
    static let threadCount = 16

    deinit {
        running.cancel()
        threads.shutdownGracefully { _ in }
    }

    /// Stops the connection pool.
    public func close() { running.cancel() }

    // MARK: Running queries

    /// Any number: the advisory lock every write holds until it commits, so writes are serialized
    /// across replicas as SQLite serializes them in one process.
    static let writeLock = 0x5348_4950_4C4F_48

    @discardableResult
    public func read<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws(StoreError) -> T {
        try await transaction(begin: ["BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"], end: nil, body)
    }

    @discardableResult
    public func write<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws(StoreError) -> T {
        try await transaction(
            begin: ["BEGIN", "SELECT pg_advisory_xact_lock(\(Self.writeLock))"],
            end: "UPDATE shiplog_changes SET counter = counter + 1",
            body
        )
    }

    @discardableResult
    public func writeOutbox<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws(StoreError) -> T {
        try await transaction(begin: ["BEGIN"], end: nil, body)
    }

    /// Runs `body` in a transaction on a pooled connection and one of ``threads``.
    private func transaction<T: Sendable>(
        begin: [String],
        end: String?,
        _ body: @escaping @Sendable (any SQLSession) throws -> T
    ) async throws(StoreError) -> T {
        let logger = logger
        let threads = threads
        do {
            return try await client.withConnection { connection in
                try await threads.runIfActive {
                    let session = PostgresSession(connection: connection, logger: logger)
                    for statement in begin { _ = try session.execute(sql: statement) }
                    let value: T
                    do {
                        value = try body(session)
                        if let end { _ = try session.execute(sql: end) }
                        _ = try session.execute(sql: "COMMIT")
                    } catch {
                        _ = try? session.execute(sql: "ROLLBACK")
                        throw error
                    }
                    for action in session.committed { action() }
                    return value
                }
            }
        } catch {
            throw storeError(error)
        }
    }

    /// Creates an empty database named `name` (letters, digits and `_`) on this store's server.
    package func createDatabase(_ name: String) async throws(StoreError) {
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw StoreError.invalid(field: "database", message: "\(name) is not a plain database name")
        }
        do {
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        } catch {
            throw storeError(error)
        }
    }

    public func changeCounter() async throws(StoreError) -> Int {
        try await read { db in try Int.fetchOne(db, sql: "SELECT counter FROM shiplog_changes") ?? 0 }
    }

    /// The store's error for what a query threw: unique and foreign key violations are conflicts.
    func storeError(_ error: any Error) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? PSQLError {
            switch error.serverInfo?[.sqlState] {
            case "23505", "23503": return .conflict(error.serverInfo?[.message] ?? "a constraint of the store was violated")
            default: break
            }
        }
        return .database("\(url.redacted): \(Self.reason(error))", cause: error)
    }

    /// What went wrong, in words: the server's message, else the connection's error (PSQLError's own
    /// description hides both).
    static func reason(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let message = error.serverInfo?[.message] { return message }
        if let underlying = error.underlying { return "\(underlying)" }
        return "\(error.code)"
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }
}
