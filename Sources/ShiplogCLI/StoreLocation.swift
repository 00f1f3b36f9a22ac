import ArgumentParser
import Foundation
import ShiplogPostgres
import ShiplogStore

/// A store named on the command line (`--db`, `--from`, `--to`): a SQLite path or a postgres:// URL.
enum StoreLocation {
    /// Opens the store; a failure is reported, naming `option` (never a URL's password), and exits 74
    /// (64 for a malformed URL).
    static func open(_ location: String, option: String, creating: Bool = true) async throws -> any Store {
        try await open(location, named: "\(option) \(shown(location))", creating: creating)
    }

    /// Opens the store of every command that takes one; a failure is reported after `name` and exits
    /// 74 (64 for a malformed URL). Unless `creating` (a command that only reads, or the source of a
    /// copy), a SQLite file that does not exist is an error (74), not a new empty store left behind.
    static func open(_ location: String, named name: String, creating: Bool = true) async throws -> any Store {
        // Another scheme (`mysql://`, `sqlite://`) is no file path: say so rather than create one.
        if !PostgresURL.isPostgres(location), let scheme = location.firstRange(of: "://"),
            location[..<scheme.lowerBound].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+.-".contains($0)) }),
            location.first?.isLetter == true
        {
            Console.error("\(name): not a store shiplog knows: give a SQLite file path or a postgres:// (postgresql://) URL")
            throw ExitStatus.usage
        }
        if !creating, !PostgresURL.isPostgres(location), !FileManager.default.fileExists(atPath: location) {
            Console.error("\(name): no such store file (import data into it first, or check the path)")
            throw ExitStatus.io
        }
        do {
            if PostgresURL.isPostgres(location) {
                return try await PostgresStore.open(location, environment: ProcessInfo.processInfo.environment)
            }
            return try SQLiteStore(path: location)
        } catch {
            Console.error("\(name): \(error)")
            if error.code == .invalid { throw ExitStatus.usage }
            throw ExitStatus.io
        }
    }

    /// The location for messages: a PostgreSQL URL without its password.
    static func shown(_ location: String) -> String {
        guard PostgresURL.isPostgres(location) else { return location }
        return (try? PostgresURL(location, environment: ProcessInfo.processInfo.environment).redacted) ?? "(a postgres:// URL)"
    }

    /// Whether both name one SQLite file (through `.`, `..` and symlinks).
    static func sameSQLiteFile(_ one: String, _ other: String) -> Bool {
        guard !PostgresURL.isPostgres(one), !PostgresURL.isPostgres(other) else { return false }
        return SiteFolder.resolved(one) == SiteFolder.resolved(other)
    }

    /// Removes a SQLite store this command created (with its `-wal` and `-shm` files).
    static func removeSQLite(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}
