import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Prometheus
import ShiplogModel
import ShiplogStore

/// `GET /metrics` (SPEC §6.1): the server's metrics in the Prometheus text format, for the holder of
/// the metrics token (`serve --metrics-token`, or `SHIPLOG_METRICS_TOKEN`). The route exists only
/// when a token is configured (404 otherwise); a request without `Authorization: Bearer TOKEN`
/// gets 401. It is never rate-limited (``GateMiddleware``), so a scraper never loses a sample.
///
/// The answer holds what ``ServerMetrics`` recorded since the process started, then what is read
/// at scrape time: the mail outbox and the webhook queue from the store, and the newest deployment
/// of each component in each environment from the in-memory pages.
struct MetricsRoute: Sendable {
    let token: String
    let snapshots: Snapshots

    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    func register(on router: Router<ShiplogContext>) {
        router.get("metrics") { request, _ in try await respond(request) }
    }

    func respond(_ request: Request) async throws -> Response {
        guard Self.authorized(request.headers[.authorization], token: token) else {
            throw APIError(
                .unauthorized,
                "unauthorized",
                "the metrics token is needed: send it as \"Authorization: Bearer TOKEN\"",
                headers: [.wwwAuthenticate: "Bearer"]
            )
        }
        let scraped = try await scrape()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16 * 1024)
        ServerMetrics.registry.emit(into: &bytes)
        scraped.emit(into: &bytes)
        return Response(
            status: .ok,
            headers: [.contentType: Self.contentType, .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }

    /// Whether an `Authorization` header is `Bearer TOKEN` (the scheme in any case). The digests are
    /// compared in constant time, so the answer's timing tells nothing of the token, not even its length.
    static func authorized(_ header: String?, token: String) -> Bool {
        guard let header else { return false }
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard trimmed.count > 7, trimmed.prefix(7).lowercased() == "bearer " else { return false }
        let presented = trimmed.dropFirst(7).trimmingCharacters(in: .whitespaces)
        return SHA256.hash(data: Data(presented.utf8)) == SHA256.hash(data: Data(token.utf8))
    }

    /// The values read now, in a registry of their own, so a deployment or page that is gone leaves
    /// no stale series behind.
    func scrape() async throws -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        func gauge(_ subsystem: String, _ name: String, _ help: String, _ labels: [(String, String)] = []) -> Gauge {
            let descriptor = MetricNameDescriptor(namespace: "shiplog", subsystem: subsystem, metricName: name, unitName: "", helpText: help)
            return labels.isEmpty ? registry.makeGauge(descriptor: descriptor) : registry.makeGauge(descriptor: descriptor, labels: labels)
        }
        let store = snapshots.store
        let mail = try await store.outboxCounts(page: nil)
        gauge("mail", "queued", "Mails waiting in the outbox (retries included).").set(to: Double(mail.queued))
        gauge("mail", "failed", "Mails given up after failing for good.").set(to: Double(mail.failed))
        let hooks = try await store.webhookQueueCounts()
        gauge("webhook", "deliveries_queued", "Webhook deliveries waiting (retries included).").set(to: Double(hooks.queued))
        gauge("webhook", "deliveries_failing", "Waiting webhook deliveries whose last attempt failed.").set(to: Double(hooks.failing))
        let help = "1 for the newest deployment of each component in each environment, with its version and status."
        for page in snapshots.pageIDs.sorted() {
            guard let data = snapshots[page]?.data else { continue }
            var newest: [String: Deployment] = [:]
            for deployment in data.deployments { newest[deployment.environment + "\u{0}" + deployment.component] = deployment }
            for key in newest.keys.sorted() {
                guard let deployment = newest[key] else { continue }
                let labels = [
                    ("page", page), ("environment", deployment.environment), ("component", deployment.component),
                    ("version", deployment.version), ("status", deployment.status.rawValue),
                ]
                gauge("deployment", "current", help, labels).set(to: 1)
            }
        }
        return registry
    }
}
