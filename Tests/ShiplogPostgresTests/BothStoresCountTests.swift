import ShiplogModel
import ShiplogStore
import Testing

/// The queue sizes `/metrics` shows: the same tests on every store (SPEC §8). The queues are
/// filled with SQL written for both stores.
@Suite struct BothStoresCountTests {
    static let rows = [
        "INSERT INTO pages (id, title) VALUES ('acme', 'Acme'), ('beta', 'Beta')",
        """
        INSERT INTO subscribers (id, page_id, email, email_key, state, preferences, unsubscribe_token, created_at)
        VALUES (1, 'acme', 'a@x.example', 'a@x.example', 'confirmed', 'major', 't1', 0),
            (2, 'beta', 'b@x.example', 'b@x.example', 'confirmed', 'major', 't2', 0)
        """,
        """
        INSERT INTO outbox (page_id, kind, subscriber_id, state, next_attempt_at, created_at)
        VALUES ('acme', 'confirm', 1, 'queued', 0, 0), ('acme', 'confirm', 1, 'sent', 0, 0),
            ('acme', 'confirm', 1, 'sent', 0, 0), ('beta', 'confirm', 2, 'failed', 0, 0)
        """,
        "INSERT INTO webhooks (id, page_id, url, secret, events, created_at) VALUES ('w1', 'acme', 'https://h.example/', 's', '[]', 0)",
        """
        INSERT INTO webhook_deliveries (id, webhook_id, page_id, event, body, state, attempts, next_attempt_at, created_at)
        VALUES ('d1', 'w1', 'acme', 'e', '{}', 'queued', 0, 0, 0), ('d2', 'w1', 'acme', 'e', '{}', 'queued', 2, 0, 0),
            ('d3', 'w1', 'acme', 'e', '{}', 'delivered', 1, 0, 0)
        """,
    ]

    @Test(arguments: StoreKind.tested) func queuesAreCountedPerStateAndPage(kind: StoreKind) async throws {
        let (store, location) = try await kind.make()
        #expect(try await store.outboxCounts(page: nil) == OutboxCounts())
        #expect(try await store.webhookQueueCounts() == WebhookQueueCounts())
        try await kind.execute(Self.rows, at: location)
        var all = OutboxCounts()
        (all.queued, all.sent, all.failed) = (1, 2, 1)
        #expect(try await store.outboxCounts(page: nil) == all)
        var acme = OutboxCounts()
        (acme.queued, acme.sent) = (1, 2)
        #expect(try await store.outboxCounts(page: "acme") == acme)
        #expect(try await store.webhookQueueCounts() == WebhookQueueCounts(queued: 2, failing: 1))
    }
}

/// Subscribers as the page's owner sees them: the same on every store (SPEC §8).
@Suite struct BothStoresSubscriberListTests {
    @Test(arguments: StoreKind.tested) func subscribersAreListedOldestFirstWithTheirState(kind: StoreKind) async throws {
        let (store, location) = try await kind.make()
        try await kind.execute(Array(BothStoresCountTests.rows.prefix(2)), at: location)
        try await kind.execute(
            [
                """
                INSERT INTO subscribers (id, page_id, email, email_key, state, preferences, unsubscribe_token, created_at, unsubscribed_at)
                VALUES (3, 'acme', 'C@x.example', 'c@x.example', 'unsubscribed', 'major,minor', 't3', 10, 20)
                """
            ],
            at: location
        )
        let listed = try await store.subscribers(page: "acme")
        #expect(listed.map(\.id) == [1, 3])
        #expect(listed.map(\.email) == ["a@x.example", "C@x.example"])
        #expect(listed.map(\.state) == [.confirmed, .unsubscribed])
        #expect(listed.last?.unsubscribedAt == Timestamp(seconds: 20))
        #expect(listed.last?.preferences == [.major, .minor])
        #expect(try await store.subscribers(page: "none") == [])
    }
}
