import ArgumentParser
import Foundation
import Logging
import NIOCore
import ShiplogMail
import ShiplogModel
import ShiplogServer
import ShiplogSite
import ShiplogStore

/// `shiplog serve`: the version endpoint, the REST API and (with `--site`) the static page.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the version endpoint, the REST API and optionally the static site.",
        discussion: """
            Stops gracefully on SIGTERM or SIGINT (requests in flight finish). Logs one line per \
            request on stderr. With --site DIR the static page is built into DIR at start and rebuilt \
            (incrementally, atomically) after every change; a private page's site is served only to \
            requests with a key of the page, and DIR must not hold the store. Connections that send \
            nothing, trickle their headers, stall or trickle a body, or take none of their answers are \
            closed (see the timeouts below).
            """
    )

    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "The port to listen on (0: any free port, printed at start).")
    var port = 8080

    @Option(name: .long, help: ArgumentHelp("Serve and keep building the static site in this directory.", valueName: "dir"))
    var site: String?

    @Option(name: .long, help: ArgumentHelp("The page the site shows; needed when the store has several.", valueName: "id"))
    var page: String?

    @Option(name: .long, help: ArgumentHelp("Template overrides for the site (as build --templates).", valueName: "dir"))
    var templates: String?

    @Option(name: .customLong("rate-limit"), help: "Requests a minute per key or anonymous client address; 0 turns limits off.")
    var rateLimit = 60

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Where mail goes: smtp://USER@HOST:PORT (STARTTLS when offered) or smtps://…; the password from SHIPLOG_SMTP_PASSWORD.",
            valueName: "url"
        )
    )
    var smtp: String?

    @Option(
        name: .customLong("mail-from"),
        help: ArgumentHelp(
            "The From address of subscription and release mail, with a display name if wanted: 'Acme Releases <releases@acme.example>'.",
            valueName: "address"
        )
    )
    var mailFrom: String?

    @Option(
        name: .customLong("public-url"),
        help: ArgumentHelp("The server's address as links in mail show it (default: http://HOST:PORT/).", valueName: "url")
    )
    var publicURL: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info (one line per request), notice, warning or error.")
    var logLevel = "info"

    @Option(name: .customLong("header-timeout"), help: ArgumentHelp("Seconds a request's headers may take to arrive whole.", valueName: "s"))
    var headerTimeout = 10

    @Option(name: .customLong("idle-timeout"), help: ArgumentHelp("Seconds a keep-alive connection may stay idle.", valueName: "s"))
    var idleTimeout = 60

    @Option(
        name: .customLong("body-timeout"),
        help: ArgumentHelp("Seconds a request body may stall before the request is answered 408.", valueName: "s")
    )
    var bodyTimeout = 30

    @Option(
        name: .customLong("request-timeout"),
        help: ArgumentHelp("Seconds a whole request may take to arrive, headers and body (1 MiB needs 70 kbit/s).", valueName: "s")
    )
    var requestTimeout = 120

    @Option(
        name: .customLong("write-timeout"),
        help: ArgumentHelp("Seconds a connection may stay open while its client takes none of its answers.", valueName: "s")
    )
    var writeTimeout = 30

    @Option(
        name: .customLong("metrics-token"),
        help: ArgumentHelp(
            "Serve GET /metrics (Prometheus) to requests with \"Authorization: Bearer TOKEN\"; or set SHIPLOG_METRICS_TOKEN. Without one there is no /metrics.",
            valueName: "token"
        )
    )
    var metricsToken: String?

    @Option(
        name: .customLong("keep-delivered"),
        help: ArgumentHelp(
            "How long sent mail and delivered webhook deliveries are kept (removed at start, then hourly); 0 keeps them for ever. "
                + KeepDelivered.help,
            valueName: "duration"
        )
    )
    var keepDelivered = KeepDelivered.standard

    @Option(
        name: .customLong("outbox-lease"),
        help: ArgumentHelp(
            "Seconds a replica holds the mail and webhook deliveries it claimed; another takes them over when it died.",
            valueName: "s"
        )
    )
    var outboxLease = Int(ServerConfiguration.defaultOutboxLease)

    @Flag(
        name: .customLong("allow-private-webhooks"),
        help: "Let webhooks call loopback, private, link-local and metadata addresses (local setups and tests only)."
    )
    var allowPrivateWebhooks = false

    func validate() throws {
        if !(0...65535).contains(port) { throw ValidationError("--port must be from 0 to 65535") }
        if rateLimit < 0 { throw ValidationError("--rate-limit must be 0 or more") }
        let timeouts = [
            ("--header-timeout", headerTimeout), ("--idle-timeout", idleTimeout), ("--body-timeout", bodyTimeout),
            ("--request-timeout", requestTimeout), ("--write-timeout", writeTimeout),
        ]
        for (name, seconds) in timeouts where !(1...86400).contains(seconds) {
            throw ValidationError("\(name) must be from 1 to 86400 seconds")
        }
        if !(2...86400).contains(outboxLease) { throw ValidationError("--outbox-lease must be from 2 to 86400 seconds") }
        if Logger.Level(rawValue: logLevel) == nil { throw ValidationError("--log-level: unknown level \(logLevel)") }
        if let smtp, !(smtp.hasPrefix("smtp://") || smtp.hasPrefix("smtps://")) {
            throw ValidationError("--smtp must be an smtp:// or smtps:// URL")
        }
        if smtp != nil && mailFrom == nil { throw ValidationError("--smtp needs --mail-from ADDRESS") }
        try validateMail()
        if let publicURL, let problem = Self.publicURLProblem(publicURL) { throw ValidationError("--public-url: \(problem)") }
        _ = try givenMetricsToken()
    }

    /// What is wrong with a `--public-url`, which every mail link and each Message-ID are made of:
    /// a base URL as every other one shiplog takes (links append their paths), in printable ASCII
    /// (a header cannot carry more).
    static func publicURLProblem(_ url: String) -> String? {
        if let problem = Rules.baseURLProblem(url, appended: "the paths of mail links") { return problem }
        guard url.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            return "\(JSONWriter.quoted(url)) is not printable ASCII, which mail headers need: "
                + "write an internationalised domain in its xn-- form, other characters percent-encoded"
        }
        return nil
    }

    /// A mail setup that cannot work is a usage error (exit 64) naming its flag, found before the
    /// store is opened, like every other bad option.
    private func validateMail() throws {
        _ = try mailConfiguration()
        if let mailFrom {
            do { _ = try MailAddress(mailbox: mailFrom) } catch { throw ValidationError("--mail-from: \(error.message)") }
        }
    }

    /// Where mail goes (`--smtp`, its password from SHIPLOG_SMTP_PASSWORD), who it comes from and where
    /// its links point; nil without `--smtp`. The password may stay out of the command line (and so
    /// out of `ps`); only this layer reads the environment.
    func mailConfiguration() throws -> MailConfiguration? {
        guard let smtp else { return nil }
        let password = ProcessInfo.processInfo.environment["SHIPLOG_SMTP_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        do {
            return MailConfiguration(smtp: try SMTPConfiguration(url: smtp, password: password), from: mailFrom ?? "", publicURL: publicURL)
        } catch {
            let source = password == nil ? "" : " (the password given apart from the URL, by SHIPLOG_SMTP_PASSWORD)"
            throw ValidationError("--smtp: \(error.message)\(source)")
        }
    }

    /// The metrics token of `--metrics-token` or `SHIPLOG_METRICS_TOKEN` (which keeps it out of `ps`;
    /// only this layer reads the environment). `/metrics` is never rate-limited, so the token must
    /// be too long to guess: 16 to 256 visible ASCII characters.
    func givenMetricsToken() throws -> String? {
        let environment = ProcessInfo.processInfo.environment["SHIPLOG_METRICS_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        if metricsToken != nil && environment != nil {
            throw ValidationError("the metrics token was given twice: use --metrics-token or SHIPLOG_METRICS_TOKEN, not both")
        }
        guard let token = metricsToken ?? environment else { return nil }
        let source = metricsToken != nil ? "--metrics-token" : "SHIPLOG_METRICS_TOKEN"
        guard (16...256).contains(token.utf8.count), token.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw ValidationError("\(source) must be 16 to 256 visible ASCII characters (no spaces), e.g. from `openssl rand -hex 32`")
        }
        return token
    }

    func run() async throws {
        if let site, let inside = SiteFolder.holdsStore(site: site, db: store.db) {
            Console.error(
                "--site \(site) holds the store \(inside) (--db): everything in the site folder is served, the live database too; keep the store outside it"
            )
            throw ExitStatus.usage
        }
        let opened = try await store.open()
        var logger = Logger(label: "shiplog") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        var siteConfiguration: SiteConfiguration?
        if let site {
            let id = try await selectPage(opened, page)
            siteConfiguration = SiteConfiguration(
                page: id,
                options: SiteOptions(output: site, templates: try SharedFiles.templates(), templateOverrides: templates)
            )
        }
        let mail = try mailConfiguration()
        let configuration = ServerConfiguration(
            host: host,
            port: port,
            rateLimit: rateLimit,
            openAPIPath: try SharedFiles.openAPIDocument(),
            site: siteConfiguration,
            templates: try SharedFiles.templates(),
            templateOverrides: templates,
            mail: mail,
            webhooks: WebhookConfiguration(allowPrivateAddresses: allowPrivateWebhooks),
            timeouts: ConnectionTimeouts(
                header: .seconds(headerTimeout),
                idle: .seconds(idleTimeout),
                body: .seconds(bodyTimeout),
                request: .seconds(requestTimeout),
                write: .seconds(writeTimeout)
            ),
            metricsToken: try givenMetricsToken(),
            keepDelivered: keepDelivered.forever ? nil : .seconds(keepDelivered.seconds),
            outboxLease: Int64(outboxLease)
        )
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        do {
            try await ShiplogServer(store: opened, configuration: configuration, logger: logger).run { port in
                // A server whose stdout is gone keeps serving.
                try? Console.output("shiplog serving on http://\(host):\(port)")
            }
        } catch let error as SiteError {
            // The first build of --site failed (later ones are logged and retried): exit as `build` would.
            Console.error(error.message)
            throw error.kind == .template ? ExitStatus.badData : ExitStatus.io
        } catch let error as IOError {
            // The port is taken, or not ours to take: one line, as for any file that cannot be opened.
            Console.error("cannot listen on \(host):\(port): \(ServerClient.describe(error))")
            throw ExitStatus.io
        }
    }
}

/// Where the site folder and the store are, seen through symlinks.
enum SiteFolder {
    /// The store's path when the store (a SQLite file) is inside the site folder, else nil. Paths that
    /// do not exist yet are resolved from their nearest existing folder.
    static func holdsStore(site: String, db: String) -> String? {
        if db.hasPrefix("postgres://") || db.hasPrefix("postgresql://") { return nil }
        let folder = resolved(site)
        let store = resolved(db)
        return store.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/") ? store : nil
    }

    /// The absolute path with `.`, `..` and the symlinks of its existing part resolved.
    static func resolved(_ path: String) -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL
        var existing = absolute
        var rest: [String] = []
        while !FileManager.default.fileExists(atPath: existing.path), existing.path != "/" {
            rest.insert(existing.lastPathComponent, at: 0)
            existing.deleteLastPathComponent()
        }
        let real = existing.resolvingSymlinksInPath().path
        return ([real == "/" ? "" : real] + rest).joined(separator: "/")
    }
}
