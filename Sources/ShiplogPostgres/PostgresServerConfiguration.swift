import NIOCore
import NIOSSL
import PostgresNIO

/// A PostgresNIO configuration that reaches a server by host and port: a single connection's
/// (the first one of ``PostgresStore/open(_:)``, and the change feed's) or the pool's. Both are made
/// from a ``PostgresURL`` by ``init(_:)``, so the two always agree on where and how to connect.
protocol PostgresServerConfiguration {
    /// How the configuration takes TLS: a configuration for the pool, an SSL context for a connection.
    associatedtype TLS
    /// What making ``TLS`` can throw (`Never` when nothing is made).
    associatedtype TLSFailure: Error

    init(host: String, port: Int, username: String, password: String?, database: String?, tls: TLS)

    /// No TLS.
    static var plain: TLS { get }
    /// TLS with `configuration`; when `preferred`, a server without TLS is reached in the clear.
    static func encrypted(_ configuration: TLSConfiguration, preferred: Bool) throws(TLSFailure) -> TLS
    /// Sets how long connecting may take.
    mutating func limitConnecting(to seconds: Int64)
}

extension PostgresServerConfiguration {
    /// How to reach the database of `url`, with libpq's TLS modes, giving up connecting after 10 s.
    init(_ url: PostgresURL) throws(TLSFailure) {
        let tls: TLS =
            switch (url.sslMode, Self.tlsConfiguration(url.sslMode)) {
            case (.prefer, let tls?), (.allow, let tls?): try Self.encrypted(tls, preferred: true)
            case (_, let tls?): try Self.encrypted(tls, preferred: false)
            case (_, nil): Self.plain
            }
        self.init(host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: tls)
        limitConnecting(to: 10)
    }

    /// libpq's modes: `require` encrypts without verifying the certificate, `verify-ca` verifies its
    /// chain, `verify-full` its chain and host name.
    static func tlsConfiguration(_ mode: PostgresURL.SSLMode) -> TLSConfiguration? {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch mode {
        case .disable: return nil
        case .allow, .prefer, .require: tls.certificateVerification = .none
        case .verifyCA: tls.certificateVerification = .noHostnameVerification
        case .verifyFull: break
        }
        return tls
    }
}

extension PostgresConnection.Configuration: PostgresServerConfiguration {
    typealias TLSFailure = any Error

    static var plain: TLS { .disable }

    static func encrypted(_ configuration: TLSConfiguration, preferred: Bool) throws(any Error) -> TLS {
        let context = try NIOSSLContext(configuration: configuration)
        return preferred ? .prefer(context) : .require(context)
    }

    mutating func limitConnecting(to seconds: Int64) { options.connectTimeout = .seconds(seconds) }
}

extension PostgresClient.Configuration: PostgresServerConfiguration {
    typealias TLSFailure = Never

    static var plain: TLS { .disable }

    static func encrypted(_ configuration: TLSConfiguration, preferred: Bool) -> TLS {
        preferred ? .prefer(configuration) : .require(configuration)
    }

    mutating func limitConnecting(to seconds: Int64) { options.connectTimeout = .seconds(seconds) }
}
