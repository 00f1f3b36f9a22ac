import Foundation
import ShiplogMacroSupport
public import ShiplogModel

/// How a webhook's deliveries are shaped (SPEC §6).
public enum WebhookFormat: String, Sendable, Hashable, CaseIterable {
    /// The generic event: `{"event": "release.published", "page": "acme", "data": {…}}`.
    case json
    /// A Slack incoming-webhook message: `{"text": "Nimbus API v1.11.0 released"}`.
    case slack
    /// A Grafana annotation: `{"time": epochMillis, "tags": ["shiplog", …], "text": "…"}`.
    case grafana
    /// A Sentry release deploy (`POST /api/0/organizations/{org}/releases/{version}/deploys/`), see ``WebhookForwarding``.
    case sentry
    /// A Bugsnag build (`POST https://build.bugsnag.com/`).
    case bugsnag
    /// A New Relic change-tracking deployment marker (NerdGraph `changeTrackingCreateDeployment`).
    case newrelic
}

/// What a new webhook asks for; the secret signs every delivery and is never shown again.
/// Forwarding formats carry their service's settings (tokens among them, never shown either),
/// and their URL is the endpoint derived from them (``WebhookForwarding/endpoint(_:_:)``).
@MemberwiseInit
public struct WebhookRegistration: Sendable, Hashable {
    public var url: String
    public var secret: String
    public var events: [EventKind] = EventKind.allCases
    public var format: WebhookFormat = .json
    public var settings: [String: String] = [:]
}

/// A webhook as the API lists it: never its secret.
public struct Webhook: Sendable, Hashable {
    public var id: String
    public var page: String
    public var url: String
    public var events: [EventKind]
    public var format: WebhookFormat
    /// The settings of a forwarding format, without its secrets.
    public var settings: [String: String]
    public var createdAt: Timestamp
    /// Deliveries waiting (including ones being retried) and delivered.
    public var queued: Int
    public var delivered: Int
    /// Why the oldest waiting delivery failed last, if it did.
    public var lastError: String?
}

/// The webhook deliveries waiting, as `/metrics` shows them.
@MemberwiseInit
public struct WebhookQueueCounts: Sendable, Hashable {
    /// Deliveries not yet delivered (retries included).
    public var queued: Int = 0
    /// Queued deliveries whose last attempt failed (they are retried until a 2xx).
    public var failing: Int = 0
}

/// One event on its way to one webhook, as the delivery service takes it.
public struct WebhookDelivery: Sendable, Hashable {
    /// The position in the queue: deliveries of one webhook go out in this order.
    public var seq: Int64
    /// The stable id sent as `X-Shiplog-Delivery`, the same on every attempt.
    public var id: String
    public var webhookID: String
    public var url: String
    /// The key of the `X-Shiplog-Signature` HMAC.
    public var secret: String
    public var event: String
    /// The exact body, rendered when the event was queued.
    public var body: String
    /// How many attempts failed before.
    public var attempts: Int
    /// The webhook's format and settings: a forwarding format's authentication headers come from them.
    public var format: WebhookFormat = .json
    public var settings: [String: String] = [:]
}

/// Webhook rules shared by the store implementations.
public enum Webhooks {
    /// The stored form of an event list: `,release.published,deployment.created,` (found with `instr`).
    package static func encode(_ events: [EventKind]) -> String {
        "," + EventKind.allCases.filter(events.contains).map(\.rawValue).joined(separator: ",") + ","
    }

    static func decode(_ text: String) -> [EventKind] {
        text.split(separator: ",").compactMap { EventKind(rawValue: String($0)) }
    }

    /// The stored form of settings: a JSON object of strings.
    package static func encode(settings: [String: String]) -> String {
        JSONWriter.write(.object(settings.sorted { $0.key < $1.key }.map { JSONMember($0.key, .string($0.value)) }), pretty: false)
    }

    static func decode(settings text: String?) -> [String: String] {
        guard let text, case .object(let members)? = try? JSONParser.parse(text) else { return [:] }
        var settings: [String: String] = [:]
        for member in members { if case .string(let value) = member.value { settings[member.key] = value } }
        return settings
    }
}

extension Store {
    package static var webhookSelect: String {
        """
        SELECT w.*,
            (SELECT COUNT(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.state = 'queued') AS queued,
            (SELECT COUNT(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.state = 'delivered') AS delivered,
            (SELECT d.last_error FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.state = 'queued' ORDER BY d.seq LIMIT 1)
                AS last_error
        FROM webhooks w
        """
    }

    /// Adds a webhook to a page; its deliveries are queued from the next event on.
    public func createWebhook(_ registration: WebhookRegistration, page: String) async throws(StoreError) -> Webhook {
        let id = Self.randomHex(bytes: 8)
        let now = Self.now()
        return try await write { db in
            try Rows.requirePage(db, page)
            try db.execute(
                sql: "INSERT INTO webhooks (id, page_id, url, secret, events, format, settings, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    id, page, registration.url, registration.secret, Webhooks.encode(registration.events), registration.format.rawValue,
                    Webhooks.encode(settings: registration.settings), now,
                ]
            )
            guard let record = try WebhookRecord.fetchOne(db, sql: Self.webhookSelect + " WHERE w.id = ?", arguments: [id]) else {
                throw StoreError.database("the webhook vanished")
            }
            return record.webhook
        }
    }

    /// The webhooks of a page, oldest first, with their delivery counts (never their secrets).
    public func webhooks(page: String) async throws(StoreError) -> [Webhook] {
        try await read { db in
            try WebhookRecord.fetchAll(db, sql: Self.webhookSelect + " WHERE w.page_id = ? ORDER BY w.seq", arguments: [page]).map(\.webhook)
        }
    }

    /// Deletes a webhook and its waiting deliveries; false when the page has no such webhook.
    @discardableResult
    public func deleteWebhook(id: String, page: String) async throws(StoreError) -> Bool {
        guard id.isStorable else { return false }
        return try await write { db in
            try db.execute(sql: "DELETE FROM webhooks WHERE id = ? AND page_id = ?", arguments: [id, page]) > 0
        }
    }

    /// The deliveries due now: at most one per webhook (its oldest waiting one, unless a replica holds
    /// it), so each webhook gets its events in order (a look: nothing is claimed).
    public func dueWebhookDeliveries(limit: Int) async throws(StoreError) -> [WebhookDelivery] {
        // Only the oldest waiting delivery of each webhook may go: order per webhook is kept.
        try await due(Self.webhookQueue, limit: limit, as: DeliveryRecord.self).map(\.delivery)
    }

    /// Records that the receiver answered a delivery with a 2xx `status`.
    public func markWebhookDelivered(_ seq: Int64, status: Int) async throws(StoreError) {
        let now = Self.now()
        try await writeOutbox { db in
            try db.execute(
                sql: """
                    UPDATE webhook_deliveries SET state = 'delivered', delivered_at = ?, attempts = attempts + 1, last_status = ?,
                        last_error = NULL, lease_until = NULL, leased_by = NULL WHERE seq = ?
                    """,
                arguments: [now, status, seq]
            )
        }
    }

    /// How many deliveries of every page wait, and how many of those failed at least once.
    public func webhookQueueCounts() async throws(StoreError) -> WebhookQueueCounts {
        try await read { db in
            let row = try SQLRow.fetchOne(
                db,
                sql:
                    "SELECT COUNT(*) AS queued, CAST(COALESCE(SUM(CASE WHEN attempts > 0 THEN 1 ELSE 0 END), 0) AS BIGINT) AS failing FROM webhook_deliveries WHERE state = 'queued'"
            )
            return WebhookQueueCounts(queued: row?["queued"] ?? 0, failing: row?["failing"] ?? 0)
        }
    }

    /// Records a failed attempt (`status` when the receiver answered): retried at `retryAt` (Unix seconds).
    public func markWebhookFailed(_ seq: Int64, status: Int?, error: String, retryAt: Int64) async throws(StoreError) {
        try await writeOutbox { db in
            try db.execute(
                sql: """
                    UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = ?, last_status = ?, last_error = ?,
                        lease_until = NULL, leased_by = NULL
                    WHERE seq = ? AND state = 'queued'
                    """,
                arguments: [retryAt, status, error, seq]
            )
        }
    }
}

extension Rows {
    /// Queues one delivery of `event` per webhook of `page` listening to it, its body rendered in the webhook's format.
    static func queueWebhookDeliveries(_ db: any SQLSession, page: String, _ event: EventKind, data: JSONValue, now: Int64) throws {
        let hooks = try SQLRow.fetchAll(
            db,
            sql: "SELECT id, url, format, settings FROM webhooks WHERE page_id = ? AND instr(events, ?) > 0 ORDER BY seq",
            arguments: [page, ",\(event.rawValue),"]
        )
        guard !hooks.isEmpty else { return }
        var componentName: String?
        if case .string(let slug)? = data["component"] {
            componentName = try String.fetchOne(
                db,
                sql: "SELECT name FROM components WHERE page_id = ? AND slug = ?",
                arguments: [page, slug]
            )
        }
        let event = WebhookEvent(kind: event, page: page, data: data, componentName: componentName, now: now)
        var bodies: [WebhookFormat: String] = [:]
        for hook in hooks {
            let format = WebhookFormat(rawValue: hook["format"]) ?? .json
            var url: String?
            let body: String
            if WebhookForwarding.forwards(format) {
                let settings = Webhooks.decode(settings: hook["settings"])
                guard let request = event.forwarded(format, settings: settings, endpoint: hook["url"]) else { continue }
                (url, body) = request
            } else {
                body = bodies[format] ?? event.body(format)
                bodies[format] = body
            }
            try db.execute(
                sql: """
                    INSERT INTO webhook_deliveries (id, webhook_id, page_id, event, body, url, next_attempt_at, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [UUID().uuidString.lowercased(), hook["id"] as String, page, event.kind.rawValue, body, url, now, now]
            )
        }
    }
}
