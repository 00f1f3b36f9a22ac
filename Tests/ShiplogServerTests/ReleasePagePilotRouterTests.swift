import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ShiplogModel
import Testing

@testable import ShiplogServer

/// Two dialects (SPEC §7) through the server's router: ReleasePage's on `/v1/pages/…`
/// (Tests/api/test_dialect_releasepage.py) and Release Pilot's at `/releasepilot/api/v1`
/// (test_dialect_releasepilot.py).
@Suite struct ReleasePagePilotRouterTests {
    static let mediaType = HTTPField.Name("X-ReleasePage-Media-Type")!
    static let pilot = "/releasepilot/api/v1/projects/nimbus"

    // MARK: ReleasePage

    @Test("ReleasePage: the bare key works; the media type on every answer, the HTML form's too")
    func releasePageSuccess() async throws {
        try await H.test { harness, client in
            let response = try await client.execute(uri: H.version, method: .get, headers: [.authorization: harness.keys["read"]!])
            #expect(response.status == .ok)
            #expect(response.headers[Self.mediaType] == "releasepage.v1")
            for entry in response.json["latest"]?.items ?? [] {
                guard case .object(let members) = entry else { continue }
                #expect(Set(members.map(\.key)) == ["repo", "version", "author", "published_at", "name"])
            }
            let form = try await client.execute(
                uri: "/v1/pages/nimbus/subscribers/form",
                method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded"],
                body: H.body("email=ann%40example.com")
            )
            #expect(form.status == .ok)
            #expect(form.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(form.headers[Self.mediaType] == "releasepage.v1")
        }
    }

    @Test("ReleasePage refusals: the seed's 403 exactly, bad JSON 400 naming body, unknown route and method, native shape kept")
    func releasePageRefusals() async throws {
        try await H.test { harness, client in
            let seed = try await client.execute(uri: "/v1/pages/secret/version", method: .get)
            seed.expectPageError(.forbidden, "key-invalid")
            #expect(seed.json["error_description"] == .string("The client API key is invalid"))
            #expect(seed.headers[.wwwAuthenticate] == nil)
            let bad = try await client.execute(uri: "/v1/pages/nimbus/subscribers", method: .patch, body: H.body("{"))
            bad.expectPageError(.badRequest, "bad-request")
            #expect(bad.causes == ["body"])
            try await client.execute(uri: "/v1/pages/nimbus/nope", method: .get).expectPageError(.notFound, "not-found")
            let method = try await client.execute(uri: H.version, method: .post)
            #expect(method.status == .methodNotAllowed || method.status == .notFound)
            method.expectPageError(method.status, method.status == .notFound ? "not-found" : "method-not-allowed")
            let native = try await client.execute(uri: "\(H.api)/releases", method: .get, headers: harness.auth("wrong"))
            native.expectError(.unauthorized, "unauthorized")
            #expect(native.headers[Self.mediaType] == nil)
        }
    }

    // MARK: Release Pilot

    @Test("Release Pilot: the {data, message, status} envelope; a release created, read, updated, deleted")
    func releasePilotSuccess() async throws {
        try await H.test { harness, client in
            let list = try await client.execute(uri: "\(Self.pilot)/products/api/releases?skip=1&size=2", method: .get)
            #expect(list.status == .ok)
            #expect(list.json["message"] == .string("Success") && list.json["status"]?.number == 200)
            #expect(list.json["data"]?.items.count == 2)
            let json = #"{"version": "9.1.0", "status": "published", "published_at": "2026-01-01T00:00:00Z", "title": "Pilot"}"#
            let created = try await harness.send(client, .post, "\(Self.pilot)/products/cli/releases", key: "write", json: json)
            #expect(created.status == .created, "\(created.text)")
            #expect(created.json["status"]?.number == 201)
            let id = try #require(created.json["data"]?["id"]?.string)
            let path = "\(Self.pilot)/products/cli/releases/\(id)"
            #expect(try await client.execute(uri: path, method: .get).json["data"] == created.json["data"])
            #expect(try await client.execute(uri: "\(H.api)/releases/\(id)", method: .get).json == created.json["data"])
            let updated = try await harness.send(client, .patch, path, key: "write", json: #"{"title": "Renamed"}"#)
            #expect(updated.json["data"]?["title"] == .string("Renamed"))
            let deleted = try await client.execute(uri: path, method: .delete, headers: harness.auth("write"))
            #expect(deleted.status == .ok && deleted.json["data"] == .null)
        }
    }

    @Test("Release Pilot refusals: {error, status} with a capitalised sentence; 401 with a challenge, 403, 404, 400, 409")
    func releasePilotRefusals() async throws {
        try await H.test { harness, client in
            func expectPilotError(_ response: TestResponse, _ status: HTTPResponse.Status, _ word: String = "") {
                #expect(response.status == status, "\(response.text)")
                guard case .object(let members) = response.json else {
                    Issue.record("not an object: \(response.text)")
                    return
                }
                #expect(Set(members.map(\.key)) == ["error", "status"], "\(response.text)")
                #expect(response.json["status"]?.number == Int(status.code))
                #expect(response.json["error"]?.string?.first?.isUppercase == true, "\(response.text)")
                #expect(word.isEmpty || response.json["error"]?.string?.contains(word) == true, "\(response.text)")
            }
            let releases = "\(Self.pilot)/products/cli/releases"
            let body = H.body(#"{"version": "0.0.1"}"#)
            let anonymous = try await client.execute(uri: releases, method: .post, body: body)
            expectPilotError(anonymous, .unauthorized)
            #expect(anonymous.headers[.wwwAuthenticate] == "Bearer")
            expectPilotError(try await client.execute(uri: releases, method: .post, headers: harness.auth("read"), body: body), .forbidden)
            expectPilotError(try await client.execute(uri: releases, method: .get, headers: harness.auth("other")), .notFound)
            expectPilotError(try await client.execute(uri: "\(releases)?size=0", method: .get), .badRequest, "size")
            expectPilotError(try await client.execute(uri: "\(Self.pilot)/products/nope/releases", method: .get), .notFound, "nope")
            let existing = H.body(#"{"version": "v1.0.0", "published_at": "2026-01-01T00:00:00Z"}"#)
            expectPilotError(try await client.execute(uri: releases, method: .post, headers: harness.auth("admin"), body: existing), .conflict)
            expectPilotError(try await client.execute(uri: "/releasepilot/api/v1/projects/secret/customer-sites", method: .get), .unauthorized)
        }
    }
}
