import Foundation
import GRDB
import ShiplogModel

/// A row of `api_keys`: the key's id, page, scope and the hash of its secret, never the secret.
struct KeyRecord: StoreRecord {
    static let databaseTableName = "api_keys"

    var id: String
    var pageId: String
    var scope: String
    var hash: Data
    var createdAt: Int64
    var revokedAt: Int64?

    enum CodingKeys: String, CodingKey {
        case id, scope, hash
        case pageId = "page_id"
        case createdAt = "created_at"
        case revokedAt = "revoked_at"
    }

    init(_ key: KeyInfo, hash: Data) {
        id = key.id
        pageId = key.page
        scope = key.scope.rawValue
        self.hash = hash
        createdAt = key.createdAt.seconds
        revokedAt = key.revokedAt?.seconds
    }

    /// Nil for a scope this binary does not know.
    var key: KeyInfo? {
        KeyScope(rawValue: scope).map {
            KeyInfo(id: id, page: pageId, scope: $0, createdAt: Timestamp(seconds: createdAt), revokedAt: revokedAt.map(Timestamp.init(seconds:)))
        }
    }
}

/// A row of `idempotency_keys`: the first answer to a `POST` with an `Idempotency-Key`.
struct AnswerRecord: StoreRecord {
    static let databaseTableName = "idempotency_keys"

    var pageId: String
    var caller: String
    var key: String
    var fingerprint: String
    var status: Int
    var contentType: String?
    var location: String?
    var body: Data
    var createdAt: Int64

    enum CodingKeys: String, CodingKey {
        case caller, key, fingerprint, status, location, body
        case pageId = "page_id"
        case contentType = "content_type"
        case createdAt = "created_at"
    }

    init(_ answer: StoredAnswer) {
        pageId = answer.page
        caller = answer.caller
        key = answer.key
        fingerprint = answer.fingerprint
        status = answer.status
        contentType = answer.contentType
        location = answer.location
        body = Data(answer.body)
        createdAt = answer.createdAt
    }

    var answer: StoredAnswer {
        StoredAnswer(
            page: pageId,
            caller: caller,
            key: key,
            fingerprint: fingerprint,
            status: status,
            contentType: contentType,
            location: location,
            body: [UInt8](body),
            createdAt: createdAt
        )
    }
}
