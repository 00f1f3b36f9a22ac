import Foundation
import ShiplogModel
import ShiplogStore
import Testing

/// Outbox claims (SPEC §8): replicas claim mail and webhook deliveries under a lease; an item is
/// claimed by one replica at a time, and again by another once the lease ends. The same tests on
/// every store.
@Suite struct BothStoresOutboxTests {
    static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }

    /// Waits until the lease `until` has ended (`lease_until <= now` in the store's seconds).
    static func wait(until: Int64) async throws {
        while now() < until { try await Task.sleep(for: .milliseconds(100)) }
    }

    /// A page with `count` confirmed subscribers and one queued mail each (oldest first).
    static func queue(_ count: Int, kind: StoreKind) async throws -> (store: any Store, location: String) {
        let (store, location) = try await kind.make()
        try await store.ensurePage(id: "acme")
        try await store.importSubscribers(page: "acme", (0..<count).map { (email: "s\($0)@example.com", preferences: []) })
        try await kind.execute(
            [
                """
                INSERT INTO outbox (page_id, kind, subscriber_id, next_attempt_at, created_at)
                SELECT page_id, 'unsubscribe', id, 0, 0 FROM subscribers ORDER BY id
                """
            ],
            at: location
        )
        return (store, location)
    }

    @Test(arguments: StoreKind.tested) func aClaimedMailIsNotClaimedAgainBeforeItsLeaseEndsAndIsAfter(kind: StoreKind) async throws {
        let (store, _) = try await Self.queue(3, kind: kind)
        let all = try await store.dueMail(limit: 10).map(\.id)
        #expect(all.count == 3)

        // Long enough for the checks below on a loaded machine; the test then waits it out.
        let a = OutboxLease(owner: "replica-a", until: Self.now() + 25)
        let b = OutboxLease(owner: "replica-b", until: Self.now() + 600)
        let claimedByA = try await store.claimMail(limit: 2, lease: a)
        #expect(claimedByA.map(\.id) == Array(all.prefix(2)))
        #expect(claimedByA.first?.subscriber.email == "s0@example.com" && claimedByA.first?.kind == .unsubscribe)
        // The other replica gets only what is left, then nothing; held mail is not due either.
        #expect(try await store.claimMail(limit: 10, lease: b).map(\.id) == [all[2]])
        #expect(try await store.claimMail(limit: 10, lease: b).isEmpty)
        #expect(try await store.dueMail(limit: 10).isEmpty)

        // Only the holder gives a claim back; then anyone may take it at once.
        try await store.releaseMail([all[1]], owner: "replica-b")
        #expect(try await store.claimMail(limit: 10, lease: b).isEmpty)
        try await store.releaseMail([all[1]], owner: "replica-a")
        #expect(try await store.claimMail(limit: 10, lease: b).map(\.id) == [all[1]])

        // Replica a died: once its lease ends, its mail is claimed again, as it was.
        try await Self.wait(until: a.until)
        let takenOver = try await store.claimMail(limit: 10, lease: b)
        #expect(takenOver == [claimedByA[0]])

        // Sent or failed ends a lease for good.
        try await store.markSent(mail: all[0])
        try await store.markFailed(mail: all[1], error: "550 no such user", retryAt: nil)
        try await store.markFailed(mail: all[2], error: "451 later", retryAt: 0)
        let again = OutboxLease(owner: "replica-a", until: Self.now() + 600)
        #expect(try await store.claimMail(limit: 10, lease: again).map(\.id) == [all[2]])
        var counts = OutboxCounts()
        (counts.queued, counts.sent, counts.failed) = (1, 1, 1)
        #expect(try await store.outboxCounts(page: "acme") == counts)
    }

    @Test(arguments: StoreKind.tested) func replicasClaimingAtOnceNeverShareAMail(kind: StoreKind) async throws {
        let (store, location) = try await Self.queue(60, kind: kind)
        let other = try await kind.reopen(location)
        let claims = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for worker in 0..<6 {
                let replica = worker % 2 == 0 ? store : other
                group.addTask {
                    var mine: [Int64] = []
                    while true {
                        let lease = OutboxLease(owner: "replica-\(worker)", until: Self.now() + 600)
                        let batch = try await replica.claimMail(limit: 4, lease: lease)
                        if batch.isEmpty { return mine }
                        for mail in batch { try await replica.markSent(mail: mail.id) }
                        mine += batch.map(\.id)
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let ids = claims.flatMap { $0 }
        #expect(ids.count == 60 && Set(ids).count == 60)
        #expect(try await store.outboxCounts(page: nil).sent == 60)
    }

    @Test(arguments: StoreKind.tested) func aWebhookIsHeldWhileItsOldestDeliveryIsClaimed(kind: StoreKind) async throws {
        let (store, location) = try await kind.make()
        try await store.ensurePage(id: "acme")
        let first = try await store.createWebhook(WebhookRegistration(url: "https://a.example/hook", secret: "s1"), page: "acme")
        let second = try await store.createWebhook(WebhookRegistration(url: "https://b.example/hook", secret: "s2"), page: "acme")
        try await kind.execute(
            [
                """
                INSERT INTO webhook_deliveries (id, webhook_id, page_id, event, body, next_attempt_at, created_at)
                VALUES ('d1', '\(first.id)', 'acme', 'e', '{"n":1}', 0, 0), ('d2', '\(first.id)', 'acme', 'e', '{"n":2}', 0, 0),
                    ('d3', '\(second.id)', 'acme', 'e', '{"n":3}', 0, 0)
                """
            ],
            at: location
        )
        // Long enough for the checks below on a loaded machine; the test then waits it out.
        let a = OutboxLease(owner: "replica-a", until: Self.now() + 25)
        let b = OutboxLease(owner: "replica-b", until: Self.now() + 600)
        let claimedByA = try await store.claimWebhookDeliveries(limit: 10, lease: a)
        #expect(claimedByA.map(\.id) == ["d1", "d3"])
        #expect(claimedByA.first?.url == "https://a.example/hook" && claimedByA.first?.secret == "s1")
        // d2 waits for d1: a webhook's events go out in order, whoever holds them.
        #expect(try await store.claimWebhookDeliveries(limit: 10, lease: b).isEmpty)
        #expect(try await store.dueWebhookDeliveries(limit: 10).isEmpty)

        try await Self.wait(until: a.until)
        #expect(try await store.claimWebhookDeliveries(limit: 10, lease: b) == claimedByA)
        let again = OutboxLease(owner: "replica-a", until: Self.now() + 600)
        try await store.markWebhookDelivered(claimedByA[0].seq, status: 204)
        #expect(try await store.claimWebhookDeliveries(limit: 10, lease: again).map(\.id) == ["d2"])
        try await store.markWebhookFailed(claimedByA[1].seq, status: 500, error: "HTTP 500", retryAt: 0)
        #expect(try await store.claimWebhookDeliveries(limit: 10, lease: again).map(\.id) == ["d3"])
    }

    @Test(arguments: StoreKind.tested) func theLeasesOfAReplicaThatIsGoneAreEndedAtOnce(kind: StoreKind) async throws {
        let (store, location) = try await Self.queue(2, kind: kind)
        let hook = try await store.createWebhook(WebhookRegistration(url: "https://a.example/hook", secret: "s"), page: "acme")
        try await kind.execute(
            [
                """
                INSERT INTO webhook_deliveries (id, webhook_id, page_id, event, body, next_attempt_at, created_at)
                VALUES ('d1', '\(hook.id)', 'acme', 'e', '{}', 0, 0)
                """
            ],
            at: location
        )
        let gone = OutboxLease(owner: "gone", until: Self.now() + 600)
        let alive = OutboxLease(owner: "alive", until: Self.now() + 600)
        #expect(try await store.leaseHolders() == [])
        #expect(try await store.claimMail(limit: 1, lease: gone).count == 1)
        #expect(try await store.claimWebhookDeliveries(limit: 1, lease: gone).map(\.id) == ["d1"])
        #expect(try await store.claimMail(limit: 1, lease: alive).count == 1)
        #expect(try await store.leaseHolders().sorted() == ["alive", "gone"])

        #expect(try await store.releaseLeases(owner: "gone") == 2)
        #expect(try await store.leaseHolders() == ["alive"])
        #expect(try await store.claimMail(limit: 10, lease: alive).count == 1)
        #expect(try await store.claimWebhookDeliveries(limit: 10, lease: alive).map(\.id) == ["d1"])
        #expect(try await store.releaseLeases(owner: "gone") == 0)
    }
}
