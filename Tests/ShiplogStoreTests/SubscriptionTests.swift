import Foundation
import ShiplogModel
import ShiplogStore
import Testing

/// The confirmation token queued with the newest confirmation mail of `email`.
func confirmationToken(_ store: any Store, _ email: String) async throws -> String {
    let mail = try await store.dueMail(limit: 1000).last { $0.kind == .confirmation && $0.subscriber.email == email }
    return try #require(mail?.confirmationToken)
}

/// Changes the preferences of a confirmed subscriber as its owner does: asks, then confirms from the mail.
func changePreferences(_ store: any Store, _ data: ReleaseData, _ email: String, _ preferences: [BumpKind]) async throws {
    #expect(try await store.subscribe(page: data.page.id, email: email, preferences: preferences) == .confirmationQueued)
    #expect(try await store.confirm(token: try await confirmationToken(store, email), page: data.page.id)?.preferences == preferences)
    for mail in try await store.dueMail(limit: 1000) where mail.kind == .confirmation { try await store.markSent(mail: mail.id) }
}

/// A store with the example page and `emails` confirmed with `preferences`.
func storeWithSubscribers(_ emails: [String], preferences: [BumpKind] = [.major, .minor, .patch]) async throws -> (TemporaryStore, ReleaseData) {
    let (temporary, data) = try await TemporaryStore.example()
    for email in emails {
        #expect(try await temporary.store.subscribe(page: data.page.id, email: email, preferences: preferences) == .confirmationQueued)
        #expect(
            try await temporary.store.confirm(token: try await confirmationToken(temporary.store, email), page: data.page.id)?.state == .confirmed
        )
    }
    for mail in try await temporary.store.dueMail(limit: 1000) { try await temporary.store.markSent(mail: mail.id) }
    return (temporary, data)
}

@Suite struct SubscriptionTests {
    @Test func doubleOptIn() async throws {
        let (temporary, data) = try await TemporaryStore.example()
        let store = temporary.store
        #expect(try await store.subscribe(page: data.page.id, email: "Ann@Example.com", preferences: [.major]) == .confirmationQueued)
        #expect(try await store.subscribers(page: data.page.id).map(\.state) == [.pending])
        let token = try await confirmationToken(store, "Ann@Example.com")
        #expect(try await store.confirm(token: token + "0", page: data.page.id) == nil)
        // Another page's path neither confirms nor uses up the token.
        #expect(try await store.confirm(token: token, page: "other") == nil)
        let confirmed = try #require(try await store.confirm(token: token, page: data.page.id))
        #expect(confirmed.state == .confirmed && confirmed.preferences == [.major])
        // Single use.
        #expect(try await store.confirm(token: token, page: data.page.id) == nil)
        // Anyone may re-subscribe a confirmed address (in any case): only a confirmation mail goes out,
        // and the new preferences apply once its owner confirms them (SPEC §6.2).
        #expect(try await store.subscribe(page: data.page.id, email: "ann@example.com", preferences: [.patch, .minor]) == .confirmationQueued)
        #expect(try await store.subscribers(page: data.page.id).map(\.preferences) == [[.major]])
        #expect(try await store.dueMail(limit: 10).filter { $0.kind == .confirmation }.count == 2)
        let change = try await confirmationToken(store, "Ann@Example.com")
        #expect(try await store.confirmation(token: change, page: data.page.id)?.preferences == [.minor, .patch])
        #expect(try await store.confirmation(token: change, page: "other") == nil)
        #expect(try await store.subscribers(page: data.page.id).map(\.preferences) == [[.major]])
        let changed = try #require(try await store.confirm(token: change, page: data.page.id))
        #expect(changed.preferences == [.minor, .patch] && changed.state == .confirmed)
        #expect(changed.confirmedAt == confirmed.confirmedAt)
        #expect(try await store.confirmation(token: change, page: data.page.id) == nil)
    }

    @Test func anUnsubscribeRequestWithoutALinkOnlyMailsTheSubscriber() async throws {
        let (temporary, data) = try await storeWithSubscribers(["a@b.example"])
        let store = temporary.store
        _ = try await store.subscribe(page: data.page.id, email: "pending@b.example", preferences: [])
        var outcomes: [SubscribeOutcome] = []
        for _ in 0..<4 { outcomes.append(try await store.requestUnsubscribe(page: data.page.id, email: "A@b.example")) }
        #expect(outcomes == [.confirmationQueued, .confirmationQueued, .confirmationQueued, .throttled])
        #expect(try await store.requestUnsubscribe(page: data.page.id, email: "pending@b.example") == .unchanged)
        #expect(try await store.requestUnsubscribe(page: data.page.id, email: "nobody@b.example") == .unchanged)
        #expect(try await store.subscribers(page: data.page.id).map(\.state) == [.confirmed, .pending])
        let mail = try await store.dueMail(limit: 10).filter { $0.kind == .unsubscribe }
        #expect(mail.map(\.subscriber.email) == ["a@b.example", "a@b.example", "a@b.example"])
    }

    @Test func confirmationMailIsThrottledPerAddress() async throws {
        let (temporary, data) = try await TemporaryStore.example()
        var outcomes: [SubscribeOutcome] = []
        for _ in 0..<5 { outcomes.append(try await temporary.store.subscribe(page: data.page.id, email: "a@b.example", preferences: [])) }
        #expect(outcomes == [.confirmationQueued, .confirmationQueued, .confirmationQueued, .throttled, .throttled])
        #expect(try await temporary.store.dueMail(limit: 10).count == 3)
        #expect(try await temporary.store.subscribers(page: data.page.id).first?.preferences == Subscriptions.defaultPreferences)
    }

    @Test func unsubscribeByAddressAndByToken() async throws {
        let (temporary, data) = try await storeWithSubscribers(["a@b.example", "c@d.example"])
        let store = temporary.store
        #expect(try await store.unsubscribe(page: data.page.id, email: "A@B.example"))
        #expect(try await store.unsubscribe(page: data.page.id, email: "a@b.example") == false)
        #expect(try await store.unsubscribe(page: data.page.id, email: "nobody@b.example") == false)
        let other = try #require(try await store.subscribers(page: data.page.id).last)
        #expect(try await store.subscriber(unsubscribeToken: other.unsubscribeToken)?.email == "c@d.example")
        #expect(try await store.unsubscribe(token: other.unsubscribeToken)?.state == .unsubscribed)
        #expect(try await store.unsubscribe(token: "nope") == nil)
        #expect(try await store.subscribers(page: data.page.id).allSatisfy { $0.state == .unsubscribed && $0.unsubscribedAt != nil })
    }

    @Test func anUnsubscribedAddressCanComeBackThroughConfirmation() async throws {
        let (temporary, data) = try await storeWithSubscribers(["a@b.example"])
        let store = temporary.store
        try await store.unsubscribe(page: data.page.id, email: "a@b.example")
        #expect(try await store.subscribe(page: data.page.id, email: "a@b.example", preferences: [.major]) == .confirmationQueued)
        #expect(try await store.subscribers(page: data.page.id).first?.state == .unsubscribed)
        #expect(try await store.confirm(token: try await confirmationToken(store, "a@b.example"), page: data.page.id)?.state == .confirmed)
    }
}

@Suite struct OutboxTests {
    func publish(_ store: any Store, _ data: ReleaseData, _ version: String, status: Release.Status = .published) async throws -> Release {
        let release = Release(
            component: data.components[0].slug,
            version: Version(version),
            publishedAt: Timestamp(seconds: 1_900_000_000),
            notes: "Notes of \(version).",
            status: status
        )
        try await store.createRelease(release, page: data.page.id)
        return release
    }

    @Test func aPublishedReleaseQueuesOneMailPerMatchingSubscriber() async throws {
        let (temporary, data) = try await storeWithSubscribers(["all@x.example", "major@x.example"])
        let store = temporary.store
        try await changePreferences(store, data, "major@x.example", [.major])
        _ = try await store.subscribe(page: data.page.id, email: "pending@x.example", preferences: [.patch, .minor, .major])
        // The first component's latest is v1.10.2: v1.10.3 is a patch.
        let release = try await publish(store, data, "v1.10.3")
        let due = try await store.dueMail(limit: 100).filter { $0.kind == .release }
        #expect(due.map(\.subscriber.email) == ["all@x.example"])
        #expect(due.first?.release == release.reference && due.first?.bump == .patch)
        // Publishing again (yank, then publish) never queues a second mail.
        var yanked = release
        yanked.status = .yanked
        try await store.updateRelease(yanked, page: data.page.id)
        try await store.updateRelease(release, page: data.page.id)
        #expect(try await store.dueMail(limit: 100).filter { $0.kind == .release }.count == 1)
    }

    @Test func draftsQueueNothingUntilPublished() async throws {
        let (temporary, data) = try await storeWithSubscribers(["a@x.example"])
        let store = temporary.store
        var draft = try await publish(store, data, "v3.0.0", status: .draft)
        #expect(try await store.dueMail(limit: 100).isEmpty)
        draft.status = .published
        try await store.updateRelease(draft, page: data.page.id)
        let due = try await store.dueMail(limit: 100)
        #expect(due.count == 1 && due.first?.bump == .major)
    }

    @Test func preReleasesOnlyForThoseWhoOptedIn() async throws {
        let (temporary, data) = try await storeWithSubscribers(["a@x.example"])
        let store = temporary.store
        try await changePreferences(store, data, "a@x.example", [.major, .prerelease])
        _ = try await store.subscribe(page: data.page.id, email: "b@x.example", preferences: [.major])
        _ = try await publish(store, data, "v3.0.0-beta.1")
        let due = try await store.dueMail(limit: 100).filter { $0.kind == .release }
        #expect(due.map(\.subscriber.email) == ["a@x.example"])
        #expect(due.first?.bump == .prerelease)
    }

    @Test func anImportQueuesMailForNewlyPublishedReleases() async throws {
        let (temporary, data) = try await storeWithSubscribers(["a@x.example"])
        var next = data
        next.releases.append(
            Release(component: data.components[0].slug, version: Version("v1.11.0"), publishedAt: Timestamp(seconds: 1_900_000_000))
        )
        try await temporary.store.importData(next)
        try await temporary.store.importData(next)
        let due = try await temporary.store.dueMail(limit: 100)
        #expect(due.count == 1 && due.first?.bump == .minor && due.first?.release?.version == "v1.11.0")
    }

    @Test func retriesWaitAndFailuresAreRecorded() async throws {
        let (temporary, data) = try await storeWithSubscribers(["a@x.example", "b@x.example"])
        let store = temporary.store
        _ = try await publish(store, data, "v2.5.0")
        let due = try await store.dueMail(limit: 100)
        #expect(due.count == 2)
        try await store.markFailed(mail: due[0].id, error: "451 try later", retryAt: Int64(Date().timeIntervalSince1970) + 60)
        try await store.markFailed(mail: due[1].id, error: "550 no such user", retryAt: nil)
        #expect(try await store.dueMail(limit: 100).isEmpty)
        var counts = try await store.outboxCounts(page: data.page.id)
        #expect(counts.queued == 1 && counts.failed == 1)
        try await store.markFailed(mail: due[0].id, error: "451 again", retryAt: 0)
        let retried = try await store.dueMail(limit: 100)
        #expect(retried.map(\.id) == [due[0].id] && retried.first?.attempts == 2)
        try await store.markSent(mail: due[0].id)
        counts = try await store.outboxCounts(page: nil)
        #expect(counts.queued == 0 && counts.failed == 1)
    }

    @Test func importedSubscribersGetReleaseMailButUnsubscribedStayOut() async throws {
        let (temporary, data) = try await TemporaryStore.example()
        let list = (0..<20_000).map { (email: "reader\($0)@x.example", preferences: [BumpKind.major]) }
        #expect(try await temporary.store.importSubscribers(page: data.page.id, list) == 20_000)
        #expect(try await temporary.store.importSubscribers(page: data.page.id, Array(list.prefix(10))) == 10)
        try await temporary.store.unsubscribe(page: data.page.id, email: "reader0@x.example")
        #expect(try await temporary.store.importSubscribers(page: data.page.id, Array(list.prefix(1))) == 0)
        _ = try await publish(temporary.store, data, "v9.0.0")
        #expect(try await temporary.store.outboxCounts(page: data.page.id).queued == 19_999)
    }
}
