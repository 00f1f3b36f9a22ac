import Foundation
import HTTPTypes
import Hummingbird
import ShiplogModel
import ShiplogStore
import Synchronization

/// Who is asking: nobody in particular, the holder of a valid key, or someone with a wrong key.
enum Caller: Sendable, Hashable {
    case anonymous
    case key(KeyInfo)
    case invalidKey
}

/// Finds and checks the key of a request (SPEC §6): `Authorization: KEY`, `Authorization: Bearer KEY`
/// or `?access_token=KEY`. Answers from a short-lived cache so the hot path does not query the store.
final class KeyRing: Sendable {
    private struct Entry {
        var key: KeyInfo?
        var expires: ContinuousClock.Instant
    }

    let store: any Store
    private let cache = Mutex<[String: Entry]>([:])
    /// How long a looked-up key (or a wrong one) is trusted before the store is asked again.
    let lifetime: Duration

    init(store: any Store, lifetime: Duration = .seconds(5)) {
        self.store = store
        self.lifetime = lifetime
    }

    /// The key a request presents, if any.
    static func presentedKey(_ request: Request) -> String? {
        if let header = request.headers[.authorization] { return presentedKey(authorization: header) }
        if let token = request.uri.queryParameters.get("access_token"), !token.isEmpty { return token }
        return nil
    }

    /// The key of an `Authorization` header: `KEY` or `Bearer KEY` (nil when empty).
    static func presentedKey(authorization header: String) -> String? {
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        let lowered = trimmed.lowercased()
        let key = lowered.hasPrefix("bearer ") ? String(trimmed.dropFirst(7)).trimmingCharacters(in: .whitespaces) : trimmed
        return key.isEmpty ? nil : key
    }

    /// What the cache knows of `secret` now, without asking the store: nil when it has no answer
    /// that is still fresh (``caller(_:)`` then asks the store).
    func cachedCaller(secret: String) -> Caller? {
        guard let entry = cache.withLock({ $0[secret] }), entry.expires > .now else { return nil }
        return entry.key.map(Caller.key) ?? .invalidKey
    }

    func caller(_ request: Request) async throws(StoreError) -> Caller {
        guard let secret = Self.presentedKey(request) else { return .anonymous }
        if let cached = cachedCaller(secret: secret) { return cached }
        let now = ContinuousClock.now
        // Keys are long; anything that does not look like one is not worth a query.
        let key = secret.utf8.count > 200 ? nil : try await store.key(secret: secret)
        cache.withLock {
            if $0.count > 10_000 { $0.removeAll() }
            $0[secret] = Entry(key: key, expires: now + lifetime)
        }
        return key.map(Caller.key) ?? .invalidKey
    }

    /// Forgets every cached answer (after the store changed: a key may have been revoked).
    func forget() { cache.withLock { $0.removeAll() } }
}

/// What a request may see of one page.
struct Access: Sendable {
    let page: PageSnapshot
    let caller: Caller

    /// Whether the caller holds a key of this page (any scope).
    var hasKey: Bool {
        if case .key = caller { return true }
        return false
    }

    /// The id of the caller's key: who creates what it writes (`created_by`, SPEC §1); nil without a key.
    var keyID: String? {
        if case .key(let key) = caller { return key.id }
        return nil
    }

    /// Requires a key of the page with at least `scope`: 401 without one, 403 when too small.
    func require(_ scope: KeyScope) throws(APIError) {
        guard case .key(let key) = caller else { throw APIError.unauthorized }
        guard key.scope >= scope else { throw APIError.forbidden(scope) }
    }
}

extension Caller {
    /// Opens `pageID` for this caller (SPEC §6): a wrong key is 401; another page's key, or a page that
    /// does not exist, is 404; a private page needs a key.
    func access(_ pageID: String, in snapshots: Snapshots) throws(APIError) -> Access {
        switch self {
        case .invalidKey:
            throw APIError.unauthorized
        case .key(let key) where key.page != pageID:
            throw APIError.notFound("page \(JSONWriter.quoted(pageID))")
        default:
            break
        }
        guard let page = snapshots[pageID] else { throw APIError.notFound("page \(JSONWriter.quoted(pageID))") }
        if !page.data.page.isPublic, case .anonymous = self { throw APIError.unauthorized }
        return Access(page: page, caller: self)
    }
}
