import Foundation
import GRDB

/// Rows as GRDB records on both stores: a table's row is one `Codable` record type, decoded by
/// GRDB (`FetchableRecord`) and encoded by GRDB (`EncodableRecord`), and each record maps to the
/// model once, for SQLite and PostgreSQL alike.
///
/// On SQLite the records come straight from GRDB's statements. The PostgreSQL session's rows
/// (``SQLRow``) become GRDB rows first, so the same decoding runs on them.
extension FetchableRecord {
    /// Every row of `sql` as a record.
    static func fetchAll(_ db: any SQLSession, sql: String, arguments: SQLArguments = []) throws -> [Self] {
        if let sqlite = db as? SQLiteSession { return try fetchAll(sqlite.statement(sql: sql, arguments: arguments)) }
        return try db.fetchAll(sql: sql, arguments: arguments).map { try Self(row: Row($0)) }
    }

    /// The first row of `sql` as a record, if there is one.
    static func fetchOne(_ db: any SQLSession, sql: String, arguments: SQLArguments = []) throws -> Self? {
        if let sqlite = db as? SQLiteSession { return try fetchOne(sqlite.statement(sql: sql, arguments: arguments)) }
        return try db.fetchOne(sql: sql, arguments: arguments).map { try Self(row: Row($0)) }
    }
}

extension Row {
    /// A GRDB row with the columns and values of a shared ``SQLRow``.
    convenience init(_ row: SQLRow) {
        self.init(
            Dictionary(
                zip(row.columns, row.values.map { $0.databaseValue as (any DatabaseValueConvertible)? }),
                uniquingKeysWith: { first, _ in first }
            )
        )
    }
}

extension EncodableRecord where Self: TableRecord {
    /// The record's columns and bound values, sorted by column so that a statement made from them
    /// is the same text every time (and prepared once). `omitting` leaves columns out, such as a
    /// `seq` the store assigns.
    func columns(omitting omitted: Set<String> = []) throws -> (names: [String], values: SQLArguments) {
        let encoded = try databaseDictionary.filter { !omitted.contains($0.key) }.sorted { $0.key < $1.key }
        return (encoded.map(\.key), encoded.map { SQLValue($0.value) as (any SQLBindable)? })
    }

    /// Inserts the record or, on a row with the same `conflict` columns, replaces that row's other
    /// columns with the record's (`ON CONFLICT … DO UPDATE`, which both stores accept). `seq` is
    /// the store's to assign.
    func upsert(_ db: any SQLSession, onConflict conflict: [String]) throws {
        let (names, values) = try columns(omitting: ["seq"])
        let updates = names.filter { !conflict.contains($0) }.map { "\($0) = excluded.\($0)" }
        let onConflict = updates.isEmpty ? "NOTHING" : "UPDATE SET " + updates.joined(separator: ", ")
        try db.execute(sql: Self.insertSQL(names) + " ON CONFLICT (\(conflict.joined(separator: ", "))) DO \(onConflict)", arguments: values)
    }

    /// Inserts the record.
    func insert(_ db: any SQLSession) throws {
        let (names, values) = try columns(omitting: ["seq"])
        try db.execute(sql: Self.insertSQL(names), arguments: values)
    }

    /// Inserts the record and returns the `seq` the store gave its row.
    func insertReturningSeq(_ db: any SQLSession) throws -> Int64 {
        let (names, values) = try columns(omitting: ["seq"])
        guard let seq = try Int64.fetchOne(db, sql: Self.insertSQL(names) + " RETURNING seq", arguments: values) else {
            throw StoreError.database("no seq returned for a new row of \(Self.databaseTableName)")
        }
        return seq
    }

    private static func insertSQL(_ names: [String]) -> String {
        "INSERT INTO \(databaseTableName) (\(names.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: names.count).joined(separator: ", ")))"
    }
}

extension SQLValue {
    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let integer): self = .integer(integer)
        case .double(let real): self = .real(real)
        case .string(let text): self = .text(text)
        case .blob(let data): self = .blob(data)
        }
    }

    var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case .integer(let integer): integer.databaseValue
        case .real(let real): real.databaseValue
        case .text(let text): text.databaseValue
        case .blob(let data): data.databaseValue
        }
    }
}

/// A record of one of the store's tables: `Codable`, so GRDB decodes it from a row and encodes it
/// into columns. Each record names its snake_case columns in `CodingKeys`: GRDB's key strategies
/// convert every column name of every row, and with them `shiplog export` of a page of 10,000
/// releases took 0.36 s of CPU instead of 0.21 s (the hand-written mapping before records, and
/// records with `CodingKeys`, alike; release build, 2026-12-07).
protocol StoreRecord: Codable, FetchableRecord, EncodableRecord, TableRecord {}
