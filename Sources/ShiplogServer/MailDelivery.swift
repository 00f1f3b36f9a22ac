import Foundation
import Logging
import ServiceLifecycle
public import ShiplogMail
import ShiplogModel
import ShiplogSite
import ShiplogStore
import Synchronization

/// Why a delivery failed: `transient` is retried later, `permanent` is not (a rejected address),
/// `cancelled` when `beforeContent` gave the mail up (another replica holds it now).
enum DeliveryError: Error, Sendable {
    case transient(String)
    case permanent(String)
    case cancelled
}

/// Sends mail somewhere (an SMTP server).
protocol MailTransport: Sendable {
    /// Sends a mail; `beforeContent` is asked just before the content goes out (after the
    /// server accepted the envelope), and false gives the mail up.
    func deliver(_ message: MailMessage, beforeContent: @escaping @Sendable () async -> Bool) async throws(DeliveryError)
    func close() async
}

/// Where mail goes, where links in mail point and who mail comes from.
public struct MailConfiguration: Sendable {
    /// The SMTP server, read once from `smtp://USER:PASS@HOST:PORT` or `smtps://…` (``SMTPConfiguration/init(url:password:)``).
    public var smtp: SMTPConfiguration
    /// The `From` address.
    public var from: String
    /// The server's own address as mail links show it (`https://api.acme.example/`); nil: the address it listens on.
    public var publicURL: String?

    public init(smtp: SMTPConfiguration, from: String, publicURL: String?) {
        self.smtp = smtp
        self.from = from
        self.publicURL = publicURL.map { $0.hasSuffix("/") ? $0 : $0 + "/" }
    }
}

/// Delivers the outbox: claims due mail oldest first (``OutboxLoop``: several replicas share the
/// outbox), renders it, sends it, and marks it sent only after the server accepted it. Transient
/// failures are retried with exponential backoff (from 5 s to an hour); permanent ones are given up
/// and recorded. Runs in the server's service group and finishes the mail in hand on shutdown.
final class MailDelivery: Service, Sendable {
    let snapshots: Snapshots
    let messages: MessageRenderer
    let transport: any MailTransport
    let configuration: MailConfiguration
    /// The configured `From`, read once.
    let from: MailAddress
    let logger: Logger
    /// Where links point: the configured public URL, else the address the server listens on (known once it runs).
    private let ownURL: Mutex<String>
    private let loop: OutboxLoop
    /// When mail left `sending` by stopped replicas was last looked for (Unix seconds).
    private let lastAbandonedSweep = Mutex<Int64>(0)

    var store: any Store { snapshots.store }

    struct ConfigurationError: Error, CustomStringConvertible {
        var description: String
    }

    init(
        snapshots: Snapshots,
        messages: MessageRenderer,
        transport: any MailTransport,
        configuration: MailConfiguration,
        lease: Int64 = ServerConfiguration.defaultOutboxLease,
        logger: Logger
    ) throws(ConfigurationError) {
        do {
            from = try MailAddress(mailbox: configuration.from)
        } catch {
            throw ConfigurationError(description: "--mail-from: \(error)")
        }
        self.snapshots = snapshots
        self.messages = messages
        self.transport = transport
        self.configuration = configuration
        self.logger = logger
        ownURL = Mutex(configuration.publicURL ?? "http://localhost/")
        loop = OutboxLoop(lease: lease)
    }

    /// Tells where the server listens, for links when no public URL was configured.
    func listening(host: String, port: Int) {
        guard configuration.publicURL == nil else { return }
        ownURL.withLock { $0 = "http://\(host.contains(":") ? "[\(host)]" : host):\(port)/" }
    }

    var publicURL: String { ownURL.withLock { $0 } }

    /// Looks at the outbox now rather than at the next poll.
    func poke() { loop.poke() }

    /// The delay before retry number `attempts + 1`.
    static func backoff(attempts: Int) -> Int64 { min(3600, 5 << min(attempts, 20)) }

    func run() async throws {
        await loop.run { await deliverDue() }
        await transport.close()
    }

    /// Mails claimed at once.
    static let batch = 100

    /// Claims a batch of due mail and sends it; true when there may be more at once. What this
    /// replica claimed but did not attempt (shutdown, a failing server, half of the lease gone) is
    /// given back, so other replicas need not wait for the lease to end.
    func deliverDue() async -> Bool {
        await giveUpAbandonedMail()
        let lease = loop.newLease()
        let due: [OutboxMail]
        do {
            due = try await store.claimMail(limit: Self.batch, lease: lease)
        } catch {
            // A store call cut short because the server stops is no error worth a line.
            if Task.isCancelled { return false }
            logger.error("mail: cannot read the outbox: \(error)")
            return false
        }
        // Pages read again in this batch: mail queued by another process (`shiplog import`) can be
        // due before the store watcher reloaded the page it is about.
        var reloaded: Set<String> = []
        for (index, mail) in due.enumerated() {
            if Task.isShuttingDownGracefully || !loop.mayStart(under: lease) {
                try? await store.releaseMail(due[index...].map(\.id), owner: lease.owner)
                return !Task.isShuttingDownGracefully
            }
            do {
                var rendered = try render(mail)
                if rendered == nil, reloaded.insert(mail.subscriber.page).inserted {
                    try? await snapshots.reload(mail.subscriber.page)
                    rendered = try render(mail)
                }
                guard let message = rendered else {
                    ServerMetrics.mailFailed("gone")
                    try? await store.markFailed(mail: mail.id, error: "the release no longer exists", retryAt: nil)
                    continue
                }
                // Recorded as `sending` (committed) before the content goes out: a replica killed
                // after the server accepted it leaves it `sending`, which no replica sends again.
                try await transport.deliver(message) { [store] in
                    (try? await store.markSending(mail: mail.id, owner: lease.owner)) == true
                }
                try await store.markSent(mail: mail.id)
            } catch let error as DeliveryError {
                switch error {
                case .cancelled:
                    logger.warning("mail \(mail.id): no longer held by this replica; left to the one that holds it")
                case .permanent(let reason):
                    logger.warning("mail \(mail.id) to subscriber \(mail.subscriber.id) failed for good: \(reason)")
                    ServerMetrics.mailFailed("permanent")
                    try? await store.markFailed(mail: mail.id, error: reason, retryAt: nil)
                case .transient(let reason):
                    let retry = Int64(Date().timeIntervalSince1970) + Self.backoff(attempts: mail.attempts)
                    logger.warning("mail \(mail.id) will be retried (attempt \(mail.attempts + 1)): \(reason)")
                    ServerMetrics.mailFailed("transient")
                    try? await store.markFailed(mail: mail.id, error: reason, retryAt: retry)
                    // The server is likely down: stop this batch, try again on the next wake.
                    try? await store.releaseMail(due[(index + 1)...].map(\.id), owner: lease.owner)
                    return false
                }
            } catch {
                // The mail went out but is not marked sent: it stays `sending`, and is never sent again.
                logger.error("mail \(mail.id): \(error)")
                try? await store.releaseMail(due[(index + 1)...].map(\.id), owner: lease.owner)
                return false
            }
        }
        return due.count == Self.batch
    }

    /// Every 30 s, gives up the mail that replicas which stopped left `sending` once its lease is
    /// over (``Store/giveUpAbandonedMail(owner:)``), so that it counts as failed, with why.
    func giveUpAbandonedMail() async {
        let now = Int64(Date().timeIntervalSince1970)
        let due = lastAbandonedSweep.withLock { last in
            guard now - last >= 30 else { return false }
            last = now
            return true
        }
        guard due else { return }
        do {
            let abandoned = try await store.giveUpAbandonedMail(owner: nil)
            if abandoned > 0 {
                logger.warning("\(abandoned) mail(s) were being handed to the SMTP server when their replica stopped: marked failed, not sent again")
            }
        } catch {
            // A store call cut short because the server stops is no error worth a line.
            if !Task.isCancelled { logger.error("mail: cannot look for mail left by stopped replicas: \(error)") }
        }
    }

    /// The mail as it goes out; nil when what it is about is gone.
    ///
    /// - Throws: `permanent` when the subscriber's address cannot be sent to.
    func render(_ mail: OutboxMail) throws(DeliveryError) -> MailMessage? {
        guard let snapshot = snapshots[mail.subscriber.page] else { return nil }
        let page = snapshot.data.page
        let base = publicURL + "v1/pages/\(page.id)/"
        let unsubscribeURL = base + "unsubscribe?token=\(mail.subscriber.unsubscribeToken)"
        let rendered: RenderedMail
        switch mail.kind {
        case .confirmation:
            guard let token = mail.confirmationToken else { return nil }
            rendered = messages.confirmationMail(
                page: page,
                preferences: mail.subscriber.preferences,
                confirmURL: base + "subscribers/confirm?token=\(token)",
                unsubscribeURL: unsubscribeURL
            )
        case .unsubscribe:
            rendered = messages.unsubscribeMail(page: page, unsubscribeURL: unsubscribeURL)
        case .release:
            guard let reference = mail.release, let index = snapshot.catalog.releaseIndex[reference],
                let componentIndex = snapshot.catalog.componentIndex[reference.component]
            else { return nil }
            let release = snapshot.data.releases[index]
            let path = MessageRenderer.releasePath(release)
            let releaseURL = page.baseURL.map { ($0.hasSuffix("/") ? $0 : $0 + "/") + path } ?? publicURL + path
            rendered = messages.releaseMail(
                page: page,
                component: snapshot.data.components[componentIndex],
                release: release,
                bump: mail.bump ?? snapshot.catalog.bumps[index],
                releaseURL: releaseURL,
                unsubscribeURL: unsubscribeURL
            )
        }
        let to: MailAddress
        do { to = try MailAddress(mail.subscriber.email) } catch { throw .permanent("\(error)") }
        return MailMessage(
            from: from,
            to: [to],
            subject: rendered.subject,
            text: rendered.text,
            html: rendered.html,
            // Stable (the same on every attempt), so a receiver can drop a duplicate.
            messageID: "shiplog.\(page.id).\(mail.id).\(mail.createdAt)@\(Self.host(publicURL))",
            headers: [
                MailHeader("List-Unsubscribe", "<\(unsubscribeURL)>"), MailHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
            ]
        )
    }

    /// The host of a link base, as the right side of a Message-ID: a name, an IPv4 address, or an
    /// IPv6 address as the domain literal `[::1]` (RFC 5322 §3.6.4), brackets and all.
    static func host(_ url: String) -> String {
        guard let host = URLAuthority(url: url)?.host, !host.isEmpty else { return "localhost" }
        return String(host)
    }
}
