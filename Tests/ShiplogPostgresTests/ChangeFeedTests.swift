import PostgresNIO
import ShiplogModel
import ShiplogStore
import Testing

@testable import ShiplogPostgres

/// The change feed of replicas on one database (SPEC §8): what one process announces, the others
/// hear, in order, and it does not; a feed whose connection is lost listens again and says so.
@Suite(.enabled(if: !TestPostgres.skipped), .timeLimit(.minutes(1))) struct ChangeFeedTests {
    /// The next event of `events` (the suite's time limit fails a test that waits for nothing).
    static func next(_ events: inout AsyncStream<ReplicaEvent>.Iterator) async -> ReplicaEvent? {
        await events.next()
    }

    /// Two stores on one new database, as two replicas, and the reader's feed once it has listened
    /// (its first event is always a resynchronisation).
    static func replicas() async throws -> (writer: PostgresStore, reader: PostgresStore, heard: AsyncStream<ReplicaEvent>.Iterator) {
        let url = try await TestPostgres.newDatabase()
        let writer = try await PostgresStore.open(url)
        let reader = try await PostgresStore.open(url)
        var heard = reader.changes().makeAsyncIterator()
        #expect(await Self.next(&heard) == .resynchronise)
        return (writer, reader, heard)
    }

    @Test func anotherProcessHearsWhatOneAnnouncesButNotItself() async throws {
        var (writer, reader, heard) = try await Self.replicas()
        defer {
            writer.close()
            reader.close()
        }
        let changes = [
            StoreChange(page: "acme", subject: .releases([ReleaseReference(component: "api", version: "1.0.0")])),
            StoreChange(page: "acme", subject: .deployments(["dep_1", "dep_2"])),
            StoreChange(page: "acme", subject: .page),
            .keys,
        ]
        await reader.announce(StoreChange(page: "mine", subject: .page))
        for change in changes { await writer.announce(change) }
        for change in changes { #expect(await Self.next(&heard) == .changed(change)) }
    }

    @Test func aFeedWhoseConnectionIsLostListensAgainAndResynchronises() async throws {
        var (writer, reader, heard) = try await Self.replicas()
        defer {
            writer.close()
            reader.close()
        }
        let terminated = try await writer.client.query(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = \(PostgresStore.feedName) AND datname = current_database()"
        ).collect()
        #expect(try terminated.first?.decode(Int.self) == 1)
        #expect(await Self.next(&heard) == .resynchronise)
        await writer.announce(.keys)
        #expect(await Self.next(&heard) == .changed(.keys))
    }

    @Test func aChangeTooBigForANotificationIsAnnouncedAsItsPage() async throws {
        var (writer, reader, heard) = try await Self.replicas()
        defer {
            writer.close()
            reader.close()
        }
        let ids = (0..<1_000).map { "dep_\($0)_0123456789" }
        await writer.announce(StoreChange(page: "acme", subject: .deployments(ids)))
        #expect(await Self.next(&heard) == .changed(StoreChange(page: "acme", subject: .page)))
    }
}
