import Foundation
import Hummingbird
public import Logging
import NIOCore
import ServiceLifecycle
import ShiplogEmbedded
import ShiplogMacroSupport
import ShiplogModel
import ShiplogSite
public import ShiplogStore
import UnixSignals

/// How `shiplog serve` runs.
@MemberwiseInit
public struct ServerConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    public var port: Int = 8080
    /// Requests a minute per key (anonymous: per client address); 0 turns limits off.
    public var rateLimit: Int = 60
    /// The OpenAPI document (YAML) served at `/openapi.json`; nil: the one built into the binary.
    public var openAPIPath: String?
    /// The static site to serve and keep built, if any.
    public var site: SiteConfiguration?
    /// The theme (mail templates and the server's own pages; nil: the built-in theme) and its overrides.
    public var templates: String?
    public var templateOverrides: String?
    /// Where subscription and release mail goes; without it mail stays queued.
    public var mail: MailConfiguration?
    /// Subscription requests a minute per client address (none limited when `rateLimit` is 0).
    public var subscribeLimit: Int = 10
    /// Timeouts and backoff of webhook deliveries.
    public var webhooks: WebhookConfiguration = WebhookConfiguration()
    /// How long a connection may wait for a head, idle or stall its body (SPEC §6.2).
    public var timeouts: ConnectionTimeouts = ConnectionTimeouts()
    /// The bearer token of `GET /metrics`; without one the route does not exist (404).
    public var metricsToken: String?
    /// How long sent mail and delivered webhook deliveries are kept (pruned at start, then hourly);
    /// nil keeps them for ever.
    public var keepDelivered: Duration? = .seconds(30 * 86_400)
    /// Seconds a replica holds the outbox mail and webhook deliveries it claimed; a replica that
    /// died leaves them to the others when this ends (SPEC §8).
    public var outboxLease: Int64 = ServerConfiguration.defaultOutboxLease

    /// Two minutes: a delivery starts only with half of it left, one SMTP reply's timeout.
    public static let defaultOutboxLease: Int64 = 120
}

/// The server of SPEC §6 on Hummingbird, run in a service group that shuts down gracefully on
/// SIGTERM and SIGINT: it stops accepting connections and lets requests in flight finish.
///
/// ```swift
/// try await ShiplogServer(store: store, configuration: configuration, logger: logger).run()
/// ```
@MemberwiseInit
public struct ShiplogServer: Sendable {
    let store: any Store
    let configuration: ServerConfiguration
    let logger: Logger

    /// Serves until a shutdown signal; `onListening` gets the bound port (useful with port 0).
    public func run(onListening: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        let snapshots = Snapshots(store: store, logger: logger)
        let replicated = store as? any ReplicatedStore
        // What a replica's feed compares with when it starts: pages loaded since need no reload.
        let loadedAt = replicated == nil ? nil : try? await store.changeCounter()
        try await snapshots.reloadAll()
        let keys = KeyRing(store: store)
        let siteBuilder = configuration.site.map { SiteRebuilder(configuration: $0, snapshots: snapshots, logger: logger) }
        if let siteBuilder { try await siteBuilder.buildNow() }
        let openAPI =
            try configuration.openAPIPath.map(OpenAPIDocument.json(fromYAMLAt:))
            ?? OpenAPIDocument.json(fromYAML: EmbeddedTheme.openAPIDocument, source: "the built-in openapi.yaml")
        let messages = try MessageRenderer(directory: configuration.templates, overrides: configuration.templateOverrides)
        let delivery: MailDelivery? = try configuration.mail.map { mail in
            try MailDelivery(
                snapshots: snapshots,
                messages: messages,
                transport: SMTPTransport(configuration: mail, logger: logger),
                configuration: mail,
                lease: configuration.outboxLease,
                logger: logger
            )
        }
        let webhookSender = WebhookSender(store: store, configuration: configuration.webhooks, lease: configuration.outboxLease, logger: logger)
        if delivery == nil { logger.notice("no --smtp given: subscription and release mail is queued in the store, not sent") }
        let notify: @Sendable (String) async -> Void = { page in
            siteBuilder?.schedule(page)
            delivery?.poke()
            webhookSender.poke()
        }
        // Every committed write of a page is announced to the other replicas of a shared store.
        let announce: @Sendable (StoreChange) async -> Void = { change in await replicated?.announce(change) }
        let changed: @Sendable (String) async -> Void = { page in
            await snapshots.refresh(page)
            await announce(StoreChange(page: page, subject: .page))
            await notify(page)
        }
        // One gate for every deployment and release write applied in place, so that their changes
        // (and the other replicas' ones) reach the page in commit order.
        let deploymentChanges = DeploymentChanges(snapshots: snapshots, announce: announce)
        let follower: any Service =
            if let replicated {
                ReplicaChanges(
                    store: replicated,
                    snapshots: snapshots,
                    changes: deploymentChanges,
                    keys: keys,
                    logger: logger,
                    loadedAt: loadedAt
                ) { page in
                    if let page { siteBuilder?.schedule(page) } else { siteBuilder?.scheduleAll() }
                }
            } else {
                StoreWatcher(snapshots: snapshots, keys: keys, logger: logger) { siteBuilder?.scheduleAll() }
            }

        let limiter = configuration.rateLimit > 0 ? RateLimiter(limit: configuration.rateLimit) : nil
        let router = Self.makeRouter(
            store: store,
            snapshots: snapshots,
            keys: keys,
            limiter: limiter,
            configuration: configuration,
            openAPI: openAPI,
            messages: messages,
            deploymentChanges: deploymentChanges,
            notify: notify,
            changed: changed,
            mailQueued: { delivery?.poke() },
            logger: logger
        )

        // What a predecessor killed on this machine held goes out now, not when its leases end.
        await Replica.takeOverGoneReplicas(store: store, logger: logger)
        var services: [any Service] = [follower, webhookSender]
        if let siteBuilder { services.append(siteBuilder) }
        if let delivery { services.append(delivery) }
        if let keep = configuration.keepDelivered { services.append(DeliveredPruner(store: store, keep: keep, logger: logger)) }
        let app = Application(
            router: router,
            server: .guardedHTTP1(
                timeouts: configuration.timeouts,
                fastPath: VersionAnswerer(
                    snapshots: snapshots,
                    keys: keys,
                    limiter: limiter,
                    logger: logger,
                    counter: configuration.metricsToken == nil ? nil : FastPathCounter()
                ),
                additionalChannelHandlers: [ParserErrorHandler()]
            ),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: nil,
                availableConnectionsDelegate: .maximum(ConnectionLimit.current(), logger: logger)
            ),
            services: services,
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                delivery?.listening(host: configuration.host, port: port)
                onListening(port)
            },
            logger: logger
        )
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }
}

/// Notices changes made to the embedded store by other processes (`shiplog import`, `keys revoke`
/// …) and reloads the snapshots, so the server never answers from stale data for more than a
/// second. SQLite's counter (`PRAGMA data_version`) ignores this process's own commits. A shared
/// store has ``ReplicaChanges`` instead.
struct StoreWatcher: Service {
    let snapshots: Snapshots
    let keys: KeyRing
    let logger: Logger
    let onChange: @Sendable () -> Void

    func run() async throws {
        try? await cancelWhenGracefulShutdown { try await watch() }
    }

    private func watch() async throws {
        var last = try? await snapshots.store.changeCounter()
        while !Task.isCancelled {
            try await Task.sleep(for: .seconds(1))
            guard let counter = try? await snapshots.store.changeCounter(), counter != last else { continue }
            keys.forget()
            do {
                try await snapshots.reloadAll()
                last = counter
                onChange()
            } catch {
                logger.error("cannot reload the store: \(error)")
            }
        }
    }
}
