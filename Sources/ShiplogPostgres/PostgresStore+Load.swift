import Foundation
import Logging
import PostgresNIO
public import ShiplogModel
public import ShiplogStore

/// A row from PostgreSQL as the shared model code reads rows (``ColumnReading``).
struct PostgresColumns: ColumnReading {
    let row: PostgresRandomAccessRow

    init(_ row: PostgresRow) { self.row = PostgresRandomAccessRow(row) }

    func string(_ column: String) -> String? { row.contains(column) ? try? row[column].decode(String?.self) : nil }
    func integer(_ column: String) -> Int64? { row.contains(column) ? try? row[column].decode(Int64?.self) : nil }
}

extension PostgresStore {
    public func load(page: String) async throws(StoreError) -> ReleaseData? {
        try await snapshot { connection in
            let queries = PageRows<PostgresColumns>.queries
            guard let pageRow = try await Self.rows(connection, queries.page, page, logger: logger).first else { return nil }
            var rows = PageRows(page: pageRow)
            for (table, sql) in queries.tables {
                rows[keyPath: table] = try await Self.rows(connection, sql, page, logger: logger)
            }
            return rows.assemble()
        }
    }

    /// The rows of a query written for both stores, whose one `?` is `value`.
    static func rows(_ connection: PostgresConnection, _ sql: String, _ value: String, logger: Logger) async throws -> [PostgresColumns] {
        var binds = PostgresBindings()
        binds.append(value)
        let query = PostgresQuery(unsafeSQL: sql.replacingOccurrences(of: "?", with: "$1"), binds: binds)
        var rows: [PostgresColumns] = []
        for try await row in try await connection.query(query, logger: logger) { rows.append(PostgresColumns(row)) }
        return rows
    }

    /// Runs `body` in a read-only transaction that sees one snapshot of the database.
    func snapshot<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws(StoreError) -> T {
        try await read { connection in
            try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            do {
                let value = try await body(connection)
                try await connection.query("COMMIT", logger: logger)
                return value
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }
}
