/// Where an absolute URL points (`scheme://USER:PASS@HOST:PORT/…`), read the one way shiplog reads
/// it: the URL rules (``Rules/urlProblem(_:)``), the SMTP URL and the host of mail's Message-IDs.
///
/// ```swift
/// URLAuthority(afterScheme: "u@[::1]:8443/x").host       // "[::1]"
/// URLAuthority(afterScheme: "mail.example:587").afterHost   // ":587"
/// ```
public struct URLAuthority: Sendable, Hashable {
    /// The whole authority: user information, host and port.
    public let text: Substring
    /// The host: a name, an IPv4 address, or an IPv6 address in its brackets (without its `]` when the
    /// URL does not close it); empty when the URL names none.
    public let host: Substring
    /// What follows the host: `:PORT`, empty without one; after an IPv6 address, whatever follows its `]`.
    public let afterHost: Substring

    /// Reads `rest`, what follows `scheme://`: up to the path, query or fragment, and after the user
    /// information (the last `@`).
    public init(afterScheme rest: Substring) {
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        text = authority
        let hostAndPort = authority.split(separator: "@").last ?? ""
        if hostAndPort.hasPrefix("["), let close = hostAndPort.firstIndex(of: "]") {
            host = hostAndPort[...close]
            afterHost = hostAndPort[hostAndPort.index(after: close)...]
        } else if !hostAndPort.hasPrefix("["), let colon = hostAndPort.lastIndex(of: ":") {
            host = hostAndPort[..<colon]
            afterHost = hostAndPort[colon...]
        } else {
            host = hostAndPort
            afterHost = ""
        }
    }

    /// Reads a URL (`scheme://…`); nil when it has no `://`.
    public init?(url: String) {
        guard let separator = url.firstRange(of: "://") else { return nil }
        self.init(afterScheme: url[separator.upperBound...])
    }
}
