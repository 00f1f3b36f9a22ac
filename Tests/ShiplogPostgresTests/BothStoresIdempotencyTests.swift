import Foundation
import ShiplogStore
import Testing

/// Answers kept for `Idempotency-Key` (SPEC §6.1): the same tests on every store (SPEC §8).
@Suite struct BothStoresIdempotencyTests {
    static func answer(key: String = "abc", status: Int = 201, age: Int64 = 0) -> StoredAnswer {
        StoredAnswer(
            page: "acme",
            caller: "key:k1",
            key: key,
            fingerprint: "f1",
            status: status,
            contentType: "application/json; charset=utf-8",
            location: nil,
            body: Array(#"{"id":1}"#.utf8) + [0, 255],
            createdAt: Int64(Date().timeIntervalSince1970) - age
        )
    }

    @Test(arguments: StoreKind.tested) func keptAnswersAreFoundByPageCallerAndKeyFromAnotherConnection(kind: StoreKind) async throws {
        let (store, location) = try await kind.make()
        let kept = Self.answer()
        try await store.storeAnswer(kept)
        #expect(try await store.storedAnswer(page: "acme", caller: "key:k1", key: "abc") == kept)
        #expect(try await store.storedAnswer(page: "acme", caller: "key:k2", key: "abc") == nil)
        #expect(try await store.storedAnswer(page: "other", caller: "key:k1", key: "abc") == nil)
        let reopened = try await kind.reopen(location)
        #expect(try await reopened.storedAnswer(page: "acme", caller: "key:k1", key: "abc") == kept)
        let replaced = Self.answer(status: 200)
        try await store.storeAnswer(replaced)
        #expect(try await store.storedAnswer(page: "acme", caller: "key:k1", key: "abc") == replaced)
    }

    @Test(arguments: StoreKind.tested) func answersExpireAfterADay(kind: StoreKind) async throws {
        let (store, _) = try await kind.make()
        try await store.storeAnswer(Self.answer(key: "old", age: IdempotencyKeys.lifetime + 1))
        try await store.storeAnswer(Self.answer(key: "recent", age: IdempotencyKeys.lifetime - 60))
        #expect(try await store.storedAnswer(page: "acme", caller: "key:k1", key: "old") == nil)
        #expect(try await store.storedAnswer(page: "acme", caller: "key:k1", key: "recent") != nil)
    }
}
