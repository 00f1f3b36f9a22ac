import Foundation
import ShiplogModel
import ShiplogStore
import Testing

/// Pruning (`serve --keep-delivered`, `shiplog prune`): delivered mail and webhook deliveries older
/// than the cutoff go, everything else stays; the same tests on every store (SPEC §8).
@Suite struct BothStoresPruningTests {
    static let cutoff: Int64 = 1_700_000_000

    /// Mail and deliveries on both sides of ``cutoff``, in every state.
    static func rows(webhook: String) -> [String] {
        let old = cutoff - 1
        let new = cutoff + 1
        return [
            """
            INSERT INTO subscribers (id, page_id, email, email_key, state, preferences, unsubscribe_token, created_at)
            VALUES (1, 'acme', 'ada@example.com', 'ada@example.com', 'confirmed', ',major,', 'tok1', 0)
            """,
            """
            INSERT INTO outbox (page_id, kind, subscriber_id, component, version, state, next_attempt_at, created_at, sent_at)
            VALUES ('acme', 'release', 1, 'api', '1.0.0', 'sent', 0, 0, \(old)),
                ('acme', 'release', 1, 'api', '1.0.1', 'sent', 0, 0, \(old)),
                ('acme', 'release', 1, 'api', '1.0.2', 'sent', 0, 0, \(new)),
                ('acme', 'release', 1, 'api', '1.0.3', 'queued', 0, 0, NULL),
                ('acme', 'release', 1, 'api', '1.0.4', 'failed', 0, 0, NULL)
            """,
            """
            INSERT INTO webhook_deliveries (id, webhook_id, page_id, event, body, state, attempts, next_attempt_at, created_at, delivered_at)
            VALUES ('d1', '\(webhook)', 'acme', 'e', '{}', 'delivered', 1, 0, 0, \(old)),
                ('d2', '\(webhook)', 'acme', 'e', '{}', 'delivered', 1, 0, 0, \(new)),
                ('d3', '\(webhook)', 'acme', 'e', '{}', 'queued', 3, 0, 0, NULL)
            """,
        ]
    }

    /// Queued, sent and failed mails.
    static func states(_ counts: OutboxCounts) -> [Int] { [counts.queued, counts.sent, counts.failed] }

    @Test(arguments: StoreKind.tested) func deliveredRowsOlderThanTheCutoffGoAndNothingElse(kind: StoreKind) async throws {
        let (store, location) = try await kind.make()
        try await store.ensurePage(id: "acme")
        let hook = try await store.createWebhook(WebhookRegistration(url: "https://a.example/hook", secret: "s"), page: "acme")
        try await kind.execute(Self.rows(webhook: hook.id), at: location)

        #expect(try await store.pruneDelivered(before: Self.cutoff) == PrunedRows(mails: 2, webhookDeliveries: 1))
        #expect(Self.states(try await store.outboxCounts(page: "acme")) == [1, 1, 1])
        let kept = try #require(try await store.webhooks(page: "acme").first)
        #expect(kept.queued == 1 && kept.delivered == 1)
        #expect(try await store.webhookQueueCounts() == WebhookQueueCounts(queued: 1, failing: 1))
        // Nothing more is old enough; a later cutoff takes the newer delivered rows, never the others.
        #expect(try await store.pruneDelivered(before: Self.cutoff) == PrunedRows())
        #expect(try await store.pruneDelivered(before: Self.cutoff + 10) == PrunedRows(mails: 1, webhookDeliveries: 1))
        #expect(Self.states(try await store.outboxCounts(page: "acme")) == [1, 0, 1])
        #expect(try await store.webhooks(page: "acme").first?.delivered == 0)
        #expect(try await store.webhookQueueCounts() == WebhookQueueCounts(queued: 1, failing: 1))
    }

    @Test(arguments: StoreKind.tested) func manyRowsArePrunedABatchAtATime(kind: StoreKind) async throws {
        let (store, location) = try await kind.make()
        try await store.ensurePage(id: "acme")
        let hook = try await store.createWebhook(WebhookRegistration(url: "https://a.example/hook", secret: "s"), page: "acme")
        let count = 2_345
        try await kind.execute(
            [
                """
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(count))
                INSERT INTO webhook_deliveries (id, webhook_id, page_id, event, body, state, next_attempt_at, created_at, delivered_at)
                SELECT 'd' || CAST(i AS TEXT), '\(hook.id)', 'acme', 'e', '{}', 'delivered', 0, 0, 5 FROM n
                """
            ],
            at: location
        )
        #expect(try await store.webhooks(page: "acme").first?.delivered == count)
        #expect(try await store.pruneDelivered(before: 6) == PrunedRows(mails: 0, webhookDeliveries: count))
        #expect(try await store.webhooks(page: "acme").first?.delivered == 0)
    }

    @Test(arguments: StoreKind.tested) func aStoreWithNothingToPruneIsNotWritten(kind: StoreKind) async throws {
        let (store, _) = try await kind.make()
        try await store.ensurePage(id: "acme")
        let before = try await store.changeCounter()
        #expect(try await store.pruneDelivered(before: Self.cutoff) == PrunedRows())
        #expect(try await store.changeCounter() == before)
    }
}
