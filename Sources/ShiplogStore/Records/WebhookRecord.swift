import GRDB
import ShiplogModel

/// A row of `webhooks` with what its deliveries say of it (``Store/webhookSelect``).
struct WebhookRecord: StoreRecord {
    static let databaseTableName = "webhooks"

    var id: String
    var pageId: String
    var url: String
    var events: String
    var format: String
    /// A JSON object of strings.
    var settings: String?
    var createdAt: Int64
    var queued: Int
    var delivered: Int
    var lastError: String?

    var webhook: Webhook {
        let format = WebhookFormat(rawValue: format) ?? .json
        return Webhook(
            id: id,
            page: pageId,
            url: url,
            events: Webhooks.decode(events),
            format: format,
            settings: WebhookForwarding.shown(format, Webhooks.decode(settings: settings)),
            createdAt: Timestamp(seconds: createdAt),
            queued: queued,
            delivered: delivered,
            lastError: lastError
        )
    }

    enum CodingKeys: String, CodingKey {
        case id, url, events, format, settings, queued, delivered
        case pageId = "page_id"
        case createdAt = "created_at"
        case lastError = "last_error"
    }
}

/// A row of `webhook_deliveries` joined with its webhook (``Store/webhookDeliverySelect``).
struct DeliveryRecord: StoreRecord {
    static let databaseTableName = "webhook_deliveries"

    var seq: Int64
    var id: String
    var webhookId: String
    var url: String
    var secret: String
    var event: String
    var body: String
    var attempts: Int
    var format: String
    var settings: String?

    var delivery: WebhookDelivery {
        WebhookDelivery(
            seq: seq,
            id: id,
            webhookID: webhookId,
            url: url,
            secret: secret,
            event: event,
            body: body,
            attempts: attempts,
            format: WebhookFormat(rawValue: format) ?? .json,
            settings: Webhooks.decode(settings: settings)
        )
    }

    enum CodingKeys: String, CodingKey {
        case seq, id, url, secret, event, body, attempts, format, settings
        case webhookId = "webhook_id"
    }
}
