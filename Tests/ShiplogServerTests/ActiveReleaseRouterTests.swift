import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ShiplogModel
import Testing

@testable import ShiplogServer

/// The active release (ActiveReleaseRoutes) through the server's router, as Tests/api/test_active.py
/// drives it: activating an older release makes it the latest (and moves the version ETag) until
/// it is cleared; refusals.
@Suite struct ActiveReleaseRouterTests {
    static func apiLatest(_ client: any TestClientProtocol) async throws -> String? {
        let latest = try await client.execute(uri: H.version, method: .get).json["latest"]?.items ?? []
        return latest.first { $0["name"] == .string("Nimbus API") }?["version"]?.string
    }

    @Test("activate an older release, then clear it: the latest, the ETag and previous_active follow")
    func activateAndClear() async throws {
        try await H.test { harness, client in
            let first = try await client.execute(uri: H.version, method: .get)
            #expect(try await Self.apiLatest(client) == "v1.10.2")
            let active = "\(H.api)/components/api/active"
            let shown = try await client.execute(uri: active, method: .get)
            #expect(shown.status == .ok, "\(shown.text)")
            #expect(shown.json["pinned"] == .bool(false) && shown.json["release"]?["version"] == .string("v1.10.2"))

            let activated = try await harness.send(client, .post, "\(H.api)/components/api/releases/v1.9.1/activate", key: "write")
            #expect(activated.status == .ok, "\(activated.text)")
            #expect(activated.json["release"]?["version"] == .string("v1.9.1"))
            #expect(activated.json["previous_active"]?["version"] == .string("v1.10.2"))
            #expect(try await Self.apiLatest(client) == "v1.9.1")
            let etag = try #require(first.headers[.eTag])
            #expect(try await client.execute(uri: H.version, method: .get, headers: [.ifNoneMatch: etag]).status == .ok)
            #expect(try await client.execute(uri: active, method: .get).json["pinned"] == .bool(true))

            let cleared = try await client.execute(uri: active, method: .delete, headers: harness.auth("write"))
            #expect(cleared.status == .ok, "\(cleared.text)")
            #expect(cleared.json["pinned"] == .bool(false) && cleared.json["release"]?["version"] == .string("v1.10.2"))
            #expect(cleared.json["previous_active"]?["version"] == .string("v1.9.1"))
            #expect(try await client.execute(uri: H.version, method: .get).headers[.eTag] == etag, "the same document, the same ETag")
        }
    }

    @Test("refusals: keys (401, 403, 404), unknown release 404, yanked 409, unknown component 404")
    func refusals() async throws {
        try await H.test { harness, client in
            let path = "\(H.api)/components/api/releases/v1.9.1/activate"
            let anonymous = try await client.execute(uri: path, method: .post)
            anonymous.expectError(.unauthorized, "unauthorized")
            #expect(anonymous.headers[.wwwAuthenticate] == "Bearer")
            try await client.execute(uri: path, method: .post, headers: harness.auth("wrong")).expectError(.unauthorized, "unauthorized")
            try await client.execute(uri: path, method: .post, headers: harness.auth("read")).expectError(.forbidden, "forbidden")
            try await client.execute(uri: path, method: .post, headers: harness.auth("other")).expectError(.notFound, "not_found")
            try await client.execute(uri: "\(H.api)/components/api/active", method: .delete, headers: harness.auth("read"))
                .expectError(.forbidden, "forbidden")
            func activate(_ component: String, _ version: String) async throws -> TestResponse {
                try await harness.send(client, .post, "\(H.api)/components/\(component)/releases/\(version)/activate", key: "write")
            }
            try await activate("api", "v9.9.9").expectError(.notFound, "not_found")
            try await activate("ghost", "1.0.0").expectError(.notFound, "not_found")
            try await activate("api", "v1.10.1").expectError(.conflict, "conflict")
            try await client.execute(uri: "\(H.api)/components/ghost/active", method: .get).expectError(.notFound, "not_found")
            try await client.execute(uri: "\(H.api)/components/desktop/active?limit=1", method: .get)
                .expectError(.badRequest, "invalid_request", field: "limit")
            try await client.execute(uri: "/api/v1/pages/secret/components/app/active", method: .get).expectError(.unauthorized, "unauthorized")
        }
    }
}
