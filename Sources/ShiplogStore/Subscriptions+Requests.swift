extension SQLStore {
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
            let recent =
                try Int.fetchOne(
                    db,
                    sql: "SELECT COUNT(*) FROM outbox WHERE subscriber_id = ? AND kind = 'unsubscribe' AND created_at > ?",
                    arguments: [subscriber.id, now - 3600]
                ) ?? 0
            guard recent < Subscriptions.confirmationsPerHour else { return .throttled }
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
