import Foundation
public import ShiplogStore

/// Where a PostgreSQL store is (SPEC §8): `postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=…]`,
/// also `postgresql://`. The password comes from the URL, else from `PGPASSWORD`; the user from
/// the URL, else `PGUSER`; the database is the user's name when the URL names none.
public struct PostgresURL: Sendable, Hashable {
    /// How the connection is encrypted, with libpq's names and meanings.
    public enum SSLMode: String, Sendable, Hashable, CaseIterable {
        /// Plain TCP.
        case disable
        /// Either way, as the server takes it (libpq tries plain TCP first; shiplog, as `prefer`, TLS first).
        case allow
        /// TLS when the server offers it (libpq's default).
        case prefer
        /// TLS or no connection; the certificate is not verified (as libpq's `require`).
        case require
        /// TLS with the certificate verified against the system's roots, not the host name.
        case verifyCA = "verify-ca"
        /// TLS with the certificate verified against the system's roots and the host name.
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var sslMode: SSLMode

    /// Whether `text` names PostgreSQL (`postgres://` or `postgresql://`) rather than a SQLite path.
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses a URL; errors name the part that is wrong (`--db` is the field for the whole URL).
    /// `environment` is where `PGUSER` and `PGPASSWORD` are looked up; the command line passes the
    /// process's (nothing below it reads the environment itself).
    public init(_ text: String, environment: [String: String] = [:]) throws(StoreError) {
        guard Self.isPostgres(text), let parts = URLComponents(string: text) else {
            throw StoreError.invalid(field: "db", message: "not a postgres:// or postgresql:// URL")
        }
        guard let host = parts.host, !host.isEmpty else {
            throw StoreError.invalid(field: "db", message: "the URL names no host (postgres://USER@HOST:PORT/DB)")
        }
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        port = parts.port ?? 5432
        guard (1...65535).contains(port) else {
            throw StoreError.invalid(field: "db", message: "port \(port) is not between 1 and 65535")
        }
        guard let user = parts.user.flatMap({ $0.removingPercentEncoding }) ?? environment["PGUSER"], !user.isEmpty else {
            throw StoreError.invalid(field: "db", message: "the URL names no user and PGUSER is not set")
        }
        self.user = user
        password = parts.password.flatMap { $0.removingPercentEncoding } ?? environment["PGPASSWORD"]
        let path = String(parts.path.drop { $0 == "/" }).removingPercentEncoding ?? ""
        guard !path.contains("/") else {
            throw StoreError.invalid(field: "db", message: "the database name \"\(path)\" contains \"/\"")
        }
        database = path.isEmpty ? user : path
        sslMode = .prefer
        for item in parts.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(SSLMode.init(rawValue:)) else {
                    let known = SSLMode.allCases.map(\.rawValue).joined(separator: ", ")
                    throw StoreError.invalid(field: "sslmode", message: "\"\(item.value ?? "")\" is not one of \(known)")
                }
                sslMode = mode
            default:
                throw StoreError.invalid(field: item.name, message: "unknown URL parameter (known: sslmode)")
            }
        }
    }

    /// The URL without its password, for messages and logs.
    public var redacted: String {
        "postgres://\(user)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)?sslmode=\(sslMode.rawValue)"
    }
}
