import Hummingbird
import Logging
import NIOCore
import ShiplogModel
import ShiplogSite
import ShiplogStore

extension ShiplogServer {
    /// The server's router: its middleware stack and every route group, in the order `run` serves
    /// them. The in-process tests build the same router (Tests/ShiplogServerTests/*RouterTests).
    ///
    /// - Parameters:
    ///   - limiter: the per-key rate limit of the gate; nil when limits are off.
    ///   - openAPI: the JSON served at `/openapi.json`.
    ///   - notify: told of a page after a write applied in place (site, mail, webhooks).
    ///   - changed: told of a page after a write that reloads it.
    ///   - mailQueued: told when a subscription queued a mail.
    static func makeRouter(
        store: any Store,
        snapshots: Snapshots,
        keys: KeyRing,
        limiter: RateLimiter?,
        configuration: ServerConfiguration,
        openAPI: String,
        messages: MessageRenderer,
        deploymentChanges: DeploymentChanges,
        notify: @escaping @Sendable (String) async -> Void,
        changed: @escaping @Sendable (String) async -> Void,
        mailQueued: @escaping @Sendable () -> Void,
        logger: Logger
    ) -> Router<ShiplogContext> {
        // HEAD on every GET route (RFC 9110 §9.3.2): the GET's status and headers, no body. Link checkers
        // and image proxies probe badges and the version and update endpoints with it.
        let router = Router(context: ShiplogContext.self, options: .autoGenerateHeadEndpoints)
        // First, so it sees every answer (429s and errors included); it labels requests by route pattern.
        if configuration.metricsToken != nil { router.add(middleware: MetricsMiddleware<ShiplogContext>()) }
        router.add(middleware: RequestLogMiddleware(logger: logger))
        router.add(middleware: ReleasePageHeaderMiddleware())
        router.add(
            middleware: CORSMiddleware(
                allowOrigin: .all,
                allowHeaders: [.accept, .authorization, .contentType, .origin, .ifNoneMatch, IdempotencyMiddleware.header],
                allowMethods: [.get, .post, .put, .patch, .delete, .options, .head],
                exposedHeaders: ExposeHeadersMiddleware.names,
                maxAge: .seconds(3600)
            )
        )
        router.add(middleware: ExposeHeadersMiddleware())
        if let site = configuration.site {
            router.add(middleware: SiteFilesMiddleware(root: site.output, page: site.page, snapshots: snapshots, keys: keys, logger: logger))
        }
        router.add(middleware: GateMiddleware(keys: keys, limiter: limiter, logger: logger))
        router.add(middleware: JSONErrorMiddleware(logger: logger))
        router.add(middleware: IdempotencyMiddleware(store: store, logger: logger))
        let health: @Sendable (Request, ShiplogContext) async throws -> Response = { _, _ in
            _ = try await store.changeCounter()
            return JSONResponse.make(.object([JSONMember("status", .string("ok"))]))
        }
        router.get("health", use: health)
        router.head("health") { request, context in try await health(request, context).createHeadResponse() }
        router.get("openapi.json") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/json; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: openAPI))
            )
        }
        if let token = configuration.metricsToken { MetricsRoute(token: token, snapshots: snapshots).register(on: router) }
        VersionRoute(snapshots: snapshots).register(on: router)
        UpdateRoutes(snapshots: snapshots).register(on: router)
        BadgeRoutes(snapshots: snapshots).register(on: router)
        let writes = InPlaceWrites(changes: deploymentChanges, notify: notify)
        PageRoutes(snapshots: snapshots, changed: changed, releaseWrites: writes).register(on: router)
        ActiveReleaseRoutes(snapshots: snapshots, changed: changed).register(on: router)
        DeploymentRoutes(snapshots: snapshots, changed: changed, writes: writes).register(on: router)
        DeploymentByIDRoutes(snapshots: snapshots, changed: changed, writes: writes).register(on: router)
        SiteRoutes(snapshots: snapshots, changed: changed).register(on: router)
        AviatorRoutes(snapshots: snapshots, changed: changed, writes: writes).register(on: router)
        ReleaseBitsRoutes(snapshots: snapshots, changed: changed, writes: writes).register(on: router)
        SubscriptionRoutes(
            snapshots: snapshots,
            messages: messages,
            limiter: configuration.rateLimit > 0 ? RateLimiter(limit: configuration.subscribeLimit) : nil,
            mailQueued: mailQueued
        ).register(on: router)
        WebhookRoutes(snapshots: snapshots, allowPrivateAddresses: configuration.webhooks.allowPrivateAddresses).register(on: router)
        ReleasePilotRoutes(
            pages: PageRoutes(snapshots: snapshots, changed: changed, releaseWrites: writes),
            sites: SiteRoutes(snapshots: snapshots, changed: changed)
        )
        .register(on: router)
        // Dialects (SPEC §7), after the native groups: each adds its error shapes for its own routes.
        AppReleaseRoutes(snapshots: snapshots, changed: changed, logger: logger, releaseWrites: writes).register(on: router)
        return router
    }
}
