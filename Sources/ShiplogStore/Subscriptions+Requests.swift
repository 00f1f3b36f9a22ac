extension Store {
    /// Asks to unsubscribe an address without a mail's link: a confirmed subscriber gets a mail
    /// with the unsubscribe link queued (at most ``Subscriptions/confirmationsPerHour`` an hour);
    /// nothing else changes (`unchanged` for an address that is not confirmed).
    public func requestUnsubscribe(page: String, email: String) async throws(StoreError) -> SubscribeOutcome {
        let now = Self.now()
        return try await write { db in
            try Rows.requirePage(db, page)
            guard
                let subscriber = try SubscriberRecord.fetchOne(
                    db,
                    sql: "SELECT * FROM subscribers WHERE page_id = ? AND email_key = ? AND state = 'confirmed'",
                    arguments: [page, email.lowercased()]
                )
                .map(\.subscriber)
            else { return .unchanged }
            if try Subscriptions.throttled(db, "outbox", kind: "unsubscribe", subscriber: subscriber.id, now: now) { return .throttled }
            try db.execute(
                sql: """
                    INSERT INTO outbox (page_id, kind, subscriber_id, next_attempt_at, created_at)
                    VALUES (?, 'unsubscribe', ?, ?, ?)
                    """,
                arguments: [page, subscriber.id, now, now]
            )
            return .confirmationQueued
        }
    }

    /// The subscriber a confirmation token of `page` would confirm, with the preferences it would
    /// get, without using the token; nil when the token is unknown, used or expired.
    public func confirmation(token: String, page: String) async throws(StoreError) -> Subscriber? {
        let now = Self.now()
        return try await read { db in
            try SubscriberRecord.fetchOne(
                db,
                sql: """
                    SELECT s.id, s.page_id, s.email, s.state, c.preferences, s.unsubscribe_token, s.created_at, s.confirmed_at,
                        s.unsubscribed_at
                    FROM confirmations c JOIN subscribers s ON s.id = c.subscriber_id
                    WHERE c.token_hash = ? AND c.used_at IS NULL AND c.expires_at > ? AND s.page_id = ?
                    """,
                arguments: [Self.hash(token), now, page]
            )?.subscriber
        }
    }
}

extension Subscriptions {
    /// Whether `subscriber` was sent ``confirmationsPerHour`` mails in the hour before `now`: the
    /// rows of `table` (`confirmations`, or the `outbox`'s of one `kind`) made for it in that hour.
    static func throttled(_ db: any SQLSession, _ table: String, kind: String? = nil, subscriber: Int64, now: Int64) throws -> Bool {
        var sql = "SELECT COUNT(*) FROM \(table) WHERE subscriber_id = ? AND created_at > ?"
        var arguments: SQLArguments = [subscriber, now - 3600]
        if let kind {
            sql += " AND kind = ?"
            arguments.append(kind)
        }
        return (try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0) >= confirmationsPerHour
    }
}
