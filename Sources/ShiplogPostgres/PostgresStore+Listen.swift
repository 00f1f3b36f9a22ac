import Foundation
import Logging
import NIOSSL
import PostgresNIO
public import ShiplogStore

/// The change feed of several processes on one database (SPEC §8): each announces its committed
/// changes with `pg_notify` on ``changesChannel``, and listens on that channel on a connection of
/// its own (not one of the pool's, which come and go).
///
/// When the listening connection drops (the server restarted, the backend was terminated, the
/// network failed) the feed connects again, backing off from 100 ms to 250 ms, LISTENs again and says
/// ``ReplicaEvent/resynchronise``: notifications are not kept for a session that was not listening,
/// so whatever changed in between is only found by reading everything again. A connection that
/// dies without a word is found by a `SELECT 1` every ``pingInterval``.
extension PostgresStore: ReplicatedStore {
    /// The channel of every shiplog process on the database.
    static let changesChannel = "shiplog_changes"
    /// The listening connection's `application_name`, as `pg_stat_activity` shows it.
    static let feedName = "shiplog change feed"
    static let pingInterval = Duration.seconds(10)
    static let announceTimeout = Duration.seconds(2)
    static let pingTimeout = Duration.seconds(5)
    static let firstRetry = Duration.milliseconds(100)
    /// Short: a write through another replica as soon as the database is back must reach this one
    /// within a second (SPEC §8), and notifications sent while it was not listening are lost. A
    /// connection attempt to a database that is down costs next to nothing.
    static let lastRetry = Duration.milliseconds(250)

    public func changes() -> AsyncStream<ReplicaEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: ReplicaEvent.self)
        // Owned by the stream: it ends when whoever iterates the stream stops.
        let listening = Task { await self.follow(continuation) }
        continuation.onTermination = { _ in listening.cancel() }
        return stream
    }

    public func announce(_ change: StoreChange) async {
        let payload = change.payload(origin: origin)
        var failure: any Error = FeedError(reason: "not sent")
        // Twice at most, on a pooled connection each time, never waiting long for an answer: the
        // write it follows has committed and waits for this.
        for attempt in 1...2 {
            do {
                try await client.withConnection { connection in
                    try await Self.within(Self.announceTimeout, orElse: { try? await connection.close() }) {
                        _ = try await connection.query("SELECT pg_notify(\(Self.changesChannel), \(payload))", logger: self.logger).collect()
                    }
                }
                return
            } catch {
                failure = error
                if attempt == 1 { try? await Task.sleep(for: .milliseconds(100)) }
            }
        }
        logger.error(
            "cannot tell the other replicas of a change of \(change.page ?? "keys") (\(Self.reason(failure))); they see it after their next restart or reconnection"
        )
    }

    /// Listens until the task is cancelled, connecting again whenever the connection is lost.
    private func follow(_ continuation: AsyncStream<ReplicaEvent>.Continuation) async {
        var delay = Self.firstRetry
        // Failed attempts in a row: the 1st, 2nd, 4th, 8th … are logged, not four a second.
        var failures = 0
        while !Task.isCancelled {
            do {
                var configuration = try PostgresConnection.Configuration(url)
                configuration.options.additionalStartupParameters = [("application_name", Self.feedName)]
                let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
                do {
                    try await connection.listen(on: Self.changesChannel) { notifications in
                        delay = Self.firstRetry
                        failures = 0
                        continuation.yield(.resynchronise)
                        try await relay(notifications, on: connection, to: continuation)
                    }
                } catch {
                    try? await connection.close()
                    throw error
                }
                try? await connection.close()
            } catch {
                failures += 1
                if !Task.isCancelled, failures & (failures - 1) == 0 {
                    logger.warning(
                        "lost the change feed of \(url.redacted) (\(Self.reason(error))); listening again in \(delay) (attempt \(failures))"
                    )
                }
            }
            guard !Task.isCancelled else { break }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, Self.lastRetry)
        }
        continuation.finish()
    }

    /// Passes on the notifications of other processes until the connection fails (or does not
    /// answer a ping in time); throws then.
    private func relay(
        _ notifications: PostgresNotificationSequence,
        on connection: PostgresConnection,
        to continuation: AsyncStream<ReplicaEvent>.Continuation
    ) async throws {
        let origin = origin
        let logger = logger
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for try await notification in notifications {
                    guard let (from, change) = StoreChange.parse(payload: notification.payload) else {
                        logger.warning("a notification on \(Self.changesChannel) that is not shiplog's: reading everything again")
                        continuation.yield(.resynchronise)
                        continue
                    }
                    if from != origin { continuation.yield(.changed(change)) }
                }
                throw FeedError(reason: "the notifications ended")
            }
            group.addTask {
                while true {
                    try await Task.sleep(for: Self.pingInterval)
                    try await Self.ping(connection, logger: logger)
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    /// `SELECT 1`, failing when no answer comes within ``pingTimeout`` (the connection is closed then).
    private static func ping(_ connection: PostgresConnection, logger: Logger) async throws {
        let stop: @Sendable () async -> Void = {
            logger.warning("the change feed's connection did not answer a ping within \(pingTimeout): closing it")
            try? await connection.close()
        }
        try await within(pingTimeout, orElse: stop) {
            _ = try await connection.query("SELECT 1", logger: logger).collect()
        }
    }

    /// Runs `body`, failing when it has not ended within `limit`; `orElse` must then make it end
    /// (a query waiting for its answer does not heed cancellation: closing its connection fails it).
    static func within(
        _ limit: Duration,
        orElse stop: @escaping @Sendable () async -> Void,
        _ body: @escaping @Sendable () async throws -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: limit)
                throw FeedError(reason: "no answer within \(limit)")
            }
            do {
                try await group.next()
            } catch {
                // The group waits for `body` before it returns.
                if error is FeedError { await stop() }
                group.cancelAll()
                throw error
            }
            group.cancelAll()
        }
    }
}

/// Why the change feed stopped listening on a connection that did not report an error itself.
struct FeedError: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}
