import Foundation
import ShiplogMacroSupport

/// The first answer to a `POST` that carried an `Idempotency-Key` (SPEC §6.1), kept so that the same
/// request sent again within ``IdempotencyKeys/lifetime`` gets it again instead of acting twice.
@MemberwiseInit
public struct StoredAnswer: Sendable, Hashable {
    /// Who sent it: the page and the caller (a key id, or `anonymous`); keys of one scope never meet another's.
    public var page: String
    public var caller: String
    /// The `Idempotency-Key` header as sent.
    public var key: String
    /// A digest of the request (method, path and body): the same key with another request is refused.
    public var fingerprint: String
    public var status: Int
    /// The answer's `Content-Type`, and its `Location` when it had one.
    public var contentType: String?
    public var location: String?
    public var body: [UInt8]
    /// Unix seconds.
    public var createdAt: Int64
}

/// How long answers to idempotent requests are kept.
public enum IdempotencyKeys {
    /// 24 hours, in seconds.
    public static let lifetime: Int64 = 24 * 3600
}

extension Store {
    /// The answer kept for an `Idempotency-Key` of a page and caller, unless it is older than 24 hours.
    public func storedAnswer(page: String, caller: String, key: String) async throws(StoreError) -> StoredAnswer? {
        let oldest = Self.now() - IdempotencyKeys.lifetime
        return try await read { db in
            try AnswerRecord.fetchOne(
                db,
                sql: "SELECT * FROM idempotency_keys WHERE page_id = ? AND caller = ? AND key = ? AND created_at > ?",
                arguments: [page, caller, key, oldest]
            )?.answer
        }
    }

    /// Keeps the first answer to a request with an `Idempotency-Key` (and forgets expired ones).
    public func storeAnswer(_ answer: StoredAnswer) async throws(StoreError) {
        try await write { db in
            // Expired answers go as new ones come, so the table holds about a day of POSTs.
            try db.execute(sql: "DELETE FROM idempotency_keys WHERE created_at <= ?", arguments: [answer.createdAt - IdempotencyKeys.lifetime])
            try AnswerRecord(answer).upsert(db, onConflict: ["page_id", "caller", "key"])
        }
    }
}
