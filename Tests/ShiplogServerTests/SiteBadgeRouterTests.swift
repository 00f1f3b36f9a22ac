import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ShiplogModel
import Testing

@testable import ShiplogServer

/// Sites (SiteRoutes) and badges (BadgeRoutes) through the server's router, as
/// Tests/api/test_lists_sites.py and test_badges.py drive them through the binary.
@Suite struct SiteBadgeRouterTests {
    static let sites = "\(H.api)/sites"
    static let badges = "/v1/pages/nimbus"

    @Test("a site is created (201, Location), a release attached, patched, deleted (204)")
    func siteLifeCycle() async throws {
        try await H.test { harness, client in
            let created = try await harness.send(client, .post, Self.sites, key: "write", json: #"{"slug": "acme", "name": "Acme Corp"}"#)
            #expect(created.status == .created, "\(created.text)")
            #expect(created.headers[.location] == "\(Self.sites)/acme")
            #expect(created.json["name"] == .string("Acme Corp") && created.json["releases"] == .array([]))
            #expect(try await client.execute(uri: "\(Self.sites)/acme", method: .get).json == created.json)
            let attach = "\(Self.sites)/acme/releases/api/v1.10.2"
            #expect(try await client.execute(uri: attach, method: .put, headers: harness.auth("admin")).status == .created)
            let patched = try await harness.send(client, .patch, "\(Self.sites)/acme", key: "write", json: #"{"name": "Acme"}"#)
            #expect(patched.status == .ok, "\(patched.text)")
            #expect(patched.json["name"] == .string("Acme") && patched.json["releases"]?.items.count == 1)
            // Attached, the release cannot be deleted.
            try await client.execute(uri: "\(H.api)/components/api/releases/v1.10.2", method: .delete, headers: harness.auth("admin"))
                .expectError(.conflict, "conflict")
            let deleted = try await client.execute(uri: "\(Self.sites)/acme", method: .delete, headers: harness.auth("write"))
            #expect(deleted.status == .noContent && deleted.body.readableBytes == 0)
            try await client.execute(uri: "\(Self.sites)/acme", method: .get).expectError(.notFound, "not_found")
        }
    }

    @Test("site refusals: 401 without a key, 403 read key, 404 other page, 409 twice, 400 bad slug")
    func siteRefusals() async throws {
        try await H.test { harness, client in
            let site = H.body(#"{"slug": "scoped"}"#)
            let anonymous = try await client.execute(uri: Self.sites, method: .post, body: site)
            anonymous.expectError(.unauthorized, "unauthorized")
            #expect(anonymous.headers[.wwwAuthenticate] == "Bearer")
            try await client.execute(uri: Self.sites, method: .post, headers: harness.auth("read"), body: site).expectError(.forbidden, "forbidden")
            #expect(try await client.execute(uri: Self.sites, method: .post, headers: harness.auth("write"), body: site).status == .created)
            try await client.execute(uri: Self.sites, method: .post, headers: harness.auth("write"), body: site).expectError(.conflict, "conflict")
            try await client.execute(uri: "\(Self.sites)/scoped", method: .delete, headers: harness.auth("other")).expectError(.notFound, "not_found")
            try await client.execute(uri: "\(Self.sites)/Bad%20Site", method: .get).expectError(.badRequest, "invalid_request", field: "site")
            try await client.execute(uri: "\(Self.sites)/scoped?skip=1", method: .get).expectError(.badRequest, "invalid_request", field: "skip")
        }
    }

    @Test("a badge: the shields document (no-cache, ETag, 304) and an SVG with CORS")
    func badge() async throws {
        try await H.test { harness, client in
            let path = "\(Self.badges)/components/api/badge.json"
            let document = try await client.execute(uri: path, method: .get)
            #expect(document.status == .ok)
            #expect(document.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(document.headers[.cacheControl] == "no-cache")
            #expect(
                document.json
                    == .object([
                        JSONMember("schemaVersion", .number("1")), JSONMember("label", .string("Nimbus API")),
                        JSONMember("message", .string("v1.10.2")), JSONMember("color", .string("blue")),
                    ])
            )
            let etag = try #require(document.headers[.eTag])
            let again = try await client.execute(uri: path, method: .get, headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified && again.body.readableBytes == 0 && again.headers[.eTag] == etag)
            let svg = try await client.execute(
                uri: "\(Self.badges)/components/api/badge.svg",
                method: .get,
                headers: [.origin: "https://app.example"]
            )
            #expect(svg.status == .ok)
            #expect(svg.headers[.contentType] == "image/svg+xml; charset=utf-8")
            #expect(svg.headers[.accessControlAllowOrigin] == "*")
            #expect(svg.headers[.eTag] != etag)
            #expect(svg.text.contains("aria-label=\"Nimbus API: v1.10.2\""))
            let environment = try await client.execute(uri: "\(Self.badges)/environments/production/web/badge.json", method: .get)
            #expect(environment.json["label"] == .string("production"))
        }
    }

    @Test("badge refusals in ReleasePage's shape: unknown names 404 not-found, a private page 403 key-invalid")
    func badgeRefusals() async throws {
        try await H.test { harness, client in
            for path in [
                "\(Self.badges)/components/no-such-component/badge.svg",
                "\(Self.badges)/environments/no-such-environment/api/badge.json",
                "/v1/pages/no-such-page/components/api/badge.json",
            ] {
                try await client.execute(uri: path, method: .get).expectPageError(.notFound, "not-found")
            }
            let secret = "/v1/pages/secret/components/app/badge.json"
            try await client.execute(uri: secret, method: .get).expectPageError(.forbidden, "key-invalid")
            try await client.execute(uri: secret, method: .get, headers: harness.auth("admin")).expectPageError(.notFound, "not-found")
            let answer = try await client.execute(uri: secret, method: .get, headers: harness.auth("secret"))
            #expect(answer.status == .ok && answer.headers[.cacheControl] == "private, no-cache")
            #expect(answer.json["message"] == .string("1.0.0"))
        }
    }
}
