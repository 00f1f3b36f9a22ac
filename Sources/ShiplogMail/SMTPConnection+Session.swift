import Logging
import NIOCore
import NIOSSL

extension SMTPConnection {
    /// Reads the greeting, says EHLO, upgrades with STARTTLS as configured, authenticates.
    func startSession() async throws(SMTPError) {
        let greeting = try await exchange(nil, log: "<greeting>")
        guard greeting.code == 220 else {
            throw SMTPError.reply(.serviceUnavailable, "the server refused the session", greeting, permanentIf5xx: false)
        }
        try await hello()
        if case .startTLS(let policy) = configuration.security, policy != .never {
            if extensions["STARTTLS"] != nil {
                try await startTLS()
                try await hello()
            } else if policy == .required {
                throw SMTPError(.tlsFailed, "the server does not offer STARTTLS, which starttls=required demands")
            }
        }
        if let credentials = configuration.credentials {
            // Never in clear: a man in the middle can strip STARTTLS from the EHLO reply to read them.
            guard isEncrypted else {
                let why = configuration.security == .startTLS(.never) ? "starttls=never is set" : "the server does not offer STARTTLS"
                throw SMTPError(
                    .tlsFailed,
                    "credentials are sent only over TLS, and \(why): nothing was sent; use smtps://, or a server that offers STARTTLS"
                )
            }
            try await authenticate(credentials)
        }
    }

    /// EHLO, or HELO when the server does not know EHLO.
    private func hello() async throws(SMTPError) {
        let ehlo = try await exchange("EHLO \(configuration.clientName)")
        if ehlo.code == 250 {
            extensions = Self.extensions(of: ehlo)
            return
        }
        guard ehlo.isPermanentFailure else {
            throw SMTPError.reply(.serviceUnavailable, "EHLO failed", ehlo, permanentIf5xx: false)
        }
        let helo = try await exchange("HELO \(configuration.clientName)")
        guard helo.code == 250 else { throw SMTPError.reply(.serviceUnavailable, "EHLO and HELO failed", helo, permanentIf5xx: false) }
        extensions = [:]
    }

    /// STARTTLS, then TLS in front of the SMTP handler; anything the server sent after its reply is refused.
    private func startTLS() async throws(SMTPError) {
        guard let tlsContext else { throw SMTPError(.tlsFailed, "no TLS context was made for this connection") }
        let reply = try await exchange("STARTTLS")
        guard reply.code == 220 else { throw SMTPError.reply(.tlsFailed, "STARTTLS failed", reply, permanentIf5xx: false) }
        let hostname = Self.serverHostname(configuration.host)
        let channel = self.channel
        let handler = self.handler
        do {
            try await channel.eventLoop.submit {
                guard !handler.value.hasUnreadInput else {
                    throw SMTPError(.protocolViolation, "the server sent data after its STARTTLS reply, before TLS began")
                }
                let tls = try NIOSSLClientHandler(context: tlsContext, serverHostname: hostname)
                try channel.pipeline.syncOperations.addHandler(tls, position: .first)
            }.get()
        } catch {
            channel.close(promise: nil)
            throw SMTPClientHandler.describe(error)
        }
        isEncrypted = true
    }

    /// AUTH PLAIN when offered, else AUTH LOGIN.
    private func authenticate(_ credentials: SMTPConfiguration.Credentials) async throws(SMTPError) {
        let offered = Set((extensions["AUTH"] ?? "").uppercased().split(separator: " ").map(String.init))
        func encoded(_ text: String) -> String { String(decoding: MIMEEncoding.base64(Array(text.utf8)), as: UTF8.self) }
        func failed(_ reply: SMTPReply) -> SMTPError {
            SMTPError.reply(.authenticationFailed, "authentication as \(MailAddress.quoted(credentials.user)) failed", reply, permanentIf5xx: false)
        }
        if offered.contains("PLAIN") {
            let reply = try await exchange("AUTH PLAIN " + encoded("\0\(credentials.user)\0\(credentials.password)"), log: "AUTH PLAIN ***")
            guard reply.code == 235 else { throw failed(reply) }
        } else if offered.contains("LOGIN") {
            let start = try await exchange("AUTH LOGIN")
            guard start.code == 334 else { throw failed(start) }
            let user = try await exchange(encoded(credentials.user), log: "<user name>")
            guard user.code == 334 else { throw failed(user) }
            let password = try await exchange(encoded(credentials.password), log: "<password>")
            guard password.code == 235 else { throw failed(password) }
        } else {
            let what = offered.isEmpty ? "no AUTH at all" : "AUTH " + offered.sorted().joined(separator: " ")
            throw SMTPError(.authenticationFailed, "the server offers neither AUTH PLAIN nor AUTH LOGIN but \(what)")
        }
        logger.debug("authenticated", metadata: ["smtp.user": "\(credentials.user)"])
    }

    /// Sends a command line (CRLF added) and waits for the reply.
    func exchange(_ command: String, log: String? = nil, timeout: Duration? = nil) async throws(SMTPError) -> SMTPReply {
        try await exchange(ByteBuffer(string: command + "\r\n"), log: log ?? command, timeout: timeout)
    }

    /// Sends bytes (when given) and waits for the next reply, within the command timeout (or a shorter one).
    func exchange(_ bytes: ByteBuffer?, log: String, timeout: Duration? = nil) async throws(SMTPError) -> SMTPReply {
        let handler = self.handler
        let channel = self.channel
        let timeout = TimeAmount(min(timeout ?? configuration.commandTimeout, configuration.commandTimeout))
        let loop = channel.eventLoop
        do {
            let reply = try await withTaskCancellationHandler {
                try await loop.flatSubmit { handler.value.exchange(bytes, timeout: timeout, on: loop) }.get()
            } onCancel: {
                channel.close(promise: nil)
            }
            logger.trace("smtp", metadata: ["smtp.command": "\(log)", "smtp.reply": "\(reply)"])
            return reply
        } catch {
            logger.debug("smtp failed", metadata: ["smtp.command": "\(log)", "smtp.error": "\(error)"])
            var failure = SMTPClientHandler.describe(error)
            if failure.reply == nil { failure.message += " (waiting for the reply to \(log))" }
            throw failure
        }
    }

    /// The keywords of an EHLO reply (upper case) with their parameters; `AUTH=…` counts as `AUTH`.
    static func extensions(of reply: SMTPReply) -> [String: String] {
        var extensions: [String: String] = [:]
        for line in reply.lines.dropFirst() {
            var keyword = String(line.prefix { $0 != " " }).uppercased()
            var parameters = String(line.drop { $0 != " " }.dropFirst())
            if keyword.hasPrefix("AUTH=") {
                parameters = String(keyword.dropFirst(5)) + (parameters.isEmpty ? "" : " " + parameters)
                keyword = "AUTH"
            }
            guard !keyword.isEmpty else { continue }
            extensions[keyword] = extensions[keyword].map { $0 + " " + parameters } ?? parameters
        }
        return extensions
    }

    /// The TLS context for the configuration; nil when TLS will never be used.
    static func makeTLSContext(_ configuration: SMTPConfiguration) throws(SMTPError) -> NIOSSLContext? {
        if configuration.security == .startTLS(.never) { return nil }
        var tls = TLSConfiguration.makeClientConfiguration()
        switch configuration.certificateVerification {
        case .system: break
        case .trusting(let caFile): tls.additionalTrustRoots = [.file(caFile)]
        case .none: tls.certificateVerification = .none
        }
        do {
            return try NIOSSLContext(configuration: tls)
        } catch {
            throw SMTPError(.invalidConfiguration, "TLS could not be set up; check the file given with tls_ca", cause: error)
        }
    }

    /// The name to send in SNI and to check the certificate against; nil for an IP address,
    /// whose certificate is checked against the address instead.
    static func serverHostname(_ host: String) -> String? {
        let isIPv4 = host.split(separator: ".", omittingEmptySubsequences: false).count == 4 && host.allSatisfy { $0.isNumber || $0 == "." }
        return isIPv4 || host.contains(":") ? nil : host
    }

    static func connectionError(_ error: any Error, _ configuration: SMTPConfiguration) -> SMTPError {
        let server = "\(configuration.host):\(configuration.port)"
        if let error = error as? ChannelError, case .connectTimeout = error {
            return SMTPError(
                .timeout,
                "could not connect to \(server) within \(SMTPClientHandler.seconds(TimeAmount(configuration.connectTimeout)))",
                cause: error
            )
        }
        return SMTPError(.connectionFailed, "could not connect to \(server); is the SMTP server running?", cause: error)
    }
}
