import Foundation
import Hummingbird
import HummingbirdTesting
import Prometheus
import ShiplogModel
import ShiplogStore
import Testing

@testable import ShiplogServer

/// What `/metrics` counts outside of HTTP (Tests/api/test_metrics.py drives the rest through the
/// real server): the metrics token check, and deployments and releases counted from the store's
/// committed changes into the process-wide registry.
@Suite struct MetricsTests {
    @Test func onlyTheBearerTokenIsTaken() {
        let token = "metrics-0123456789abcdef"
        #expect(MetricsRoute.authorized("Bearer \(token)", token: token))
        #expect(MetricsRoute.authorized("bearer  \(token) ", token: token))
        for header in [nil, token, "Bearer", "Bearer ", "Basic \(token)", "Bearer \(token)x", "Bearer x\(token)", "Bearer \(token.dropLast())"] {
            #expect(!MetricsRoute.authorized(header, token: token), "\(header ?? "no header")")
        }
    }

    /// The value of one series in the registry's text, nil when it is not there.
    private static func value(_ series: String) -> Double? {
        let text = ServerMetrics.registry.emitToString()
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    private static func data(page: String, versions: [String]) throws -> ReleaseData {
        let releases = versions.map { #"{"component": "api", "version": "\#($0)", "published_at": "2024-01-01T00:00:00Z"}"# }
        let json = """
            {"page": {"id": "\(page)", "title": "T"}, "components": [{"slug": "api"}],
             "environments": [{"name": "staging"}], "releases": [\(releases.joined(separator: ","))]}
            """
        return try DataLoader.load([DataSource(name: "data.json", bytes: Array(json.utf8))]).data
    }

    @Test func committedChangesAreCounted() async throws {
        _ = ServerMetrics.registry
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("s.db").path)
        // The registry is the process's: a page of its own keeps other tests' counts apart.
        let page = "metrics-" + UUID().uuidString.lowercased()
        try await store.importData(Self.data(page: page, versions: ["1.0.0"]))
        try await store.importData(Self.data(page: page, versions: ["1.0.0", "1.1.0"]))
        let release = ReleaseReference(component: "api", version: "1.1.0")
        _ = try await store.addDeployment(Deployment(component: "api", version: "1.1.0", environment: "staging", status: .inProgress), page: page)
        _ = try await store.updateDeployment(release, environment: "staging", status: .success, page: page)
        // The status it already has: no change, not counted.
        _ = try await store.updateDeployment(release, environment: "staging", status: .success, page: page)
        await #expect(throws: StoreError.self) {
            _ = try await store.addDeployment(Deployment(component: "api", version: "9.9.9", environment: "staging"), page: page)
        }

        let deployments = "shiplog_deployments_total{page=\"\(page)\",environment=\"staging\",component=\"api\",status="
        #expect(Self.value(deployments + "\"in_progress\"}") == 1)
        #expect(Self.value(deployments + "\"success\"}") == 1)
        // Published once each, by the imports (1.0.0 was already published the second time).
        #expect(Self.value("shiplog_releases_published_total{page=\"\(page)\",component=\"api\"}") == 2)
    }

    /// Hummingbird's test servers, several in one process, each with metrics on: the metrics system
    /// is bootstrapped once, every server records into the one registry, and each judges its own token.
    @Test func severalServersInOneProcess() async throws {
        try await CommittedWriteTests.withStore { store, _ in
            let snapshots = Snapshots(store: store, logger: CommittedWriteTests.quiet)
            try await snapshots.reloadAll()
            let scrapes = "shiplog_http_requests_total{route=\"/metrics\",method=\"GET\",status=\"200\"}"
            for server in 0..<3 {
                let token = "token-of-server-\(server)-0123456789"
                let router = Router(context: ShiplogContext.self)
                router.add(middleware: MetricsMiddleware<ShiplogContext>())
                router.add(middleware: JSONErrorMiddleware(logger: CommittedWriteTests.quiet))
                MetricsRoute(token: token, snapshots: snapshots).register(on: router)
                let app = Application(router: router, logger: CommittedWriteTests.quiet)
                try await app.test(.router) { client in
                    let before = Self.value(scrapes) ?? 0
                    let answer = try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer \(token)"])
                    #expect(answer.status == .ok)
                    #expect(answer.headers[.contentType] == MetricsRoute.contentType)
                    #expect(String(buffer: answer.body).contains("shiplog_mail_queued 0"))
                    let other = try await client.execute(
                        uri: "/metrics",
                        method: .get,
                        headers: [.authorization: "Bearer token-of-server-9-0123456789"]
                    )
                    #expect(other.status == .unauthorized)
                    // Other tests of this process may scrape too: at least this one is counted.
                    #expect((Self.value(scrapes) ?? 0) >= before + 1)
                }
            }
        }
    }
}
