import Foundation
import GRDB

/// The shared SQL (``SQLSession``) on a GRDB connection, inside one of ``SQLiteStore``'s transactions.
/// Statements are prepared once per connection (GRDB's statement cache).
struct SQLiteSession: SQLSession {
    let db: Database

    init(_ db: Database) { self.db = db }

    func fetchAll(sql: String, arguments: SQLArguments) throws -> [SQLRow] {
        let statement = try db.cachedStatement(sql: sql)
        statement.arguments = Self.arguments(arguments)
        let columns = statement.columnNames
        return try Row.fetchAll(statement).map { row in
            SQLRow(columns: columns, values: row.databaseValues.map(Self.value))
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
        StatementArguments(
            values.map { value -> DatabaseValue in
                switch value?.sqlValue ?? .null {
                case .null: .null
                case .integer(let integer): integer.databaseValue
                case .real(let real): real.databaseValue
                case .text(let text): text.databaseValue
                case .blob(let data): data.databaseValue
                }
            }
        )
    }

    static func value(_ value: DatabaseValue) -> SQLValue {
        switch value.storage {
        case .null: .null
        case .int64(let integer): .integer(integer)
        case .double(let real): .real(real)
        case .string(let text): .text(text)
        case .blob(let data): .blob(data)
        }
    }
}
