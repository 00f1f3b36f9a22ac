import Foundation
import ShiplogStore
import Testing

/// Answers kept for `Idempotency-Key` (SPEC §6.1): durable, per page and caller, for 24 hours.
@Suite struct IdempotencyKeyTests {
    static func answer(page: String = "acme", caller: String = "key:k1", key: String = "abc", age: Int64 = 0) -> StoredAnswer {
        StoredAnswer(
            page: page,
            caller: caller,
            key: key,
            fingerprint: "f1",
            status: 201,
            contentType: "application/json; charset=utf-8",
            location: "/api/v1/pages/acme/components/api/releases/1.0.0",
            body: Array(#"{"id":1}"#.utf8),
            createdAt: Int64(Date().timeIntervalSince1970) - age
        )
    }

    @Test func keptAnswersAreFoundByPageCallerAndKey() async throws {
        let temporary = try await TemporaryStore()
        let kept = Self.answer()
        try await temporary.store.storeAnswer(kept)
        #expect(try await temporary.store.storedAnswer(page: "acme", caller: "key:k1", key: "abc") == kept)
        #expect(try await temporary.store.storedAnswer(page: "acme", caller: "key:k2", key: "abc") == nil)
        #expect(try await temporary.store.storedAnswer(page: "other", caller: "key:k1", key: "abc") == nil)
        #expect(try await temporary.store.storedAnswer(page: "acme", caller: "anonymous", key: "abc") == nil)

        // Durable: another connection to the same file finds it.
        let reopened = try await temporary.reopen()
        #expect(try await reopened.storedAnswer(page: "acme", caller: "key:k1", key: "abc") == kept)
    }

    @Test func answersExpireAfterADay() async throws {
        let temporary = try await TemporaryStore()
        try await temporary.store.storeAnswer(Self.answer(key: "old", age: IdempotencyKeys.lifetime + 1))
        try await temporary.store.storeAnswer(Self.answer(key: "recent", age: IdempotencyKeys.lifetime - 60))
        #expect(try await temporary.store.storedAnswer(page: "acme", caller: "key:k1", key: "old") == nil)
        #expect(try await temporary.store.storedAnswer(page: "acme", caller: "key:k1", key: "recent") != nil)
    }
}
