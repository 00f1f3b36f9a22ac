import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ShiplogModel
import Testing

@testable import ShiplogServer

/// `/health`, `/openapi.json` (OpenAPIDocument) and `/metrics` (MetricsRoute) through the server's
/// router, as Tests/api/test_api.py and test_metrics.py drive them; and the gate's rate limit.
@Suite struct MetricsHealthRouterTests {
    @Test("health is 200 JSON ok (HEAD too); openapi.json is the document as JSON")
    func healthAndOpenAPI() async throws {
        try await H.test { harness, client in
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .ok)
            #expect(health.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(health.json["status"] == .string("ok"))
            let head = try await client.execute(uri: "/health", method: .head)
            #expect(head.status == .ok && head.body.readableBytes == 0)
            let openAPI = try await client.execute(uri: "/openapi.json", method: .get)
            #expect(openAPI.status == .ok)
            #expect(openAPI.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(openAPI.json["openapi"]?.string?.hasPrefix("3.") == true)
            #expect(openAPI.json["paths"]?["/v1/pages/{page}/version"] != nil)
        }
    }

    @Test("metrics: 200 text with the token; 401 with a challenge without it or with a page key")
    func metrics() async throws {
        try await H.test { harness, client in
            let answer = try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer \(H.metricsToken)"])
            #expect(answer.status == .ok)
            #expect(answer.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            #expect(answer.headers[.cacheControl] == "no-store")
            #expect(answer.text.contains("# TYPE shiplog_mail_queued gauge"))
            for headers: HTTPFields in [[:], harness.auth("admin"), [.authorization: "Bearer \(H.metricsToken)x"]] {
                let refused = try await client.execute(uri: "/metrics", method: .get, headers: headers)
                refused.expectError(.unauthorized, "unauthorized")
                #expect(refused.headers[.wwwAuthenticate] == "Bearer")
                #expect(!refused.text.contains("shiplog_"))
            }
            try await client.execute(uri: "/metrics?access_token=\(H.metricsToken)", method: .get).expectError(.unauthorized, "unauthorized")
        }
    }

    @Test("without a metrics token /metrics does not exist (404 JSON)")
    func metricsOff() async throws {
        let harness = try await H(configuration: ServerConfiguration(openAPIPath: nil, templates: nil))
        try await harness.test { client in
            try await client.execute(uri: "/metrics", method: .get).expectError(.notFound, "not_found")
            try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer \(H.metricsToken)"])
                .expectError(.notFound, "not_found")
        }
    }

    @Test("the gate's rate limit: 429 rate_limited with Retry-After; /metrics is never limited")
    func rateLimit() async throws {
        let harness = try await H(configuration: ServerConfiguration(rateLimit: 3, openAPIPath: nil, templates: nil, metricsToken: H.metricsToken))
        try await harness.test { client in
            try await H.startOfRateWindow()
            for _ in 0..<3 {
                let answer = try await client.execute(uri: "\(H.api)/releases", method: .get)
                #expect(answer.status == .ok)
                #expect(answer.headers[HTTPField.Name("X-RateLimit-Limit")!] == "3")
            }
            let limited = try await client.execute(uri: "\(H.api)/releases", method: .get)
            limited.expectError(.tooManyRequests, "rate_limited")
            #expect(limited.headers[.retryAfter].flatMap(Int.init) ?? 0 > 0)
            for _ in 0..<3 {
                let metrics = try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer \(H.metricsToken)"])
                #expect(metrics.status == .ok)
                #expect(metrics.headers[HTTPField.Name("X-RateLimit-Limit")!] == nil)
            }
        }
    }
}
