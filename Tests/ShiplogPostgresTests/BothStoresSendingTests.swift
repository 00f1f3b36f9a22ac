import Foundation
import ShiplogModel
import ShiplogStore
import Testing

/// The `sending` state of outbox mail (SPEC §8, exactly once across replicas): a mail is marked
/// `sending` just before its content goes out; no replica claims it again, the replica that sent
/// it turns it into `sent` or back into `queued`, and one left by a stopped replica is given up as
/// failed once its lease is over. The same tests on every store.
@Suite struct BothStoresSendingTests {
    @Test(arguments: StoreKind.tested) func onlyTheHolderMarksSendingAndNoReplicaClaimsItAgain(kind: StoreKind) async throws {
        let (store, _) = try await BothStoresOutboxTests.queue(3, kind: kind)
        let now = BothStoresOutboxTests.now()
        let a = OutboxLease(owner: "replica-a", until: now + 600)
        let mails = try await store.claimMail(limit: 3, lease: a).map(\.id)
        #expect(mails.count == 3)
        #expect(try await store.markSending(mail: mails[0], owner: "replica-b") == false)
        #expect(try await store.markSending(mail: mails[0], owner: "replica-a"))
        #expect(try await store.markSending(mail: mails[0], owner: "replica-a") == false)
        #expect(try await store.markSending(mail: mails[1], owner: "replica-a"))

        // A `sending` mail is not given back with the rest of a claim, and its lease ending does not make it claimable.
        try await store.releaseMail(mails, owner: "replica-a")
        let b = OutboxLease(owner: "replica-b", until: now + 600)
        #expect(try await store.claimMail(limit: 10, lease: b).map(\.id) == [mails[2]])
        #expect(try await store.outboxCounts(page: "acme").queued == 3)

        // The sender's answer decides: 250 makes it sent, a failure queues it again for a retry.
        try await store.markSent(mail: mails[0])
        try await store.markFailed(mail: mails[1], error: "421 closing", retryAt: 0)
        let c = OutboxLease(owner: "replica-c", until: now + 600)
        #expect(try await store.claimMail(limit: 10, lease: c).map(\.id) == [mails[1]])
        #expect(try await store.outboxCounts(page: "acme").sent == 1)
    }

    @Test(arguments: StoreKind.tested) func mailLeftSendingByAStoppedReplicaIsGivenUpNotSentAgain(kind: StoreKind) async throws {
        let (store, location) = try await BothStoresOutboxTests.queue(3, kind: kind)
        let now = BothStoresOutboxTests.now()
        let gone = try await store.claimMail(limit: 1, lease: OutboxLease(owner: "replica-gone", until: now + 600)).map(\.id)
        let expired = try await store.claimMail(limit: 1, lease: OutboxLease(owner: "replica-old", until: now + 600)).map(\.id)
        let alive = try await store.claimMail(limit: 1, lease: OutboxLease(owner: "replica-alive", until: now + 600)).map(\.id)
        #expect(try await store.markSending(mail: gone[0], owner: "replica-gone"))
        #expect(try await store.markSending(mail: expired[0], owner: "replica-old"))
        #expect(try await store.markSending(mail: alive[0], owner: "replica-alive"))
        // replica-old's lease is over; replica-alive's is not, so its mail may still be answered.
        try await kind.execute(["UPDATE outbox SET lease_until = \(now - 1) WHERE id = \(expired[0])"], at: location)

        #expect(try await store.leaseHolders().contains("replica-gone"))
        #expect(try await store.giveUpAbandonedMail(owner: "replica-gone") == 2)
        #expect(try await store.giveUpAbandonedMail(owner: nil) == 0)
        var counts = OutboxCounts()
        (counts.queued, counts.failed) = (1, 2)
        #expect(try await store.outboxCounts(page: "acme") == counts)
        #expect(try await store.claimMail(limit: 10, lease: OutboxLease(owner: "replica-new", until: now + 600)).isEmpty)
        try await store.markSent(mail: alive[0])
        #expect(try await store.outboxCounts(page: "acme").sent == 1)
    }
}
