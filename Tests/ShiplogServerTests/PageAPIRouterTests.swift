import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ShiplogModel
import Testing

@testable import ShiplogServer

/// The page API (PageAPIRoutes, PageRoutes) through the server's router on a SQLite store, as
/// Tests/api/test_api.py drives it through the binary: a release created, read, patched and
/// deleted, and the refusals of the auth matrix (401 with a challenge, 403, 404).
@Suite struct PageAPIRouterTests {
    @Test("a release is created (201, Location), read, patched (merge) and deleted (204)")
    func releaseLifeCycle() async throws {
        try await H.test { harness, client in
            let json =
                #"{"component": "desktop", "version": "0.1.7", "title": "A build", "published_at": "2001-02-03T04:05:06+01:00", "author": "ada"}"#
            let created = try await client.execute(uri: "\(H.api)/releases", method: .post, headers: harness.auth("write"), body: H.body(json))
            #expect(created.status == .created, "\(created.text)")
            #expect(created.headers[.contentType]?.hasPrefix("application/json") == true)
            let location = try #require(created.headers[.location])
            #expect(location == "\(H.api)/components/desktop/releases/0.1.7")
            #expect(created.json["published_at"] == .string("2001-02-03T03:05:06Z"))
            #expect(created.json["status"] == .string("published"))
            #expect(created.json["prerelease"] == .bool(false) && created.json["channel"] == .string("stable"))

            let fetched = try await client.execute(uri: location, method: .get)
            #expect(fetched.status == .ok)
            #expect(fetched.json == created.json)

            let patched = try await harness.send(client, .patch, location, key: "admin", json: #"{"title": "New", "author": null, "notes": "Hello"}"#)
            #expect(patched.status == .ok, "\(patched.text)")
            #expect(patched.json["title"] == .string("New") && patched.json["notes"] == .string("Hello"))
            #expect(patched.json["author"] == nil)
            #expect(try await client.execute(uri: location, method: .get).json == patched.json)

            let deleted = try await client.execute(uri: location, method: .delete, headers: harness.auth("write"))
            #expect(deleted.status == .noContent && deleted.body.readableBytes == 0)
            try await client.execute(uri: location, method: .get, headers: harness.auth("read")).expectError(.notFound, "not_found")
            try await client.execute(uri: location, method: .delete, headers: harness.auth("admin")).expectError(.notFound, "not_found")
        }
    }

    @Test("without a key 401 with WWW-Authenticate: Bearer; a read key 403; another page's key 404")
    func authMatrix() async throws {
        try await H.test { harness, client in
            let path = "\(H.api)/releases"
            let draft = H.body(#"{"component": "cli", "version": "0.0.1", "status": "draft"}"#)
            for name in [nil, "wrong"] {
                let response = try await client.execute(uri: path, method: .post, headers: harness.auth(name), body: draft)
                response.expectError(.unauthorized, "unauthorized")
                #expect(response.headers[.wwwAuthenticate] == "Bearer")
            }
            try await client.execute(uri: path, method: .post, headers: harness.auth("read"), body: draft).expectError(.forbidden, "forbidden")
            try await client.execute(uri: path, method: .post, headers: harness.auth("other"), body: draft).expectError(.notFound, "not_found")
            // A component needs an admin key.
            let component = "\(H.api)/components/scratch"
            try await client.execute(uri: component, method: .put, headers: harness.auth("write"), body: H.body(#"{"name": "S"}"#))
                .expectError(.forbidden, "forbidden")
            #expect(
                try await client.execute(uri: component, method: .put, headers: harness.auth("admin"), body: H.body(#"{"name": "S"}"#)).status
                    == .created
            )
            // Drafts: a key lists them; without one they cannot be probed.
            try await client.execute(uri: "\(path)?status=draft", method: .get).expectError(.unauthorized, "unauthorized")
            #expect(try await client.execute(uri: "\(path)?status=draft", method: .get, headers: harness.auth("read")).status == .ok)
            try await client.execute(uri: "\(H.api)/components/web/releases/3.8.0", method: .get).expectError(.notFound, "not_found")
            let draftRelease = try await client.execute(uri: "\(H.api)/components/web/releases/3.8.0", method: .get, headers: harness.auth("read"))
            #expect(draftRelease.json["status"] == .string("draft"))
        }
    }

    @Test("unknown pages are 404; a private page is 401 without its key")
    func pages() async throws {
        try await H.test { harness, client in
            let page = try await client.execute(uri: H.api, method: .get)
            #expect(page.status == .ok)
            #expect(page.json["page"]?["id"] == .string("nimbus"))
            try await client.execute(uri: "/api/v1/pages/no-such-page", method: .get).expectError(.notFound, "not_found")
            try await client.execute(uri: "/api/v1/pages/no-such-page/releases", method: .get, headers: harness.auth("admin"))
                .expectError(.notFound, "not_found")
            try await client.execute(uri: "/api/v1/pages/secret", method: .get).expectError(.unauthorized, "unauthorized")
            try await client.execute(uri: "/api/v1/pages/secret", method: .get, headers: harness.auth("admin")).expectError(.notFound, "not_found")
            let secret = try await client.execute(uri: "/api/v1/pages/secret", method: .get, headers: harness.auth("secret"))
            #expect(secret.json["page"]?["public"] == .bool(false))
        }
    }

    @Test("bad input is 400 invalid_request naming the field; a conflict is 409")
    func invalid() async throws {
        try await H.test { harness, client in
            let path = "\(H.api)/releases"
            let cases = [
                (#"{"component": "api", "version": "9.0.0", "published_at": "soon"}"#, "published_at"),
                (#"{"component": "api", "version": "9.0.0", "typo": 1}"#, "typo"),
            ]
            for (json, field) in cases {
                try await client.execute(uri: path, method: .post, headers: harness.auth("admin"), body: H.body(json))
                    .expectError(.badRequest, "invalid_request", field: field)
            }
            let existing = #"{"component": "api", "version": "v1.10.2", "published_at": "2026-01-01T00:00:00Z"}"#
            try await client.execute(uri: path, method: .post, headers: harness.auth("admin"), body: H.body(existing))
                .expectError(.conflict, "conflict")
            let release = "\(H.api)/components/api/releases/v1.10.2"
            try await client.execute(uri: release, method: .patch, headers: harness.auth("admin"), body: H.body(#"{"version": "1.0.0"}"#))
                .expectError(.badRequest, "invalid_request", field: "version")
            try await client.execute(uri: release, method: .patch, headers: harness.auth("admin"), body: H.body("[1]"))
                .expectError(.badRequest, "invalid_request", field: "body")
        }
    }
}
