import ShiplogModel
import ShiplogStore
import Testing

/// Pages, keys and the change counter: the same tests on every store (SPEC §8).
@Suite struct BothStoresKeyTests {
    @Test(arguments: StoreKind.tested) func pagesAreCreatedOnceInCreationOrder(kind: StoreKind) async throws {
        let (store, _) = try await kind.make()
        #expect(try await store.pageIDs() == [])
        #expect(try await store.ensurePage(id: "zeta"))
        #expect(try await store.ensurePage(id: "acme"))
        #expect(try await !store.ensurePage(id: "zeta"))
        #expect(try await store.pageIDs() == ["zeta", "acme"])
    }

    @Test(arguments: StoreKind.tested) func aKeyIsFoundByItsSecretUntilRevoked(kind: StoreKind) async throws {
        let (store, _) = try await kind.make()
        let new = try await store.createKey(page: "acme", scope: .write)
        #expect(new.secret.hasPrefix("shiplog_\(new.info.id)_"))
        #expect(try await store.pageIDs() == ["acme"])
        #expect(try await store.key(secret: new.secret) == new.info)
        #expect(try await store.key(secret: new.secret + "x") == nil)
        #expect(try await store.revokeKey(id: new.info.id))
        #expect(try await !store.revokeKey(id: new.info.id))
        #expect(try await !store.revokeKey(id: "nope"))
        #expect(try await store.key(secret: new.secret) == nil)
        let listed = try await store.keys(page: "acme")
        #expect(listed.map(\.id) == [new.info.id])
        #expect(listed.first?.revokedAt != nil)
    }

    @Test(arguments: StoreKind.tested) func keysAreListedPerPageOrAll(kind: StoreKind) async throws {
        let (store, _) = try await kind.make()
        let first = try await store.createKey(page: "acme", scope: .read)
        let second = try await store.createKey(page: "beta", scope: .admin)
        #expect(try await store.keys(page: "acme") == [first.info])
        #expect(try await store.keys(page: "beta").map(\.scope) == [.admin])
        #expect(try await Set(store.keys(page: nil).map(\.id)) == [first.info.id, second.info.id])
        #expect(try await store.keys(page: "none") == [])
    }

    @Test(arguments: StoreKind.tested) func anotherConnectionsCommitChangesTheCounter(kind: StoreKind) async throws {
        let (store, location) = try await kind.make()
        let before = try await store.changeCounter()
        let other = try await kind.reopen(location)
        _ = try await other.createKey(page: "acme", scope: .read)
        #expect(try await store.changeCounter() != before)
    }
}
