public import Foundation
import ShiplogMacroSupport

/// One value of a store's column or of a bound argument. Both stores keep the same four kinds:
/// flags are 0/1 integers and times Unix seconds, on SQLite as on PostgreSQL.
public enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)
}

/// A Swift value bound to a `?` of a statement.
public protocol SQLBindable: Sendable {
    var sqlValue: SQLValue { get }
}

extension String: SQLBindable { public var sqlValue: SQLValue { .text(self) } }
extension Int64: SQLBindable { public var sqlValue: SQLValue { .integer(self) } }
extension Int: SQLBindable { public var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Bool: SQLBindable { public var sqlValue: SQLValue { .integer(self ? 1 : 0) } }
extension Double: SQLBindable { public var sqlValue: SQLValue { .real(self) } }
extension Data: SQLBindable { public var sqlValue: SQLValue { .blob(self) } }
extension SQLValue: SQLBindable { public var sqlValue: SQLValue { self } }

/// The arguments of a statement, in the order of its `?` (or `?1`, `?2`…).
public typealias SQLArguments = [(any SQLBindable)?]

/// A Swift value read from a column.
public protocol SQLColumnValue {
    /// Nil when the stored value is NULL or of another kind.
    init?(sqlValue: SQLValue)
}

extension String: SQLColumnValue {
    public init?(sqlValue: SQLValue) {
        guard case .text(let text) = sqlValue else { return nil }
        self = text
    }
}

extension Int64: SQLColumnValue {
    public init?(sqlValue: SQLValue) {
        switch sqlValue {
        case .integer(let value): self = value
        case .real(let value): self.init(exactly: value)
        default: return nil
        }
    }
}

extension Int: SQLColumnValue {
    public init?(sqlValue: SQLValue) {
        guard let value = Int64(sqlValue: sqlValue) else { return nil }
        self.init(value)
    }
}

extension Bool: SQLColumnValue {
    public init?(sqlValue: SQLValue) {
        guard let value = Int64(sqlValue: sqlValue) else { return nil }
        self = value != 0
    }
}

extension Double: SQLColumnValue {
    public init?(sqlValue: SQLValue) {
        switch sqlValue {
        case .integer(let value): self.init(value)
        case .real(let value): self = value
        default: return nil
        }
    }
}

extension Data: SQLColumnValue {
    public init?(sqlValue: SQLValue) {
        switch sqlValue {
        case .blob(let data): self = data
        case .text(let text): self = Data(text.utf8)
        default: return nil
        }
    }
}

/// One row of a result, read by column name (case-insensitive, as SQL names are).
@MemberwiseInit
public struct SQLRow: Sendable, Hashable {
    public var columns: [String]
    public var values: [SQLValue]

    /// The value of `column`; `.null` when the row has no such column.
    public func value(_ column: String) -> SQLValue {
        if let index = columns.firstIndex(of: column) { return values[index] }
        if let index = columns.firstIndex(where: { $0.caseInsensitiveCompare(column) == .orderedSame }) { return values[index] }
        return .null
    }

    public subscript<T: SQLColumnValue>(_ column: String) -> T? { T(sqlValue: value(column)) }

    /// A column the schema declares NOT NULL.
    public subscript<T: SQLColumnValue>(_ column: String) -> T {
        guard let value = T(sqlValue: value(column)) else {
            preconditionFailure("column \(column) of a stored row is NULL or not a \(T.self)")
        }
        return value
    }

    /// The first column's value.
    public func first<T: SQLColumnValue>(_: T.Type = T.self) -> T? { values.first.flatMap(T.init(sqlValue:)) }
}

/// A connection inside one of a store's transactions: what the SQL shared by both stores runs on.
///
/// Statements are written once, in the SQL both SQLite and PostgreSQL accept: `?` placeholders (or
/// `?1` to repeat one), `ON CONFLICT … DO UPDATE/NOTHING`, `RETURNING`, `IS DISTINCT FROM`, and
/// `instr`, which the PostgreSQL schema defines. ``SQLiteSession`` and the PostgreSQL store's
/// session run them.
public protocol SQLSession {
    /// Every row the statement returns.
    func fetchAll(sql: String, arguments: SQLArguments) throws -> [SQLRow]
    /// Runs a statement; returns the number of rows it changed.
    @discardableResult
    func execute(sql: String, arguments: SQLArguments) throws -> Int
    /// Runs `action` once the transaction has committed; never when it rolls back.
    func afterCommit(_ action: @escaping @Sendable () -> Void)
    /// What ends a `SELECT` of one table whose rows a claim takes: ` FOR UPDATE SKIP LOCKED` on
    /// PostgreSQL, so concurrent claims pass over each other's rows rather than wait for them; ""
    /// on SQLite, which has one writer at a time and no such clause.
    var skipLocked: String { get }
}

extension SQLSession {
    public var skipLocked: String { "" }

    public func fetchAll(sql: String) throws -> [SQLRow] { try fetchAll(sql: sql, arguments: []) }

    @discardableResult
    public func execute(sql: String) throws -> Int { try execute(sql: sql, arguments: []) }

    /// The first row, if any.
    public func fetchOne(sql: String, arguments: SQLArguments = []) throws -> SQLRow? {
        try fetchAll(sql: sql, arguments: arguments).first
    }
}

extension SQLRow {
    /// The first row of `sql`, as GRDB's `Row.fetchOne` reads.
    public static func fetchOne(_ db: any SQLSession, sql: String, arguments: SQLArguments = []) throws -> SQLRow? {
        try db.fetchOne(sql: sql, arguments: arguments)
    }

    public static func fetchAll(_ db: any SQLSession, sql: String, arguments: SQLArguments = []) throws -> [SQLRow] {
        try db.fetchAll(sql: sql, arguments: arguments)
    }
}

extension SQLColumnValue {
    /// The first column of the first row; nil without a row or when it is NULL.
    public static func fetchOne(_ db: any SQLSession, sql: String, arguments: SQLArguments = []) throws -> Self? {
        try db.fetchOne(sql: sql, arguments: arguments)?.first(Self.self)
    }

    /// The first column of every row, NULLs left out.
    public static func fetchAll(_ db: any SQLSession, sql: String, arguments: SQLArguments = []) throws -> [Self] {
        try db.fetchAll(sql: sql, arguments: arguments).compactMap { $0.first(Self.self) }
    }
}

extension String {
    /// Whether this text can be stored, and so found, on every store: PostgreSQL's text holds no NUL
    /// character (SQLite's does). A lookup by text from a request (a token, an id in a path) that
    /// cannot be stored finds nothing, on both stores, without asking the database.
    var isStorable: Bool { !utf8.contains(0) }
}
