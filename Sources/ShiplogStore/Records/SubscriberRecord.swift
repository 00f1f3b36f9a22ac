import GRDB
import ShiplogModel

/// A row of `subscribers`, as the store's reads select it (`SELECT *`, or a confirmation's
/// preferences in place of the stored ones).
struct SubscriberRecord: StoreRecord {
    static let databaseTableName = "subscribers"

    var id: Int64
    var pageId: String
    var email: String
    var state: String
    /// The bump kinds, comma-separated.
    var preferences: String
    var unsubscribeToken: String
    var createdAt: Int64
    var confirmedAt: Int64?
    var unsubscribedAt: Int64?

    var subscriber: Subscriber {
        Subscriber(
            id: id,
            page: pageId,
            email: email,
            state: SubscriberState(rawValue: state) ?? .pending,
            preferences: Subscriptions.decode(preferences),
            unsubscribeToken: unsubscribeToken,
            createdAt: Timestamp(seconds: createdAt),
            confirmedAt: confirmedAt.map(Timestamp.init(seconds:)),
            unsubscribedAt: unsubscribedAt.map(Timestamp.init(seconds:))
        )
    }

    enum CodingKeys: String, CodingKey {
        case id, email, state, preferences
        case pageId = "page_id"
        case unsubscribeToken = "unsubscribe_token"
        case createdAt = "created_at"
        case confirmedAt = "confirmed_at"
        case unsubscribedAt = "unsubscribed_at"
    }
}

/// A row of `outbox` joined with its subscriber (``Store/outboxMailSelect``).
struct OutboxMailRecord: FetchableRecord {
    var mail: OutboxMail

    init(row: Row) throws {
        let component: String? = row["component"]
        let version: String? = row["version"]
        let bump: String? = row["bump"]
        let payload: String? = row["payload"]
        var token: String?
        if let payload, case .string(let value)? = (try? JSONParser.parse(payload))?["token"] { token = value }
        mail = OutboxMail(
            id: row["mail_id"],
            kind: OutboxMail.Kind(rawValue: row["kind"]) ?? .release,
            subscriber: try SubscriberRecord(row: row).subscriber,
            release: component.flatMap { component in version.map { ReleaseReference(component: component, version: $0) } },
            bump: bump.flatMap(BumpKind.init(rawValue:)),
            confirmationToken: token,
            attempts: row["attempts"],
            createdAt: row["mail_created_at"] ?? 0
        )
    }
}
