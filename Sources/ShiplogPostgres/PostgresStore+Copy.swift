package import ShiplogStore

extension PostgresStore: IdentityCounters {
    /// Sets the sequence of every identity column (`seq`, `id`) of the schema to follow the largest
    /// value stored, so rows copied with their ids (`shiplog migrate`) are not collided with.
    package func resetIdentityCounters(_ db: any SQLSession) throws {
        let columns = try SQLRow.fetchAll(
            db,
            sql: """
                SELECT CAST(table_name AS TEXT) AS table_name, CAST(column_name AS TEXT) AS column_name
                FROM information_schema.columns
                WHERE table_schema = current_schema() AND is_identity = 'YES'
                ORDER BY table_name
                """
        )
        for column in columns {
            let table: String = column["table_name"]
            let name: String = column["column_name"]
            // The next value is the largest stored plus one (1 for an empty table).
            try db.execute(
                sql: """
                    SELECT setval(pg_get_serial_sequence(?, ?), COALESCE(MAX("\(name)"), 0) + 1, false) FROM "\(table)"
                    """,
                arguments: ["\"\(table)\"", name]
            )
        }
    }
}
