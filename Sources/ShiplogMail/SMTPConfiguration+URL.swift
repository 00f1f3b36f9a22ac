import Foundation
import ShiplogModel

extension SMTPConfiguration {
    /// The query parameters ``init(url:)`` understands.
    static let urlParameters = ["starttls", "tls_verify", "tls_ca", "ehlo", "connect_timeout", "timeout"]

    /// Parses `smtp://[USER:PASSWORD@]HOST[:PORT][?OPTIONS]` or `smtps://…`.
    ///
    /// - `smtp://` connects in plain TCP (port 25 by default) and upgrades with STARTTLS when the
    ///   server offers it; `smtps://` speaks TLS from the start (port 465 by default).
    /// - The user and password are percent-decoded (write `@` as `%40`, `:` as `%3A`).
    /// - Options: `starttls=offered|required|never`, `tls_verify=false` (tests only),
    ///   `tls_ca=/path/ca.pem` (trust these certificates too), `ehlo=NAME`,
    ///   `connect_timeout=SECONDS`, `timeout=SECONDS` (for each reply).
    ///
    /// - `password`, when given, is the password of the URL's user (`smtp://USER@HOST`), so that
    ///   it need not appear in the URL (and so in `ps`); the URL must then have no password itself.
    /// - Credentials are sent only over TLS, so `starttls=never` with credentials is refused.
    ///
    /// - Throws: ``SMTPError`` with code ``SMTPError/Code-swift.struct/invalidConfiguration`` and a
    ///   message that names the part of the URL at fault (never the password).
    public init(url: String, password: String? = nil) throws(SMTPError) {
        func invalid(_ message: String) -> SMTPError {
            SMTPError(.invalidConfiguration, "invalid SMTP URL: \(message)")
        }
        guard let schemeEnd = url.range(of: "://") else {
            throw invalid("expected smtp://HOST[:PORT] or smtps://HOST[:PORT]")
        }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "smtp" || scheme == "smtps" else {
            throw invalid("the scheme must be smtp or smtps, not \(MailAddress.quoted(scheme))")
        }
        var rest = url[schemeEnd.upperBound...]
        if rest.contains("#") { throw invalid("a fragment (#…) is not allowed") }
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        if let slash = rest.firstIndex(of: "/") {
            guard rest[slash...] == "/" else { throw invalid("a path is not allowed after the host and port") }
            rest = rest[..<slash]
        }
        var credentials: Credentials?
        if let at = rest.lastIndex(of: "@") {
            credentials = try Self.credentials(rest[..<at], password: password, invalid)
            rest = rest[rest.index(after: at)...]
        } else if password != nil {
            throw invalid("a password was given apart from the URL, but the URL names no user (smtp://USER@HOST)")
        }
        let (host, port) = try Self.hostAndPort(rest, invalid)
        self.init(host: host, port: port, security: scheme == "smtps" ? .implicitTLS : .startTLS(.whenOffered), credentials: credentials)
        try applyOptions(query, invalid)
        if credentials != nil, security == .startTLS(.never) {
            throw invalid("credentials are sent only over TLS: remove starttls=never, or the credentials")
        }
    }

    private static func credentials(
        _ userinfo: Substring,
        password given: String?,
        _ invalid: (String) -> SMTPError
    ) throws(SMTPError) -> Credentials {
        if let given {
            guard !userinfo.contains(":") else {
                throw invalid("a password was given apart from the URL, so the URL must not hold one too (smtp://USER@HOST)")
            }
            guard let user = percentDecoded(userinfo) else { throw invalid("the user name has a bad percent-escape (write % as %25)") }
            guard !user.isEmpty, !given.isEmpty else { throw invalid("the user name and the password must not be empty") }
            return Credentials(user: user, password: given)
        }
        guard let colon = userinfo.firstIndex(of: ":") else {
            throw invalid("a user name needs a password (USER:PASSWORD@HOST, or the password apart from the URL)")
        }
        guard let user = percentDecoded(userinfo[..<colon]), let password = percentDecoded(userinfo[userinfo.index(after: colon)...]) else {
            throw invalid("the user name or password has a bad percent-escape (write % as %25)")
        }
        guard !user.isEmpty, !password.isEmpty else { throw invalid("the user name and the password must not be empty") }
        return Credentials(user: user, password: password)
    }

    private static func hostAndPort(_ text: Substring, _ invalid: (String) -> SMTPError) throws(SMTPError) -> (String, Int?) {
        let authority = URLAuthority(afterScheme: text)
        var host = authority.host
        if !authority.afterHost.isEmpty, !authority.afterHost.hasPrefix(":") { throw invalid("expected :PORT after the IPv6 address") }
        let portText = authority.afterHost.isEmpty ? nil : authority.afterHost.dropFirst()
        if host.hasPrefix("[") {
            guard host.hasSuffix("]") else { throw invalid("an IPv6 address lacks its closing ]") }
            host = host.dropFirst().dropLast()
            guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                throw invalid("\(MailAddress.quoted(String(host))) is not an IPv6 address")
            }
        } else {
            guard !host.isEmpty else { throw invalid("the host is missing") }
            guard host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_") }) else {
                throw invalid("the host \(MailAddress.quoted(String(host))) may only hold letters, digits, '-', '_' and '.'")
            }
        }
        guard let portText else { return (String(host), nil) }
        guard let port = Int(portText), portText.allSatisfy(\.isASCII), (1...65_535).contains(port) else {
            throw invalid("the port must be a number from 1 to 65535, not \(MailAddress.quoted(String(portText)))")
        }
        return (String(host), port)
    }

    private mutating func applyOptions(_ query: Substring, _ invalid: (String) -> SMTPError) throws(SMTPError) {
        var verify = true
        var caFile: String?
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, let value = Self.percentDecoded(parts[1]), !value.isEmpty else {
                throw invalid("the option \(MailAddress.quoted(String(pair))) needs a value (NAME=VALUE)")
            }
            switch parts[0] {
            case "starttls":
                guard let policy = STARTTLSPolicy(rawValue: value) else {
                    throw invalid("starttls must be offered, required or never, not \(MailAddress.quoted(value))")
                }
                guard security != .implicitTLS else { throw invalid("starttls does not apply to smtps://, which is TLS from the start") }
                security = .startTLS(policy)
            case "tls_verify":
                guard let verifyValue = ["true": true, "1": true, "false": false, "0": false][value] else {
                    throw invalid("tls_verify must be true or false, not \(MailAddress.quoted(value))")
                }
                verify = verifyValue
            case "tls_ca":
                caFile = value
            case "ehlo":
                guard value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-.[]:".contains($0)) }) else {
                    throw invalid("ehlo must be a host name or an address literal, not \(MailAddress.quoted(value))")
                }
                clientName = value
            case "connect_timeout", "timeout":
                guard let seconds = Double(value), seconds > 0, seconds <= 3600 else {
                    throw invalid("\(parts[0]) must be a number of seconds from 0 to 3600, not \(MailAddress.quoted(value))")
                }
                let duration = Duration.milliseconds(Int64((seconds * 1000).rounded()))
                if parts[0] == "timeout" { commandTimeout = duration } else { connectTimeout = duration }
            default:
                throw invalid(
                    "unknown option \(MailAddress.quoted(String(parts[0]))); known: \(Self.urlParameters.joined(separator: ", "))"
                )
            }
        }
        switch (verify, caFile) {
        case (false, .some): throw invalid("tls_ca and tls_verify=false contradict each other")
        case (false, nil): certificateVerification = .none
        case (true, .some(let file)): certificateVerification = .trusting(caFile: file)
        case (true, nil): break
        }
    }

    /// Decodes `%XX` escapes (UTF-8); nil for a malformed escape or bytes that are not UTF-8.
    static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
