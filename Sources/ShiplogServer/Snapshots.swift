import Crypto
import Foundation
import Hummingbird
import ShiplogModel
import ShiplogStore
import Synchronization

/// One page as the server answers it: its data, its catalog, and the version document ready to send.
struct PageSnapshot: Sendable {
    let data: ReleaseData
    let catalog: Catalog
    /// The `version.json` body, encoded once.
    let versionBody: ByteBuffer
    /// A strong ETag of that body (quoted).
    let versionETag: String

    init(data: ReleaseData) {
        self.data = data
        catalog = Catalog(data: data)
        let text = JSONWriter.write(catalog.versionDocument(), pretty: false)
        versionBody = ByteBuffer(string: text)
        let digest = SHA256.hash(data: Data(text.utf8))
        versionETag = "\"" + digest.prefix(16).map { String(format: "%02x", $0) }.joined() + "\""
    }
}

/// Every page of the store held in memory, so reads never wait on SQL: rebuilt after each
/// write through the API, and when another process changes the store.
final class Snapshots: Sendable {
    let store: any Store
    private let pages = Mutex<[String: PageSnapshot]>([:])

    init(store: any Store) {
        self.store = store
    }

    subscript(id: String) -> PageSnapshot? { pages.withLock { $0[id] } }

    /// Whether a page's snapshot may miss a committed write (never, while a failed reload throws to its writer).
    func isStale(_ id: String) -> Bool { false }

    var pageIDs: [String] { pages.withLock { Array($0.keys) } }

    /// Reads one page again from the store (dropping it when it is gone).
    func reload(_ id: String) async throws(StoreError) {
        let data = try await store.load(page: id)
        let snapshot = data.map(PageSnapshot.init)
        pages.withLock { $0[id] = snapshot }
    }

    /// Reads every page again.
    func reloadAll() async throws(StoreError) {
        let ids = try await store.pageIDs()
        var fresh: [String: PageSnapshot] = [:]
        for id in ids {
            if let data = try await store.load(page: id) { fresh[id] = PageSnapshot(data: data) }
        }
        pages.withLock { $0 = fresh }
    }
}
