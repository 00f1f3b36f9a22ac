import CoreMetrics
import HTTPTypes
import Hummingbird
import Prometheus
import ShiplogModel
import ShiplogStore

/// What `GET /metrics` shows (SPEC §6.1), recorded through swift-metrics into one Prometheus
/// registry per process.
///
/// swift-metrics takes one backend per process (`MetricsSystem.bootstrap`), however many servers
/// a process runs (tests start several), so the registry is process-wide and bootstrapped on first
/// use, by the first server started with a metrics token. Until then every metric is swift-metrics'
/// no-op and costs nothing.
///
/// - Requests: Hummingbird's `MetricsMiddleware`, by route pattern (`/api/v1/pages/{page}/releases`,
///   never the raw path; `NotFound` for paths no route takes, `SiteFiles` for the `--site` files,
///   `Unknown` for answers given before routing), method and status. Its names are renamed to Prometheus' conventions (``renamed``).
/// - Deployments and releases: counted from the store's committed events (``CommittedEvents``), so
///   every route that records a deployment, changes its status or publishes a release counts.
/// - Delivery failures: counted by the mail and webhook delivery loops.
/// - Outbox depth and current deployments: read when `/metrics` is scraped (``MetricsRoute``).
enum ServerMetrics {
    /// The process's registry, swift-metrics' backend from the first use on.
    static var registry: PrometheusCollectorRegistry { bootstrapped }

    private static let bootstrapped: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.nameAndLabelSanitizer = { name, labels in
            // Hummingbird keeps an error counter beside every route and status it sees, but errors
            // become JSON answers before they reach it, so they would all stay at 0: one total is kept.
            if name == "hb.request.errors" { return ("shiplog_http_request_errors_total", []) }
            return (renamed[name] ?? name, labels.map { (renamedLabels[$0.0] ?? $0.0, $0.1) })
        }
        MetricsSystem.bootstrap(factory)
        CommittedEvents.observe { count(page: $0, event: $1, data: $2) }
        return registry
    }()

    /// Hummingbird's metric names (OpenTelemetry style) as Prometheus names.
    static let renamed = [
        "hb.requests": "shiplog_http_requests_total",
        "http.server.request.duration": "shiplog_http_request_duration_seconds",
        "http.server.active_requests": "shiplog_http_requests_active",
    ]

    static let renamedLabels = [
        "http.route": "route",
        "http.request.method": "method",
        "http.response.status_code": "status",
    ]

    /// Counts a committed event: deployments recorded or changed, releases published.
    static func count(page: String, event: EventKind, data: JSONValue) {
        func text(_ key: String) -> String {
            guard case .string(let value)? = data[key] else { return "" }
            return value
        }
        switch event {
        case .deploymentCreated, .deploymentUpdated:
            let dimensions = [("page", page), ("environment", text("environment")), ("component", text("component")), ("status", text("status"))]
            CoreMetrics.Counter(label: "shiplog_deployments_total", dimensions: dimensions).increment()
        case .releasePublished:
            CoreMetrics.Counter(label: "shiplog_releases_published_total", dimensions: [("page", page), ("component", text("component"))]).increment()
        case .releaseYanked, .buildRequested:
            break
        }
    }

    /// A failed attempt to send a mail: `transient` (retried), `permanent` (given up) or `gone`
    /// (what it was about no longer exists).
    static func mailFailed(_ kind: String) {
        CoreMetrics.Counter(label: "shiplog_mail_delivery_failures_total", dimensions: [("kind", kind)]).increment()
    }

    /// A failed attempt to deliver to a webhook (it is retried).
    static func webhookFailed(format: WebhookFormat) {
        CoreMetrics.Counter(label: "shiplog_webhook_delivery_failures_total", dimensions: [("format", format.rawValue)]).increment()
    }
}

/// Counts the requests that ``VersionFastPath`` answers ahead of the router (the version and the
/// update routes), in the same series as the router's requests of that route
/// (`shiplog_http_requests_total`): an atomic increment each. Their durations are not recorded
/// (that needs two clock reads and a histogram lock on the hottest path), so
/// `shiplog_http_request_duration_seconds` holds only the requests the router answered.
struct FastPathCounter: Sendable {
    private let ok: CoreMetrics.Counter
    private let notModified: CoreMetrics.Counter

    init() {
        _ = ServerMetrics.registry
        ok = Self.counter(.ok, route: VersionRoute.path)
        notModified = Self.counter(.notModified, route: VersionRoute.path)
    }

    func count(_ status: HTTPResponse.Status, route: FastQuestion.Route) {
        guard route == .version else {
            Self.counter(status, route: route == .tauri ? UpdateRoutes.tauriPath : UpdateRoutes.squirrelPath).increment()
            return
        }
        switch status {
        case .ok: ok.increment()
        case .notModified: notModified.increment()
        default: Self.counter(status, route: VersionRoute.path).increment()
        }
    }

    /// The counter `MetricsMiddleware` keeps for `route` and `status`.
    private static func counter(_ status: HTTPResponse.Status, route: RouterPath) -> CoreMetrics.Counter {
        CoreMetrics.Counter(
            label: "hb.requests",
            dimensions: [
                ("http.route", route.description),
                ("http.request.method", HTTPRequest.Method.get.description),
                ("http.response.status_code", status.code.description),
            ]
        )
    }
}
