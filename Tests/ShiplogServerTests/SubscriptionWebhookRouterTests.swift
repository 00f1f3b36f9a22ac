import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ShiplogModel
import Testing

@testable import ShiplogServer

/// Subscriptions (SubscriptionRoutes, ReleasePage's error shape on `/v1/…`) and webhooks
/// (WebhookRoutes) through the server's router, as Tests/api/test_subscriptions.py and
/// Tests/webhooks drive them. No mail is configured: a subscription is queued in the store.
@Suite struct SubscriptionWebhookRouterTests {
    static let subscribers = "/v1/pages/nimbus/subscribers"

    @Test("subscribe: 202 with the accepted JSON; the subscriber is pending in the admin's list")
    func subscribe() async throws {
        try await H.test { harness, client in
            let json = #"{"op": "add", "data": {"type": "email", "value": "ann@example.com", "preferences": ["major", "minor"]}}"#
            let response = try await client.execute(uri: Self.subscribers, method: .patch, body: H.body(json))
            #expect(response.status == .accepted, "\(response.text)")
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(response.json["message"] == .string("Subscriber request accepted, pending email confirmation"))
            #expect(response.json["pageId"] == .string("nimbus"))
            #expect(response.json["data"]?["preferences"] == .array([.string("major"), .string("minor")]))
            let list = try await client.execute(uri: "/api/v1/pages/nimbus/subscribers", method: .get, headers: harness.auth("admin"))
            #expect(list.status == .ok)
            let entry = list.json["items"]?.items.first { $0["email"] == .string("ann@example.com") }
            #expect(entry?["state"] == .string("pending"))
            #expect(entry?["confirmed_at"] == .null)
            // Removal is answered alike for any address.
            let removed = try await client.execute(
                uri: Self.subscribers,
                method: .patch,
                body: H.body(#"{"op": "remove", "data": {"type": "email", "value": "nobody@example.com"}}"#)
            )
            #expect(removed.status == .accepted && removed.json["message"] == .string("Subscriber removal accepted"))
        }
    }

    @Test("refusals in ReleasePage's shape: a bad address 400 bad-request naming data.value, keys, rate limit 429")
    func subscribeRefusals() async throws {
        let harness = try await H(configuration: ServerConfiguration(openAPIPath: nil, templates: nil, subscribeLimit: 4))
        try await harness.test { client in
            try await H.startOfRateWindow()
            let bad = try await client.execute(
                uri: Self.subscribers,
                method: .patch,
                body: H.body(#"{"op": "add", "data": {"type": "email", "value": "no-at-sign"}}"#)
            )
            bad.expectPageError(.badRequest, "bad-request")
            #expect(bad.causes == ["data.value"])
            let add = H.body(#"{"op": "add", "data": {"type": "email", "value": "bob@example.com"}}"#)
            try await client.execute(uri: Self.subscribers, method: .patch, headers: harness.auth("wrong"), body: add)
                .expectPageError(.forbidden, "key-invalid")
            try await client.execute(uri: "/v1/pages/no-such-page/subscribers", method: .patch, body: add).expectPageError(.notFound, "not-found")
            try await client.execute(uri: "/api/v1/pages/nimbus/subscribers", method: .get, headers: harness.auth("write"))
                .expectError(.forbidden, "forbidden")
            // Four a minute from one address (the bad request counted): the fifth is refused with Retry-After.
            for _ in 0..<3 { #expect(try await client.execute(uri: Self.subscribers, method: .patch, body: add).status == .accepted) }
            let limited = try await client.execute(uri: Self.subscribers, method: .patch, body: add)
            limited.expectPageError(.tooManyRequests, "rate-limited")
            #expect(limited.headers[.retryAfter].flatMap(Int.init) ?? 0 > 0)
        }
    }

    @Test("webhooks: created (201, no secret shown), listed, deleted (204), then 404")
    func webhooks() async throws {
        try await H.test { harness, client in
            let path = "\(H.api)/webhooks"
            // An address, not a name: nothing is resolved, and nothing is ever sent (no sender runs here).
            let json = #"{"url": "http://93.184.216.34/hook", "secret": "s3cret-of-the-hook"}"#
            let created = try await client.execute(uri: path, method: .post, headers: harness.auth("admin"), body: H.body(json))
            #expect(created.status == .created, "\(created.text)")
            #expect(created.json["format"] == .string("json") && created.json["secret"] == nil)
            #expect(created.json["events"]?.items.count == 5)
            let id = try #require(created.json["id"]?.string)
            let listed = try await client.execute(uri: path, method: .get, headers: harness.auth("admin"))
            #expect(listed.json["items"]?.items.map { $0["id"] } == [.string(id)])
            #expect(!listed.text.contains("s3cret-of-the-hook"))
            #expect(try await client.execute(uri: "\(path)/\(id)", method: .delete, headers: harness.auth("admin")).status == .noContent)
            try await client.execute(uri: "\(path)/\(id)", method: .delete, headers: harness.auth("admin")).expectError(.notFound, "not_found")
        }
    }

    @Test("webhooks: private addresses refused at registration (400 naming url), admin key needed, bad fields named")
    func webhookRefusals() async throws {
        try await H.test { harness, client in
            let path = "\(H.api)/webhooks"
            for url in ["http://127.0.0.1/", "http://0x7f.1/", "http://10.0.0.1/x", "http://[::1]/", "http://169.254.169.254/"] {
                let response = try await harness.send(client, .post, path, key: "admin", json: #"{"url": "\#(url)", "secret": "x"}"#)
                response.expectError(.badRequest, "invalid_request")
                #expect(response.causes == ["url"], "\(url)")
                #expect(response.text.contains("--allow-private-webhooks"), "\(url)")
            }
            #expect(try await client.execute(uri: path, method: .get, headers: harness.auth("admin")).json["items"]?.items.isEmpty == true)
            let body = H.body(#"{"url": "http://93.184.216.34/hook", "secret": "x"}"#)
            try await client.execute(uri: path, method: .post, body: body).expectError(.unauthorized, "unauthorized")
            try await client.execute(uri: path, method: .post, headers: harness.auth("write"), body: body).expectError(.forbidden, "forbidden")
            try await client.execute(uri: path, method: .get, headers: harness.auth("read")).expectError(.forbidden, "forbidden")
            let invalid = H.body(#"{"url": "gopher://x", "secret": "", "events": ["x"], "format": "xml"}"#)
            let refused = try await client.execute(uri: path, method: .post, headers: harness.auth("admin"), body: invalid)
            refused.expectError(.badRequest, "invalid_request")
            #expect(Set(refused.causes) == ["url", "secret", "events[0]", "format"])
        }
    }
}
