import ShiplogModel
import ShiplogStore
import Testing

/// Registered webhooks: the same tests on every store (SPEC §8). Their delivery queue is filled
/// with SQL written for both stores (the PostgreSQL store does not queue events yet).
@Suite struct BothStoresWebhookTests {
    @Test(arguments: StoreKind.tested) func webhooksAreCreatedListedWithTheirCountsAndDeleted(kind: StoreKind) async throws {
        let (store, location) = try await kind.make()
        await #expect(throws: StoreError.notFound("page \"acme\"")) {
            try await store.createWebhook(WebhookRegistration(url: "https://a.example/hook", secret: "s1"), page: "acme")
        }
        try await store.ensurePage(id: "acme")
        let all = try await store.createWebhook(WebhookRegistration(url: "https://a.example/hook", secret: "s1"), page: "acme")
        let deploys = try await store.createWebhook(
            WebhookRegistration(url: "https://b.example/hook", secret: "s2", events: [.deploymentCreated], format: .slack),
            page: "acme"
        )
        #expect(all.events == EventKind.allCases && all.format == .json && all.page == "acme")
        #expect(deploys.events == [.deploymentCreated] && deploys.format == .slack)
        #expect(all.queued == 0 && all.delivered == 0 && all.lastError == nil)
        try await kind.execute(
            [
                """
                INSERT INTO webhook_deliveries (id, webhook_id, page_id, event, body, state, attempts, next_attempt_at, created_at, last_error)
                VALUES ('d1', '\(all.id)', 'acme', 'e', '{}', 'queued', 1, 0, 0, 'timed out'),
                    ('d2', '\(all.id)', 'acme', 'e', '{}', 'delivered', 1, 0, 0, NULL)
                """
            ],
            at: location
        )
        let listed = try await store.webhooks(page: "acme")
        #expect(listed.map(\.id) == [all.id, deploys.id])
        #expect(listed.first?.queued == 1 && listed.first?.delivered == 1 && listed.first?.lastError == "timed out")
        #expect(try await store.webhooks(page: "other") == [])
        #expect(try await !store.deleteWebhook(id: all.id, page: "other"))
        #expect(try await store.deleteWebhook(id: all.id, page: "acme"))
        #expect(try await !store.deleteWebhook(id: all.id, page: "acme"))
        #expect(try await store.webhooks(page: "acme").map(\.id) == [deploys.id])
        #expect(try await store.webhookQueueCounts() == WebhookQueueCounts())
    }
}
