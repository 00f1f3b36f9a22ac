import Foundation
import ShiplogModel
import ShiplogStore
import Testing

/// ``Store/createReleaseCandidate(_:of:buildRequest:page:by:)``: Aviator's release candidates (SPEC §7).
@Suite struct ReleaseCandidateTests {
    func prepared() async throws -> (TemporaryStore, String) {
        let (temporary, data) = try await TemporaryStore.example()
        return (temporary, data.page.id)
    }

    func candidate(_ version: String) -> Release {
        Release(component: "api", version: Version(version), publishedAt: Timestamp(seconds: 1_893_553_445), prereleaseFlag: true, commit: "abc1234")
    }

    let draft = Release(component: "api", version: Version("9.9.0"), status: .draft, commit: "abc1234")
    let request: JSONValue = .object([
        JSONMember("component", .string("api")), JSONMember("version", .string("9.9.0")),
        JSONMember("release_candidate", .string("9.9.0-rc1")), JSONMember("commit", .string("abc1234")),
        JSONMember("repo", .string("nimbus/api")),
    ])

    @Test func buildRequestedIsQueuedWithTheCandidateOnly() async throws {
        let (temporary, page) = try await prepared()
        let store = temporary.store
        let hook = try await store.createWebhook(WebhookRegistration(url: "https://a.example/hook", secret: "s1"), page: page)
        #expect(hook.events.contains(.buildRequested))
        let first = try await store.createReleaseCandidate(candidate("9.9.0-rc1"), of: draft, buildRequest: request, page: page, by: "k1")
        #expect(first.releaseCreated && first.release.status == .draft && first.candidate.status == .published)
        #expect(first.candidate.createdBy == "k1" && first.candidate.id != nil && first.release.id != nil)
        let second = try await store.createReleaseCandidate(candidate("9.9.0-rc2"), of: draft, buildRequest: nil, page: page, by: "k1")
        #expect(!second.releaseCreated && second.release.id == first.release.id)
        // A refused candidate queues nothing: the transaction is rolled back whole.
        await #expect(throws: StoreError.self) {
            try await store.createReleaseCandidate(candidate("9.9.0-rc1"), of: draft, buildRequest: request, page: page, by: "k1")
        }

        var events: [String] = []
        var build: JSONValue?
        while let due = try await store.dueWebhookDeliveries(limit: 10).first {
            events.append(due.event)
            if due.event == "build.requested" { build = try JSONParser.parse(due.body) }
            try await store.markWebhookDelivered(due.seq, status: 200)
        }
        #expect(events == ["release.published", "build.requested", "release.published"])
        #expect(build?["event"] == .string("build.requested") && build?["data"] == request)
    }

    @Test func onlyWebhooksThatListenHearIt() async throws {
        let (temporary, page) = try await prepared()
        let store = temporary.store
        _ = try await store.createWebhook(WebhookRegistration(url: "https://a.example/hook", secret: "s1", events: [.deploymentCreated]), page: page)
        _ = try await store.createReleaseCandidate(candidate("9.9.0-rc1"), of: draft, buildRequest: request, page: page, by: nil)
        #expect(try await store.dueWebhookDeliveries(limit: 10).isEmpty)
    }

    @Test func theSlackLineNamesTheCandidate() {
        let event = WebhookEvent(kind: .buildRequested, page: "nimbus", data: request, componentName: "Nimbus API", now: 0)
        #expect(event.line == "Nimbus API build requested: 9.9.0-rc1 at abc1234")
    }
}
