import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ShiplogModel
import Testing

@testable import ShiplogServer

/// The app-releases dialect (SPEC §7, AppReleaseRoutes) at `/apps/v1/orgs/{org}/workspaces/{page}/apps/{app}/releases`
/// through the server's router, as Tests/api/test_dialect_apps*.py drive it: errors
/// `{error, message, details, timestamp, status_code}` and FastAPI's 422 `{detail: [...]}`.
@Suite struct AppsRouterTests {
    static let base = "/apps/v1/orgs/acme/workspaces/nimbus/apps"

    static func expectAppsError(
        _ response: TestResponse,
        _ status: HTTPResponse.Status,
        _ code: String,
        _ details: [String: String] = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(response.status == status, "\(response.text)", sourceLocation: sourceLocation)
        #expect(response.headers[.contentType]?.hasPrefix("application/json") == true, sourceLocation: sourceLocation)
        guard case .object(let members) = response.json else {
            Issue.record("not an object: \(response.text)", sourceLocation: sourceLocation)
            return
        }
        #expect(Set(members.map(\.key)) == ["error", "message", "details", "timestamp", "status_code"], sourceLocation: sourceLocation)
        #expect(response.json["error"] == .string(code), "\(response.text)", sourceLocation: sourceLocation)
        #expect(response.json["status_code"]?.number == Int(status.code), sourceLocation: sourceLocation)
        #expect(response.json["timestamp"]?.string?.hasSuffix("Z") == true, sourceLocation: sourceLocation)
        for (name, value) in details {
            #expect(response.json["details"]?[name] == .string(value), "\(response.text)", sourceLocation: sourceLocation)
        }
    }

    @Test("create a draft (201), activate it (200): it is the latest of the version endpoint; delete answers {}")
    func createActivateDelete() async throws {
        try await H.test { harness, client in
            let releases = "\(Self.base)/api/releases"
            let newRelease = #"{"release_tag": "v1.11.0", "description": "Short", "change_log": "New"}"#
            let created = try await harness.send(client, .post, releases, key: "write", json: newRelease)
            #expect(created.status == .created, "\(created.text)")
            #expect(created.json["status"] == .string("draft") && created.json["org_id"] == .string("acme"))
            #expect(created.json["workspace_id"] == .string("nimbus") && created.json["app_id"] == .string("api"))
            let id = try #require(created.json["release_id"]?.string)
            #expect(
                try await client.execute(uri: "\(H.api)/releases/\(id)", method: .get, headers: harness.auth("read")).json["title"]
                    == .string("Short")
            )

            let activated = try await client.execute(uri: "\(releases)/\(id)/activate", method: .post, headers: harness.auth("write"))
            #expect(activated.status == .ok, "\(activated.text)")
            #expect(activated.json["release"]?["status"] == .string("active"))
            #expect(activated.json["message"]?.string?.contains("v1.11.0") == true)
            let latest = try await client.execute(uri: H.version, method: .get).json["latest"]?.items ?? []
            #expect(latest.first { $0["name"] == .string("Nimbus API") }?["version"] == .string("v1.11.0"))
            let active = try await client.execute(uri: "\(releases)/active", method: .get)
            #expect(active.status == .ok && active.json["release_id"] == .string(id))

            let draft = try await harness.send(client, .post, "\(Self.base)/cli/releases", key: "write", json: #"{"release_tag": "0.0.1"}"#)
            let draftID = try #require(draft.json["release_id"]?.string)
            let deleted = try await client.execute(uri: "\(Self.base)/cli/releases/\(draftID)", method: .delete, headers: harness.auth("write"))
            #expect(deleted.status == .ok && deleted.json == .object([]))
            Self.expectAppsError(
                try await client.execute(uri: "\(Self.base)/cli/releases/\(draftID)", method: .get, headers: harness.auth("read")),
                .notFound,
                "RESOURCE_NOT_FOUND",
                ["resource_type": "release", "resource_id": draftID]
            )
        }
    }

    @Test("refusals: 401 AUTHENTICATION_FAILED, 403 FORBIDDEN, 404 workspace and app, 409 CONFLICT, 422 detail")
    func refusals() async throws {
        try await H.test { harness, client in
            let releases = "\(Self.base)/cli/releases"
            let body = H.body(#"{"release_tag": "9.9.9"}"#)
            Self.expectAppsError(try await client.execute(uri: releases, method: .post, body: body), .unauthorized, "AUTHENTICATION_FAILED")
            Self.expectAppsError(
                try await client.execute(uri: releases, method: .get, headers: harness.auth("wrong")),
                .unauthorized,
                "AUTHENTICATION_FAILED"
            )
            Self.expectAppsError(
                try await client.execute(uri: releases, method: .post, headers: harness.auth("read"), body: body),
                .forbidden,
                "FORBIDDEN",
                ["required_permission": "releases:write"]
            )
            Self.expectAppsError(
                try await client.execute(uri: releases, method: .post, headers: harness.auth("other"), body: body),
                .notFound,
                "RESOURCE_NOT_FOUND",
                ["resource_type": "workspace", "resource_id": "nimbus"]
            )
            Self.expectAppsError(
                try await client.execute(uri: "\(Self.base)/nope/releases", method: .get, headers: harness.auth("read")),
                .notFound,
                "RESOURCE_NOT_FOUND",
                ["resource_type": "app", "resource_id": "nope"]
            )
            #expect(try await client.execute(uri: releases, method: .post, headers: harness.auth("write"), body: body).status == .created)
            Self.expectAppsError(
                try await client.execute(uri: releases, method: .post, headers: harness.auth("write"), body: body),
                .conflict,
                "CONFLICT"
            )

            let missing = try await client.execute(uri: releases, method: .post, headers: harness.auth("write"), body: H.body("{}"))
            #expect(missing.status == .unprocessableContent)
            let detail = missing.json["detail"]?.items ?? []
            #expect(detail.first?["loc"] == .array([.string("body"), .string("release_tag")]))
            #expect(detail.first?["type"] == .string("missing"))
            let invalid = try await client.execute(uri: releases, method: .post, headers: harness.auth("write"), body: H.body("{nope"))
            #expect(invalid.status == .unprocessableContent && invalid.json["detail"]?.items.first?["type"] == .string("json_invalid"))
        }
    }
}
