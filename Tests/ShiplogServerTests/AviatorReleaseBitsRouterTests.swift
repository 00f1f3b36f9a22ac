import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ShiplogModel
import Testing

@testable import ShiplogServer

/// Two dialects (SPEC §7) through the server's router: Aviator Releases at `/aviator/api/releases`
/// (Tests/api/test_dialect_aviator*.py: errors exactly `{"error": sentence}`) and ReleaseBits at
/// `/releasebits` (test_dialect_releasebits.py: errors `{"error"}` alone).
@Suite struct AviatorReleaseBitsRouterTests {
    static let aviator = "/aviator/api/releases/api"
    static let releaseBits = "/releasebits/components/cli/deployments"

    /// An error that is exactly `{"error": sentence}`.
    static func expectOnlyError(_ response: TestResponse, _ status: HTTPResponse.Status, _ sentence: String? = nil) {
        #expect(response.status == status, "\(response.text)")
        #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
        guard case .object(let members) = response.json, members.map(\.key) == ["error"] else {
            Issue.record("not {\"error\"} alone: \(response.text)")
            return
        }
        if let sentence { #expect(response.json["error"] == .string(sentence)) }
    }

    // MARK: Aviator

    @Test("Aviator: a release candidate (201) makes a published pre-release; a deployment of it is 201 pending")
    func aviatorSuccess() async throws {
        try await H.test { harness, client in
            let newCandidate = #"{"repo": "nimbus/api", "commit": "abc1234"}"#
            let candidate = try await harness.send(client, .post, "\(Self.aviator)/releases/9.1.0-rc1", key: "write", json: newCandidate)
            #expect(candidate.status == .created, "\(candidate.text)")
            #expect(candidate.json["release_candidate_version"] == .string("9.1.0-rc1"))
            #expect(candidate.json["release_version"] == .string("9.1.0"))
            let native = try await client.execute(uri: "\(H.api)/components/api/releases/9.1.0-rc1", method: .get)
            #expect(native.json["status"] == .string("published") && native.json["prerelease"] == .bool(true))
            let deployed = try await harness.send(
                client,
                .post,
                "\(Self.aviator)/environments/staging/deployments",
                key: "write",
                json: #"{"release_candidate_version": "9.1.0-rc1"}"#
            )
            #expect(deployed.status == .created, "\(deployed.text)")
            #expect(deployed.json["status"] == .string("pending") && deployed.json["environment_name"] == .string("staging"))
            let listed = try await harness.send(client, .get, "\(Self.aviator)/environments/staging/deployments", key: "read")
            #expect(listed.status == .ok)
            #expect(listed.json.items.first?["id"] == deployed.json["id"])
        }
    }

    @Test("Aviator refusals: the seed's sentences — Unauthorized, Forbidden, Release project not found, conflicts, bad input")
    func aviatorRefusals() async throws {
        try await H.test { harness, client in
            let path = "\(Self.aviator)/environments/staging/deployments"
            let body = H.body(#"{"release_candidate_version": "1.0.0-rc1"}"#)
            Self.expectOnlyError(try await client.execute(uri: path, method: .post, body: body), .unauthorized, "Unauthorized")
            Self.expectOnlyError(
                try await client.execute(uri: path, method: .post, headers: harness.auth("read"), body: body),
                .forbidden,
                "Forbidden"
            )
            Self.expectOnlyError(
                try await client.execute(uri: path, method: .get, headers: harness.auth("other")),
                .notFound,
                "Release project not found"
            )
            let invalid = try await harness.send(client, .post, "\(Self.aviator)/releases/1.0.0", key: "write", json: "{}")
            Self.expectOnlyError(invalid, .badRequest, "Invalid release candidate version")
            let json = try await client.execute(uri: path, method: .post, headers: harness.auth("write"), body: H.body("{nope"))
            Self.expectOnlyError(json, .badRequest, "Invalid JSON body")
            let nowhere = try await client.execute(
                uri: "\(Self.aviator)/environments/nowhere/deployments",
                method: .post,
                headers: harness.auth("write"),
                body: body
            )
            Self.expectOnlyError(nowhere, .notFound, "Release environment not found")
            Self.expectOnlyError(
                try await client.execute(uri: "/aviator/api/releases/api/nothing-here", method: .get, headers: harness.auth("write")),
                .notFound,
                "Not found"
            )
        }
    }

    // MARK: ReleaseBits

    @Test("ReleaseBits: a deployment event from JSON and from a form (201), listed oldest first")
    func releaseBitsSuccess() async throws {
        try await H.test { harness, client in
            let json = try await client.execute(
                uri: "\(Self.releaseBits)/",
                method: .post,
                headers: harness.auth("write", [.contentType: "application/json"]),
                body: H.body(#"{"version": "v0.9.1", "stage": "staging", "result": "success", "meta_data": {"n": 1}}"#)
            )
            #expect(json.status == .created, "\(json.text)")
            let form = try await client.execute(
                uri: "\(Self.releaseBits)/",
                method: .post,
                headers: [.authorization: harness.keys["write"]!, .contentType: "application/x-www-form-urlencoded"],
                body: H.body("version=v0.9.2&stage=staging&meta_data%5Bwho%5D=ci+bot&host=")
            )
            #expect(form.status == .created, "\(form.text)")
            let listed = try await client.execute(uri: Self.releaseBits, method: .get, headers: harness.auth("read"))
            #expect(listed.status == .ok)
            // Oldest first, as the seed's example answer: the newest is last.
            let newest = listed.json.items.last
            #expect(newest?["id"] == form.json["id"] && newest?["version"] == .string("v0.9.2"))
            #expect(newest?["meta_data"] == .object([JSONMember("who", .string("ci bot"))]) && newest?["host"] == .null)
            #expect(listed.json.items.contains { $0["id"] == json.json["id"] && $0["result"] == .string("success") })
            // An unknown version became a draft release.
            let draft = try await client.execute(uri: "\(H.api)/components/cli/releases/v0.9.1", method: .get, headers: harness.auth("read"))
            #expect(draft.json["status"] == .string("draft"))
        }
    }

    @Test("ReleaseBits refusals: {\"error\"} alone — 401 naming the token, 403, 404, 400 naming the field, 415")
    func releaseBitsRefusals() async throws {
        try await H.test { harness, client in
            let path = "\(Self.releaseBits)/"
            let body = H.body(#"{"version": "v0.9.3", "stage": "staging"}"#)
            let json: HTTPFields = [.contentType: "application/json"]
            for name in [nil, "wrong"] {
                let refused = try await client.execute(uri: path, method: .post, headers: harness.auth(name, json), body: body)
                Self.expectOnlyError(refused, .unauthorized)
                #expect(refused.json["error"]?.string?.contains("token") == true)
            }
            Self.expectOnlyError(try await client.execute(uri: path, method: .post, headers: harness.auth("read", json), body: body), .forbidden)
            Self.expectOnlyError(try await client.execute(uri: Self.releaseBits, method: .get, headers: harness.auth("other")), .notFound)
            let bad = try await client.execute(
                uri: path,
                method: .post,
                headers: harness.auth("write", json),
                body: H.body(#"{"version": "v0.9.4", "started_at": "yesterday"}"#)
            )
            Self.expectOnlyError(bad, .badRequest)
            #expect(bad.json["error"]?.string?.contains("started_at") == true)
            let csv = try await client.execute(
                uri: path,
                method: .post,
                headers: harness.auth("write", [.contentType: "text/csv"]),
                body: H.body("x=1")
            )
            Self.expectOnlyError(csv, .unsupportedMediaType)
        }
    }
}
