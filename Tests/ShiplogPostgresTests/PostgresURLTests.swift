import PostgresNIO
import ShiplogStore
import Testing

@testable import ShiplogPostgres

@Suite struct PostgresURLTests {
    @Test func readsEveryPart() throws {
        let url = try PostgresURL("postgres://ship%40log:s%3Acret@db.example:6543/pages?sslmode=require", environment: [:])
        #expect(url.host == "db.example")
        #expect(url.port == 6543)
        #expect(url.user == "ship@log")
        #expect(url.password == "s:cret")
        #expect(url.database == "pages")
        #expect(url.sslMode == .require)
        #expect(url.redacted == "postgres://ship@log@db.example:6543/pages?sslmode=require")
    }

    @Test func defaultsFollowLibpq() throws {
        let url = try PostgresURL("postgresql://ada@127.0.0.1", environment: ["PGPASSWORD": "from-env"])
        #expect(url.port == 5432)
        #expect(url.database == "ada")
        #expect(url.password == "from-env")
        #expect(url.sslMode == .prefer)
        let fromEnvironment = try PostgresURL("postgres://[::1]:5433/db?sslmode=disable", environment: ["PGUSER": "bob"])
        #expect(fromEnvironment.user == "bob")
        #expect(fromEnvironment.host == "::1")
        #expect(fromEnvironment.sslMode == .disable)
    }

    /// All six of libpq's modes, as a URL copied from another PostgreSQL client gives them.
    @Test func everySSLModeOfLibpq() throws {
        let modes = try ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"].map {
            try PostgresURL("postgres://a@h/db?sslmode=\($0)", environment: [:]).sslMode
        }
        #expect(modes == [.disable, .allow, .prefer, .require, .verifyCA, .verifyFull])
        // NIOSSL's CertificateVerification, by the name of its case.
        let verification = modes.map { mode in
            PostgresConnection.Configuration.tlsConfiguration(mode).map { String("\($0.certificateVerification)".prefix { $0 != "(" }) }
        }
        #expect(verification == [nil, "none", "none", "none", "noHostnameVerification", "fullVerification"])
    }

    @Test func thePasswordInTheURLWinsOverPGPASSWORD() throws {
        let url = try PostgresURL("postgres://ada:inurl@h/db", environment: ["PGPASSWORD": "env"])
        #expect(url.password == "inurl")
    }

    @Test func refusesWhatItCannotUseNamingTheField() {
        #expect(
            throws: StoreError.invalid(
                field: "sslmode",
                message: "\"allow-maybe\" is not one of disable, allow, prefer, require, verify-ca, verify-full"
            )
        ) {
            try PostgresURL("postgres://a@h/db?sslmode=allow-maybe", environment: [:])
        }
        #expect(throws: StoreError.invalid(field: "timeout", message: "unknown URL parameter (known: sslmode)")) {
            try PostgresURL("postgres://a@h/db?timeout=3", environment: [:])
        }
        #expect(throws: StoreError.invalid(field: "db", message: "the URL names no user and PGUSER is not set")) {
            try PostgresURL("postgres://h/db", environment: [:])
        }
        #expect(throws: StoreError.invalid(field: "db", message: "the URL names no host (postgres://USER@HOST:PORT/DB)")) {
            try PostgresURL("postgres:///db", environment: [:])
        }
        #expect(throws: StoreError.invalid(field: "db", message: "not a postgres:// or postgresql:// URL")) {
            try PostgresURL("mysql://a@h/db", environment: [:])
        }
    }
}
