import Foundation
import GRDB

/// The shared SQL (``SQLSession``) on a GRDB connection, inside one of ``SQLiteStore``'s transactions.
/// Statements are prepared once per connection (GRDB's statement cache).
struct SQLiteSession: SQLSession {
    let db: Database

    init(_ db: Database) { self.db = db }

    /// The connection's prepared statement of `sql`, with `arguments` bound.
    func statement(sql: String, arguments: SQLArguments) throws -> Statement {
        let statement = try db.cachedStatement(sql: sql)
        statement.arguments = Self.arguments(arguments)
        return statement
    }

    func fetchAll(sql: String, arguments: SQLArguments) throws -> [SQLRow] {
        let statement = try statement(sql: sql, arguments: arguments)
        let columns = statement.columnNames
        return try Row.fetchAll(statement).map { row in
            SQLRow(columns: columns, values: row.databaseValues.map(SQLValue.init))
        }
    }

    func execute(sql: String, arguments: SQLArguments) throws -> Int {
        try db.execute(sql: sql, arguments: Self.arguments(arguments))
        return db.changesCount
    }

    func afterCommit(_ action: @escaping @Sendable () -> Void) {
        db.afterNextTransaction(onCommit: { _ in action() })
    }

    static func arguments(_ values: SQLArguments) -> StatementArguments {
        StatementArguments(values.map { ($0?.sqlValue ?? .null).databaseValue })
    }
}
