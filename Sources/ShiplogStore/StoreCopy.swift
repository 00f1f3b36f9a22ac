/// Copies a whole store into an empty one (`shiplog migrate`, SPEC §8): every table, row for row and
/// column for column, ids and `seq` kept so that references between rows stay valid.
///
/// The source is read in one snapshot and held in memory; the target is written in one transaction
/// that is committed only once every table holds as many rows as the source's: a failure leaves the
/// target as it was. Columns are copied by the names the source's rows have, so a column added by a
/// later migration (of both stores, as every migration is) is copied without a change here.
///
/// ```swift
/// let counts = try await StoreCopy.copy(from: sqlite, to: postgres)
/// ```
package enum StoreCopy {
    /// A table of the schema and the order its rows are read and written in.
    package struct Table: Sendable, Hashable {
        package var name: String
        package var order: String
    }

    /// How many rows a table holds.
    package struct Count: Sendable, Hashable {
        package var table: String
        package var rows: Int
    }

    /// Every table of the schema (both stores have the same), parents before the rows that refer to
    /// them. The tables of the stores' own bookkeeping (migrations, the change counter) are not copied.
    package static let tables: [Table] = [
        Table(name: "pages", order: "seq"),
        Table(name: "components", order: "seq"),
        Table(name: "releases", order: "seq"),
        Table(name: "release_groups", order: "seq"),
        Table(name: "group_members", order: "group_seq, position"),
        Table(name: "environments", order: "seq"),
        Table(name: "deployments", order: "seq"),
        Table(name: "sites", order: "seq"),
        Table(name: "site_releases", order: "seq"),
        Table(name: "api_keys", order: "id"),
        Table(name: "subscribers", order: "id"),
        Table(name: "confirmations", order: "token_hash"),
        Table(name: "outbox", order: "id"),
        Table(name: "webhooks", order: "seq"),
        Table(name: "webhook_deliveries", order: "seq"),
        Table(name: "idempotency_keys", order: "page_id, caller, key"),
    ]

    /// The tables of the stores' own bookkeeping, which a copy leaves out: each store keeps its own.
    package static let bookkeeping: Set<String> = ["grdb_migrations", "shiplog_schema", "shiplog_changes"]

    /// The number of rows of every table of `store`, in ``tables``' order.
    package static func counts(_ store: any Store) async throws(StoreError) -> [Count] {
        try await store.read { db in try counts(db) }
    }

    /// Copies every row of `source` into `target`, which must hold no row at all; returns the number
    /// of rows of each table, the same on both (verified before the target commits).
    @discardableResult
    package static func copy(from source: any Store, to target: any Store) async throws(StoreError) -> [Count] {
        let snapshot = try await source.read { db in
            let counts = try counts(db)
            let rows = try tables.map { table in try SQLRow.fetchAll(db, sql: "SELECT * FROM \(table.name) ORDER BY \(table.order)") }
            return Snapshot(counts: counts, rows: rows)
        }
        for (count, rows) in zip(snapshot.counts, snapshot.rows) where count.rows != rows.count {
            throw StoreError.database("the source's \(count.table) changed while it was read (\(count.rows) rows, then \(rows.count))")
        }
        let counters = target as? any IdentityCounters
        return try await target.write { db in
            let held = try counts(db).filter { $0.rows > 0 }
            if !held.isEmpty {
                throw StoreError.conflict("the target is not empty (\(describe(held))): migrate copies into an empty store only")
            }
            for (table, rows) in zip(tables, snapshot.rows) { try insert(rows, into: table.name, db) }
            try counters?.resetIdentityCounters(db)
            let copied = try counts(db)
            let different = zip(snapshot.counts, copied).filter { $0.rows != $1.rows }
            if !different.isEmpty {
                let detail = different.map { "\($0.table): \($0.rows) in the source, \($1.rows) in the target" }
                throw StoreError.database("the copy's row counts differ, nothing was written (\(detail.joined(separator: "; ")))")
            }
            return copied
        }
    }

    /// `pages: 1, releases: 20`: the counts, for messages.
    package static func describe(_ counts: [Count]) -> String {
        counts.map { "\($0.table): \($0.rows)" }.joined(separator: ", ")
    }

    /// What the source held: the counts and rows of every table, in ``tables``' order.
    struct Snapshot: Sendable {
        var counts: [Count]
        var rows: [[SQLRow]]
    }

    static func counts(_ db: any SQLSession) throws -> [Count] {
        try tables.map { table in
            Count(table: table.name, rows: Int(try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table.name)") ?? 0))
        }
    }

    /// Bound values per statement: below the oldest SQLite's limit (999), far below PostgreSQL's.
    static let valuesPerStatement = 900

    /// Inserts `rows` (all with the same columns, as one `SELECT` returns them) several at a time.
    static func insert(_ rows: [SQLRow], into table: String, _ db: any SQLSession) throws {
        guard let columns = rows.first?.columns, !columns.isEmpty else { return }
        let names = columns.map { "\"\($0)\"" }.joined(separator: ", ")
        let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        let perStatement = max(1, valuesPerStatement / columns.count)
        var start = rows.startIndex
        while start < rows.endIndex {
            let batch = rows[start..<min(start + perStatement, rows.endIndex)]
            var arguments: SQLArguments = []
            arguments.reserveCapacity(batch.count * columns.count)
            for row in batch {
                precondition(row.columns == columns, "the rows of one SELECT have the same columns")
                arguments.append(contentsOf: row.values.map { $0 as (any SQLBindable)? })
            }
            let values = Array(repeating: tuple, count: batch.count).joined(separator: ", ")
            try db.execute(sql: "INSERT INTO \(table) (\(names)) VALUES \(values)", arguments: arguments)
            start = batch.endIndex
        }
    }
}

/// A store whose generated ids count apart from its rows (PostgreSQL's identity columns, not
/// SQLite's `INTEGER PRIMARY KEY`): once rows are written with their own ids, as ``StoreCopy``
/// writes them, the counters must move past the largest, or the next row made would collide.
package protocol IdentityCounters: Sendable {
    /// Moves the counter of every generated id past the largest stored, inside `db`'s transaction.
    func resetIdentityCounters(_ db: any SQLSession) throws
}
