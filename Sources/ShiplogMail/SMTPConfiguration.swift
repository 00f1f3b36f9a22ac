/// Where and how to reach an SMTP server: host, port, TLS, credentials and time limits.
///
/// Usually made from a URL with ``init(url:)``; every property has a documented default.
///
/// ```swift
/// let configuration = try SMTPConfiguration(url: "smtp://mailer:s%3Acret@mail.example.com:587")
/// ```
public struct SMTPConfiguration: Sendable, Hashable, CustomStringConvertible {
    /// How TLS is used on the connection.
    public enum Security: Sendable, Hashable {
        /// TLS from the first byte (`smtps://`, usually port 465).
        case implicitTLS
        /// Plain TCP upgraded with STARTTLS as the policy says (`smtp://`).
        case startTLS(STARTTLSPolicy)
    }

    /// When a plain connection is upgraded with STARTTLS.
    public enum STARTTLSPolicy: String, Sendable, Hashable {
        /// Upgrade when the server offers STARTTLS, else stay plain (the default).
        case whenOffered = "offered"
        /// Fail unless the server offers STARTTLS and the upgrade succeeds.
        case required
        /// Never upgrade, even when offered.
        case never
    }

    /// How the server's certificate is checked.
    public enum CertificateVerification: Sendable, Hashable {
        /// Against the system's trusted roots, and the host name (the default).
        case system
        /// Against the system's roots and the PEM certificates in a file, and the host name.
        case trusting(caFile: String)
        /// Not at all: for tests against a self-signed server only.
        case none
    }

    /// A user name and password for AUTH PLAIN or AUTH LOGIN, sent only over TLS (smtps or STARTTLS).
    public struct Credentials: Sendable, Hashable {
        /// The user name.
        public var user: String
        /// The password.
        public var password: String
    }

    /// The server's host name or IP address.
    public var host: String
    /// The server's TCP port; 25 for `smtp://`, 465 for `smtps://` when the URL has none.
    public var port: Int
    /// How TLS is used; `.startTLS(.whenOffered)` by default.
    public var security: Security
    /// How the certificate is checked; `.system` by default.
    public var certificateVerification: CertificateVerification
    /// The credentials to authenticate with; none by default.
    public var credentials: Credentials?
    /// The name this client gives in EHLO; `localhost` by default.
    public var clientName: String
    /// How long opening the TCP connection may take; 10 seconds by default. The TLS handshake of
    /// `smtps://` and the greeting then count as a reply (``commandTimeout``).
    public var connectTimeout: Duration
    /// How long the server may take to answer a command; 60 seconds by default (RFC 5321 allows
    /// up to 10 minutes after the message data, so raise it for a slow relay).
    public var commandTimeout: Duration

    /// Creates a configuration.
    public init(
        host: String,
        port: Int? = nil,
        security: Security = .startTLS(.whenOffered),
        certificateVerification: CertificateVerification = .system,
        credentials: Credentials? = nil,
        clientName: String = "localhost",
        connectTimeout: Duration = .seconds(10),
        commandTimeout: Duration = .seconds(60)
    ) {
        self.host = host
        self.security = security
        self.port = port ?? (security == .implicitTLS ? 465 : 25)
        self.certificateVerification = certificateVerification
        self.credentials = credentials
        self.clientName = clientName
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
    }

    /// The configuration as a URL with the password hidden, for logs.
    public var description: String {
        var text = security == .implicitTLS ? "smtps://" : "smtp://"
        if let credentials { text += "\(credentials.user):***@" }
        text += host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        var options: [String] = []
        if case .startTLS(let policy) = security, policy != .whenOffered { options.append("starttls=\(policy.rawValue)") }
        switch certificateVerification {
        case .system: break
        case .trusting(let file): options.append("tls_ca=\(file)")
        case .none: options.append("tls_verify=false")
        }
        return options.isEmpty ? text : text + "?" + options.joined(separator: "&")
    }
}
