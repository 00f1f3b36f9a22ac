import Foundation
import Logging
import NIOCore
import PostgresNIO
import ShiplogMacroSupport
import ShiplogStore

/// The shared SQL (``SQLSession``) on one PostgreSQL connection, inside one of ``PostgresStore``'s
/// transactions. It runs on a thread of the store's pool and waits for each answer: the rules that
/// read and then write are the embedded store's, written once as synchronous code.
///
/// Statements come in the form both stores accept: their `?` (and `?1`…) become `$1`…, outside
/// quoted text.
@MemberwiseInit
final class PostgresSession: SQLSession {
    let connection: PostgresConnection
    let logger: Logger
    /// What runs once the transaction has committed.
    private(set) var committed: [@Sendable () -> Void] = []

    func fetchAll(sql: String, arguments: SQLArguments) throws -> [SQLRow] {
        try run(sql, arguments).rows.map(Self.row)
    }

    func execute(sql: String, arguments: SQLArguments) throws -> Int {
        try run(sql, arguments).metadata.rows ?? 0
    }

    func afterCommit(_ action: @escaping @Sendable () -> Void) { committed.append(action) }

    var skipLocked: String { " FOR UPDATE SKIP LOCKED" }

    private func run(_ sql: String, _ arguments: SQLArguments) throws -> PostgresQueryResult {
        var binds = PostgresBindings(capacity: arguments.count)
        for argument in arguments {
            switch argument?.sqlValue ?? .null {
            case .null: binds.appendNull()
            case .integer(let value): binds.append(value)
            case .real(let value): binds.append(value)
            case .text(let value): binds.append(value)
            case .blob(let value): binds.append(ByteBuffer(bytes: value))
            }
        }
        return try connection.query(PostgresQuery(unsafeSQL: Self.numbered(sql), binds: binds), logger: logger).wait()
    }

    /// `sql` with PostgreSQL's placeholders: each `?` is the next `$n`, `?N` is `$N`; quoted text and
    /// identifiers are left as they are.
    static func numbered(_ sql: String) -> String {
        guard sql.contains("?") else { return sql }
        var result = ""
        result.reserveCapacity(sql.utf8.count + 8)
        var next = 1
        var quote: Character?
        var characters = sql.makeIterator()
        var pending: Character? = nil
        while let character = pending ?? characters.next() {
            pending = nil
            if let open = quote {
                result.append(character)
                if character == open { quote = nil }
                continue
            }
            switch character {
            case "'", "\"":
                quote = character
                result.append(character)
            case "?":
                var digits = ""
                while let following = characters.next() {
                    if following.isASCII, following.isNumber {
                        digits.append(following)
                    } else {
                        pending = following
                        break
                    }
                }
                if digits.isEmpty {
                    result += "$\(next)"
                    next += 1
                } else {
                    result += "$" + digits
                }
            default:
                result.append(character)
            }
        }
        return result
    }

    /// A row in the kinds both stores share: integers (and flags) as `.integer`, text, bytes, reals.
    static func row(_ row: PostgresRow) -> SQLRow {
        var columns: [String] = []
        var values: [SQLValue] = []
        columns.reserveCapacity(row.count)
        values.reserveCapacity(row.count)
        for cell in row {
            columns.append(cell.columnName)
            values.append(value(cell))
        }
        return SQLRow(columns: columns, values: values)
    }

    static func value(_ cell: PostgresCell) -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return (try? cell.decode(Int64.self)).map(SQLValue.integer) ?? .null
        case .bool: return (try? cell.decode(Bool.self)).map { .integer($0 ? 1 : 0) } ?? .null
        case .float4, .float8: return (try? cell.decode(Double.self)).map(SQLValue.real) ?? .null
        case .bytea: return (try? cell.decode(Data.self)).map(SQLValue.blob) ?? .null
        case .numeric:
            guard let decimal = try? cell.decode(Decimal.self) else { return .null }
            let number = NSDecimalNumber(decimal: decimal)
            return Decimal(number.int64Value) == decimal ? .integer(number.int64Value) : .real(number.doubleValue)
        default: return (try? cell.decode(String.self)).map(SQLValue.text) ?? .null
        }
    }
}
