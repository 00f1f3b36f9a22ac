import AsyncHTTPClient
import Crypto
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import ShiplogMacroSupport
import ShiplogStore

/// How webhook deliveries go out.
@MemberwiseInit
public struct WebhookConfiguration: Sendable {
    /// How long a receiver may take to accept a connection.
    public var connectTimeout: Duration = .seconds(5)
    /// How long a whole request may take, answer included.
    public var requestTimeout: Duration = .seconds(15)
    /// The first retry delay (seconds); each failure doubles it, up to ``maximumBackoff``.
    public var initialBackoff: Int64 = 2
    /// The longest wait between two attempts (seconds).
    public var maximumBackoff: Int64 = 3600
    /// Deliveries in flight at once (each to a different webhook).
    public var concurrency: Int = 8
    /// Whether webhooks may call loopback, private, link-local and metadata addresses
    /// (`serve --allow-private-webhooks`, for local setups and tests); false by default (SPEC §6.2).
    public var allowPrivateAddresses: Bool = false
}

/// Delivers the webhook queue: POSTs each webhook's oldest waiting delivery, signed (and, for a forwarding
/// format, authenticated as its service expects), and marks it
/// delivered only on a 2xx answer; anything else is retried with exponential backoff, forever (until
/// the webhook is deleted). A webhook's deliveries go out one at a time, in the order of their events.
/// Runs in the server's service group; deliveries queued by other processes are seen within a second.
/// A delivery that outlasts the lease (connect and request timeouts together exceed it) may be sent
/// again by another replica: receivers deduplicate on `X-Shiplog-Delivery`.
final class WebhookSender: Service, Sendable {
    let store: any Store
    let configuration: WebhookConfiguration
    let logger: Logger
    private let loop: OutboxLoop

    init(
        store: any Store,
        configuration: WebhookConfiguration = WebhookConfiguration(),
        lease: Int64 = ServerConfiguration.defaultOutboxLease,
        logger: Logger
    ) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
        loop = OutboxLoop(lease: lease)
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        .nanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    /// Looks at the queue now rather than at the next poll.
    func poke() { loop.poke() }

    /// The delay before retry number `attempts + 1`: 2 s, 4 s, 8 s … up to an hour.
    func backoff(attempts: Int) -> Int64 {
        min(configuration.maximumBackoff, configuration.initialBackoff << Int64(min(attempts, 30)))
    }

    /// `sha256=HEX`: the HMAC-SHA256 of the exact body bytes, keyed with the webhook's secret.
    static func signature(body: String, secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + code.map { String(format: "%02x", $0) }.joined()
    }

    /// `Basic …` for a URL that holds a user (`https://user:pass@host/…`, percent-decoded), as curl sends it.
    static func basicAuthorization(_ url: String) -> String? {
        guard let components = URLComponents(string: url), let user = components.user else { return nil }
        return "Basic " + Data("\(user):\(components.password ?? "")".utf8).base64EncodedString()
    }

    /// The HTTP client's settings: the timeouts, and no redirects (a receiver answers where it was registered).
    var httpConfiguration: HTTPClient.Configuration {
        var http = HTTPClient.Configuration()
        http.timeout = .init(connect: Self.timeAmount(configuration.connectTimeout), read: Self.timeAmount(configuration.requestTimeout))
        http.redirectConfiguration = .disallow
        http.decompression = .disabled
        return http
    }

    func run() async throws {
        // The client lives exactly as long as this service runs, and is shut down when it ends.
        try await HTTPClient.withHTTPClient(configuration: httpConfiguration) { client in
            await deliver(with: client)
        }
    }

    private func deliver(with client: HTTPClient) async {
        await loop.run { await deliverDue(with: client) }
    }

    /// Claims the due deliveries (one per webhook, ``OutboxLoop``: several replicas share the queue)
    /// and sends them concurrently, all started at once under the new lease; true when any was delivered.
    func deliverDue(with client: HTTPClient) async -> Bool {
        let due: [WebhookDelivery]
        do {
            due = try await store.claimWebhookDeliveries(limit: configuration.concurrency, lease: loop.newLease())
        } catch {
            // A store call cut short because the server stops is no error worth a line.
            if Task.isCancelled { return false }
            logger.error("webhooks: cannot read the queue: \(error)")
            return false
        }
        guard !due.isEmpty else { return false }
        return await withTaskGroup(of: Bool.self) { group in
            for delivery in due {
                group.addTask { await self.deliverChecked(delivery, shared: client) }
            }
            return await group.reduce(false) { $0 || $1 }
        }
    }

    /// One attempt, to an address checked just now unless private addresses are allowed (then
    /// through the shared client): the name is resolved, every address checked, and a client of
    /// its own connects to one of them, so DNS cannot answer differently between check and connect.
    func deliverChecked(_ delivery: WebhookDelivery, shared: HTTPClient) async -> Bool {
        if configuration.allowPrivateAddresses { return await deliver(delivery, with: shared) }
        var http = httpConfiguration
        do {
            http.dnsOverride = try await WebhookTarget.connection(for: delivery.url)
        } catch {
            await failed(delivery, status: nil, problem: error.description)
            return false
        }
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: http)
        let delivered = await deliver(delivery, with: client)
        try? await client.shutdown()
        return delivered
    }

    /// One attempt; true when the receiver took it.
    func deliver(_ delivery: WebhookDelivery, with client: HTTPClient) async -> Bool {
        var request = HTTPClientRequest(url: delivery.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "shiplog-webhooks/1")
        request.headers.add(name: "X-Shiplog-Event", value: delivery.event)
        request.headers.add(name: "X-Shiplog-Delivery", value: delivery.id)
        if !delivery.secret.isEmpty {
            request.headers.add(name: "X-Shiplog-Signature", value: Self.signature(body: delivery.body, secret: delivery.secret))
        }
        // A forwarding format authenticates as its service expects (SPEC §6.1).
        for (name, value) in WebhookForwarding.headers(delivery.format, delivery.settings) { request.headers.add(name: name, value: value) }
        if !request.headers.contains(name: "Authorization"), let basic = Self.basicAuthorization(delivery.url) {
            request.headers.add(name: "Authorization", value: basic)
        }
        request.body = .bytes(ByteBuffer(string: delivery.body))
        var status: Int?
        let problem: String
        do {
            let response = try await client.execute(request, timeout: Self.timeAmount(configuration.requestTimeout))
            status = Int(response.status.code)
            // Read (and drop) what the receiver says, so the connection can be reused.
            _ = try? await response.body.collect(upTo: 64 * 1024)
            if (200..<300).contains(response.status.code) {
                do {
                    try await store.markWebhookDelivered(delivery.seq, status: Int(response.status.code))
                } catch {
                    logger.error("webhook delivery \(delivery.id) went out but cannot be marked delivered: \(error)")
                    return false
                }
                return true
            }
            problem = "the receiver answered HTTP \(response.status.code)"
        } catch {
            problem = "cannot reach the receiver: \(error)"
        }
        await failed(delivery, status: status, problem: problem)
        return false
    }

    /// Records a failed attempt; the delivery is retried after the backoff.
    private func failed(_ delivery: WebhookDelivery, status: Int?, problem: String) async {
        let wait = backoff(attempts: delivery.attempts)
        logger.warning(
            "webhook \(delivery.webhookID) delivery \(delivery.id) (attempt \(delivery.attempts + 1)) failed, retried in \(wait) s: \(problem)"
        )
        try? await store.markWebhookFailed(delivery.seq, status: status, error: problem, retryAt: Int64(Date().timeIntervalSince1970) + wait)
        // Counted once stored, so /metrics never counts a failure that its queue gauges do not show yet.
        ServerMetrics.webhookFailed(format: delivery.format)
    }
}
