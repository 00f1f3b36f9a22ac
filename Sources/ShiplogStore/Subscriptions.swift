import Foundation
public import ShiplogModel

/// Where a subscriber stands (SPEC §6: double opt-in).
public enum SubscriberState: String, Sendable, Hashable, CaseIterable {
    case pending, confirmed, unsubscribed
}

/// Someone who asked for release mail of a page.
public struct Subscriber: Sendable, Hashable {
    public var id: Int64
    public var page: String
    public var email: String
    public var state: SubscriberState
    /// The bump kinds mailed about, in the order of ``BumpKind`` (`prerelease` is the opt-in for pre-releases).
    public var preferences: [BumpKind]
    /// The secret of the subscriber's unsubscribe links.
    public var unsubscribeToken: String
    public var createdAt: Timestamp
    public var confirmedAt: Timestamp?
    public var unsubscribedAt: Timestamp?
}

/// What a subscription request did; the API answers all of them alike, so callers cannot learn who subscribed.
public enum SubscribeOutcome: Sendable, Hashable {
    /// A mail was queued that asks the address's owner to confirm the change.
    case confirmationQueued
    /// Nothing to confirm (an unsubscribe request for an address that gets no mail): nothing was sent.
    case unchanged
    /// Too many confirmation mails went to this address lately: nothing was sent.
    case throttled
}

/// One mail waiting in the outbox.
public struct OutboxMail: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// The double opt-in mail, also sent to confirm new preferences of a confirmed address.
        case confirmation
        case release
        /// Asks a confirmed subscriber to confirm an unsubscribe request made without a mail's link.
        case unsubscribe
    }

    public var id: Int64
    public var kind: Kind
    public var subscriber: Subscriber
    /// The release a release mail is about.
    public var release: ReleaseReference?
    public var bump: BumpKind?
    /// The confirmation token of a confirmation mail (kept only until the mail is sent).
    public var confirmationToken: String?
    /// How many deliveries failed before.
    public var attempts: Int
    /// When it was queued (Unix seconds); with ``id`` it makes the mail's Message-ID unique, also
    /// after pruning lets SQLite give a removed mail's id to a new one.
    public var createdAt: Int64 = 0
}

/// Mail counts by outbox state.
public struct OutboxCounts: Sendable, Hashable {
    public var queued = 0
    public var sent = 0
    public var failed = 0

    public init() {}
}

/// Subscription rules shared by the store implementations.
public enum Subscriptions {
    /// How long a confirmation link works.
    public static let confirmationLifetime: Int64 = 7 * 24 * 3600
    /// At most this many confirmation mails per address per hour.
    public static let confirmationsPerHour = 3
    /// The preferences of a subscription that names none.
    public static let defaultPreferences: [BumpKind] = [.major, .minor, .patch]

    /// The stored form: `,major,minor,` (so a kind is found with `instr`).
    static func encode(_ preferences: [BumpKind]) -> String {
        "," + BumpKind.allCases.filter(preferences.contains).map(\.rawValue).joined(separator: ",") + ","
    }

    static func decode(_ text: String) -> [BumpKind] {
        text.split(separator: ",").compactMap { BumpKind(rawValue: String($0)) }
    }
}

extension Store {
    static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }

    /// Asks for release mail: any address gets a confirmation mail queued (at most
    /// ``Subscriptions/confirmationsPerHour`` an hour), and nothing else changes until it is
    /// confirmed — a confirmed address keeps its preferences until the new ones are (SPEC §6.2).
    public func subscribe(page: String, email: String, preferences: [BumpKind]) async throws(StoreError) -> SubscribeOutcome {
        let now = Self.now()
        let token = Self.randomHex(bytes: 24)
        let unsubscribeToken = Self.randomHex(bytes: 24)
        let stored = Subscriptions.encode(preferences.isEmpty ? Subscriptions.defaultPreferences : preferences)
        return try await write { db in
            try Rows.requirePage(db, page)
            let key = email.lowercased()
            var record = try SubscriberRecord.fetchOne(
                db,
                sql: "SELECT * FROM subscribers WHERE page_id = ? AND email_key = ?",
                arguments: [page, key]
            )
            if record == nil {
                record = try SubscriberRecord.fetchOne(
                    db,
                    sql: """
                        INSERT INTO subscribers (page_id, email, email_key, state, preferences, unsubscribe_token, created_at)
                        VALUES (?, ?, ?, 'pending', ?, ?, ?) RETURNING *
                        """,
                    arguments: [page, email, key, stored, unsubscribeToken, now]
                )
            }
            guard let record else { throw StoreError.database("the subscriber vanished") }
            // A confirmed address is not changed here either: anyone may ask, so only its owner's
            // confirmation (the mail queued below) applies new preferences (SPEC §6.2).
            let subscriber = record.subscriber
            if try Subscriptions.throttled(db, "confirmations", subscriber: subscriber.id, now: now) { return .throttled }
            try db.execute(
                sql: "INSERT INTO confirmations (token_hash, subscriber_id, preferences, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [Self.hash(token), subscriber.id, stored, now, now + Subscriptions.confirmationLifetime]
            )
            let payload = JSONWriter.write(.object([JSONMember("token", .string(token))]), pretty: false)
            try db.execute(
                sql: """
                    INSERT INTO outbox (page_id, kind, subscriber_id, payload, next_attempt_at, created_at)
                    VALUES (?, 'confirmation', ?, ?, ?, ?)
                    """,
                arguments: [page, subscriber.id, payload, now, now]
            )
            return .confirmationQueued
        }
    }

    /// Adds addresses confirmed elsewhere (a list moved from another service) as confirmed subscribers,
    /// updating the preferences of known ones; an address that unsubscribed stays unsubscribed. Returns how many changed.
    @discardableResult
    public func importSubscribers(page: String, _ subscribers: [(email: String, preferences: [BumpKind])]) async throws(StoreError) -> Int {
        let now = Self.now()
        let rows = subscribers.map { ($0.email, Subscriptions.encode($0.preferences.isEmpty ? Subscriptions.defaultPreferences : $0.preferences)) }
        let tokens = rows.map { _ in Self.randomHex(bytes: 24) }
        return try await write { db in
            try Rows.requirePage(db, page)
            let sql = """
                INSERT INTO subscribers (page_id, email, email_key, state, preferences, unsubscribe_token, created_at, confirmed_at)
                VALUES (?, ?, ?, 'confirmed', ?, ?, ?, ?)
                ON CONFLICT (page_id, email_key) DO UPDATE SET state = 'confirmed', preferences = excluded.preferences,
                    confirmed_at = coalesce(subscribers.confirmed_at, excluded.confirmed_at), unsubscribed_at = NULL
                WHERE subscribers.state != 'unsubscribed'
                """
            var changed = 0
            for (offset, row) in rows.enumerated() {
                changed += try db.execute(sql: sql, arguments: [page, row.0, row.0.lowercased(), row.1, tokens[offset], now, now])
            }
            return changed
        }
    }

    /// Unsubscribes an address at once (for the page's owner; anonymous requests go through
    /// ``requestUnsubscribe(page:email:)``); false when it was not subscribed.
    @discardableResult
    public func unsubscribe(page: String, email: String) async throws(StoreError) -> Bool {
        let now = Self.now()
        return try await write { db in
            let changed =
                try db.execute(
                    sql: """
                        UPDATE subscribers SET state = 'unsubscribed', unsubscribed_at = ?
                        WHERE page_id = ? AND email_key = ? AND state != 'unsubscribed'
                        """,
                    arguments: [now, page, email.lowercased()]
                ) > 0
            try Rows.dropQueuedMail(db, sql: "SELECT id FROM subscribers WHERE page_id = ? AND email_key = ?", [page, email.lowercased()])
            return changed
        }
    }

    /// Confirms the subscription of a confirmation token of `page` (single use, expires after 7 days);
    /// a token of another page is left as it was.
    public func confirm(token: String, page: String) async throws(StoreError) -> Subscriber? {
        let now = Self.now()
        let hash = Self.hash(token)
        return try await write { db in
            guard
                let confirmation = try SQLRow.fetchOne(
                    db,
                    sql: """
                        SELECT c.* FROM confirmations c JOIN subscribers s ON s.id = c.subscriber_id
                        WHERE c.token_hash = ? AND c.used_at IS NULL AND c.expires_at > ? AND s.page_id = ?
                        """,
                    arguments: [hash, now, page]
                )
            else { return nil }
            let id: Int64 = confirmation["subscriber_id"]
            let preferences: String = confirmation["preferences"]
            try db.execute(sql: "UPDATE confirmations SET used_at = ? WHERE token_hash = ?", arguments: [now, hash])
            try db.execute(
                sql: """
                    UPDATE subscribers SET confirmed_at = CASE WHEN state = 'confirmed' THEN confirmed_at ELSE ? END,
                        state = 'confirmed', unsubscribed_at = NULL, preferences = ?
                    WHERE id = ?
                    """,
                arguments: [now, preferences, id]
            )
            return try SubscriberRecord.fetchOne(db, sql: "SELECT * FROM subscribers WHERE id = ?", arguments: [id])?.subscriber
        }
    }

    /// The subscriber of an unsubscribe token.
    public func subscriber(unsubscribeToken token: String) async throws(StoreError) -> Subscriber? {
        guard token.isStorable else { return nil }
        return try await read { db in
            try SubscriberRecord.fetchOne(db, sql: "SELECT * FROM subscribers WHERE unsubscribe_token = ?", arguments: [token])?.subscriber
        }
    }

    /// Unsubscribes the subscriber of an unsubscribe token at once (one-click, RFC 8058).
    public func unsubscribe(token: String) async throws(StoreError) -> Subscriber? {
        guard token.isStorable else { return nil }
        let now = Self.now()
        return try await write { db in
            try db.execute(
                sql: "UPDATE subscribers SET state = 'unsubscribed', unsubscribed_at = ? WHERE unsubscribe_token = ? AND state != 'unsubscribed'",
                arguments: [now, token]
            )
            try Rows.dropQueuedMail(db, sql: "SELECT id FROM subscribers WHERE unsubscribe_token = ?", [token])
            return try SubscriberRecord.fetchOne(db, sql: "SELECT * FROM subscribers WHERE unsubscribe_token = ?", arguments: [token])?.subscriber
        }
    }

    /// A page's subscribers in every state, oldest first.
    public func subscribers(page: String) async throws(StoreError) -> [Subscriber] {
        try await read { db in
            try SubscriberRecord.fetchAll(db, sql: "SELECT * FROM subscribers WHERE page_id = ? ORDER BY id", arguments: [page]).map(\.subscriber)
        }
    }
}

extension Rows {
    /// Gives up the queued mail of the subscribers that `sql` selects (their ids), who just
    /// unsubscribed: mail still waiting (a long queue, an SMTP outage) must not reach them.
    static func dropQueuedMail(_ db: any SQLSession, sql: String, _ arguments: SQLArguments) throws {
        try db.execute(
            sql: """
                UPDATE outbox SET state = 'failed', last_error = 'the subscriber unsubscribed', payload = NULL
                WHERE state = 'queued' AND subscriber_id IN (\(sql))
                """,
            arguments: arguments
        )
    }

    /// Queues one release mail per confirmed subscriber whose preferences include the release's bump
    /// kind, for each release of `references` that is published; never twice for one subscriber and release.
    static func queueReleaseMail(_ db: any SQLSession, page: String, references: [ReleaseReference], now: Int64) throws {
        guard !references.isEmpty else { return }
        let anyone = try Bool.fetchOne(
            db,
            sql: "SELECT 1 FROM subscribers WHERE page_id = ? AND state = 'confirmed' LIMIT 1",
            arguments: [page]
        )
        guard anyone == true, let data = try PageRows.load(db, page: page) else { return }
        let catalog = Catalog(data: data)
        for reference in references {
            guard let index = catalog.releaseIndex[reference], data.releases[index].status == .published else { continue }
            let bump = catalog.bumps[index]
            try db.execute(
                sql: """
                    INSERT INTO outbox (page_id, kind, subscriber_id, component, version, bump, next_attempt_at, created_at)
                    SELECT ?, 'release', id, ?, ?, ?, ?, ? FROM subscribers
                    WHERE page_id = ? AND state = 'confirmed' AND instr(preferences, ?) > 0
                    ON CONFLICT DO NOTHING
                    """,
                arguments: [page, reference.component, reference.version, bump.rawValue, now, now, page, ",\(bump.rawValue),"]
            )
        }
    }

    /// The stored status of a release, or nil when there is none.
    static func status(_ db: any SQLSession, _ reference: ReleaseReference, page: String) throws -> Release.Status? {
        try String.fetchOne(
            db,
            sql: "SELECT status FROM releases WHERE page_id = ? AND component = ? AND version = ?",
            arguments: [page, reference.component, reference.version]
        ).flatMap(Release.Status.init(rawValue:))
    }
}
