import ShiplogModel
import ShiplogStore
import Testing

/// Lookups by text from a request: the same answers on every store (SPEC §8), also for text that
/// PostgreSQL cannot hold (a NUL character, as `?token=a%00b` decodes).
@Suite struct BothStoresLookupTests {
    @Test(arguments: StoreKind.tested) func textWithANulCharacterFindsNothing(kind: StoreKind) async throws {
        let (store, _) = try await kind.make()
        try await store.ensurePage(id: "acme")
        #expect(try await store.importSubscribers(page: "acme", [("a@x.example", [])]) == 1)
        #expect(try await store.subscriber(unsubscribeToken: "a\u{0}b") == nil)
        #expect(try await store.unsubscribe(token: "a\u{0}b") == nil)
        #expect(try await !store.deleteWebhook(id: "a\u{0}b", page: "acme"))
        #expect(try await store.subscribers(page: "acme").map(\.state) == [.confirmed])
    }
}
