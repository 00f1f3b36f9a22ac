import Foundation
import ShiplogModel
import ShiplogStore
import Testing

@Suite struct WebhookQueueTests {
    /// A store with the example page and a published release `api 9.9.9` to queue events about.
    func prepared() async throws -> (TemporaryStore, String) {
        let (temporary, data) = try await TemporaryStore.example()
        return (temporary, data.page.id)
    }

    func release(_ version: String) -> Release {
        Release(component: "api", version: Version(version), title: "Faster sync", publishedAt: Timestamp(seconds: 1_893_553_445))
    }

    @Test func eventsAreQueuedPerListeningWebhookInTheChangesTransaction() async throws {
        let (temporary, page) = try await prepared()
        let store = temporary.store
        let all = try await store.createWebhook(WebhookRegistration(url: "https://a.example/hook", secret: "s1"), page: page)
        let deploys = try await store.createWebhook(
            WebhookRegistration(url: "https://b.example/hook", secret: "s2", events: [.deploymentCreated], format: .slack),
            page: page
        )
        #expect(all.events == EventKind.allCases && all.format == .json)
        #expect(deploys.events == [.deploymentCreated])

        try await store.createRelease(release("v9.9.9"), page: page)
        // A refused change queues nothing.
        await #expect(throws: StoreError.self) { try await store.createRelease(release("v9.9.9"), page: page) }
        _ = try await store.addDeployment(
            Deployment(component: "api", version: "v9.9.9", environment: "production", status: .success),
            page: page
        )

        let due = try await store.dueWebhookDeliveries(limit: 10)
        // One at a time per webhook: the release event first for the first webhook, the deployment for the second.
        #expect(due.map(\.webhookID).sorted() == [all.id, deploys.id].sorted())
        let first = try #require(due.first { $0.webhookID == all.id })
        #expect(first.event == "release.published" && first.secret == "s1" && first.url == "https://a.example/hook")
        let event = try JSONParser.parse(first.body)
        #expect(event["event"] == .string("release.published") && event["page"] == .string(page))
        #expect(event["data"]?["version"] == .string("v9.9.9"))
        let slack = try #require(due.first { $0.webhookID == deploys.id })
        #expect(slack.body == #"{"text":"Nimbus API v9.9.9 deployed to production: success"}"#)

        // A failure keeps the delivery (same id) at the head of its webhook's queue, later.
        try await store.markWebhookFailed(first.seq, status: 500, error: "HTTP 500", retryAt: Int64(Date().timeIntervalSince1970) + 60)
        #expect(try await store.dueWebhookDeliveries(limit: 10).map(\.webhookID) == [deploys.id])
        #expect(try await store.webhooks(page: page).first?.lastError == "HTTP 500")
        try await store.markWebhookFailed(first.seq, status: nil, error: "timeout", retryAt: 0)
        let retried = try #require(try await store.dueWebhookDeliveries(limit: 10).first { $0.webhookID == all.id })
        #expect(retried.id == first.id && retried.body == first.body && retried.attempts == 2)

        try await store.markWebhookDelivered(retried.seq, status: 204)
        let next = try #require(try await store.dueWebhookDeliveries(limit: 10).first { $0.webhookID == all.id })
        #expect(next.event == "deployment.created" && next.seq > retried.seq)
        let listed = try await store.webhooks(page: page)
        #expect(listed.map(\.id) == [all.id, deploys.id])
        #expect(listed[0].delivered == 1 && listed[0].queued == 1 && listed[1].queued == 1)
    }

    @Test func settingTheStatusADeploymentHasTellsNobody() async throws {
        let (temporary, page) = try await prepared()
        let store = temporary.store
        let hook = try await store.createWebhook(
            WebhookRegistration(url: "https://a.example/hook", secret: "s1", events: [.deploymentUpdated]),
            page: page
        )
        let reference = ReleaseReference(component: "api", version: "v1.10.2")
        _ = try await store.updateDeployment(reference, environment: "staging", status: .inProgress, page: page)
        _ = try await store.updateDeployment(reference, environment: "staging", status: .success, page: page)
        let queued = try #require(try await store.webhooks(page: page).first { $0.id == hook.id }?.queued)
        #expect(queued >= 1)
        let (again, created) = try await store.updateDeployment(reference, environment: "staging", status: .success, page: page)
        #expect(!created && again.deployment.status == .success)
        #expect(try await store.webhooks(page: page).first { $0.id == hook.id }?.queued == queued)
    }

    @Test func deletingAWebhookDropsItsDeliveries() async throws {
        let (temporary, page) = try await prepared()
        let store = temporary.store
        let hook = try await store.createWebhook(WebhookRegistration(url: "https://a.example/hook", secret: "s"), page: page)
        try await store.createRelease(release("v9.9.9"), page: page)
        #expect(try await store.dueWebhookDeliveries(limit: 10).count == 1)
        #expect(try await store.deleteWebhook(id: hook.id, page: "other") == false)
        #expect(try await store.deleteWebhook(id: hook.id, page: page))
        #expect(try await store.dueWebhookDeliveries(limit: 10).isEmpty)
        #expect(try await store.webhooks(page: page).isEmpty)
    }

    @Test func aWebhookOfAnUnknownPageIsRefused() async throws {
        let temporary = try await TemporaryStore()
        await #expect(throws: StoreError.notFound("page \"nope\"")) {
            _ = try await temporary.store.createWebhook(WebhookRegistration(url: "https://a.example", secret: "s"), page: "nope")
        }
    }
}

@Suite struct WebhookEventTests {
    static let release: JSONValue = .object([
        JSONMember("component", .string("api")), JSONMember("version", .string("v1.11.0")), JSONMember("title", .string("Shared notebooks")),
        JSONMember("published_at", .string("2030-01-02T03:04:05Z")), JSONMember("url", .string("https://example.com/r")),
    ])
    static let deployment: JSONValue = .object([
        JSONMember("component", .string("api")), JSONMember("version", .string("v1.2.3")), JSONMember("environment", .string("production")),
        JSONMember("status", .string("success")),
    ])

    @Test(arguments: [
        (EventKind.releasePublished, release, "Nimbus API v1.11.0 released: Shared notebooks"),
        (.releaseYanked, release, "Nimbus API v1.11.0 yanked"),
        (.deploymentCreated, deployment, "Nimbus API v1.2.3 deployed to production: success"),
        (.deploymentUpdated, deployment, "Nimbus API v1.2.3 deployed to production: success"),
    ])
    func readableLine(kind: EventKind, data: JSONValue, line: String) {
        #expect(WebhookEvent(kind: kind, page: "nimbus", data: data, componentName: "Nimbus API", now: 0).line == line)
    }

    @Test func formats() {
        let published = WebhookEvent(kind: .releasePublished, page: "nimbus", data: Self.release, componentName: "Nimbus API", now: 5)
        #expect(published.body(.slack) == #"{"text":"Nimbus API v1.11.0 released: Shared notebooks <https://example.com/r|release notes>"}"#)
        #expect(
            published.body(.grafana)
                == #"{"time":1893553445000,"tags":["shiplog","release.published","api","v1.11.0"],"text":"Nimbus API v1.11.0 released: Shared notebooks"}"#
        )
        let deployed = WebhookEvent(kind: .deploymentCreated, page: "nimbus", data: Self.deployment, componentName: nil, now: 7)
        #expect(
            deployed.body(.json) == #"{"event":"deployment.created","page":"nimbus","data":"# + JSONWriter.write(Self.deployment, pretty: false) + "}"
        )
        #expect(
            deployed.body(.grafana)
                == #"{"time":7000,"tags":["shiplog","deployment.created","api","v1.2.3","production","success"],"text":"api v1.2.3 deployed to production: success"}"#
        )
    }
}
