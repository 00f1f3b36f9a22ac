import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ShiplogModel
import Testing

@testable import ShiplogServer

/// Deployments through the server's router: per environment (DeploymentRoutes) and by id
/// (DeploymentByIDRoutes), as Tests/api/test_deployments.py and test_deployment_ids.py drive them.
@Suite struct DeploymentsRouterTests {
    @Test("an environment is created; a deployment is recorded (201) and listed newest first")
    func recordAndList() async throws {
        try await H.test { harness, client in
            let created = try await harness.send(client, .post, "\(H.api)/environments", key: "write", json: #"{"name": "canary"}"#)
            #expect(created.status == .created, "\(created.text)")
            #expect(created.json == .object([JSONMember("name", .string("canary")), JSONMember("frozen", .bool(false))]))
            let path = "\(H.api)/environments/canary/deployments"
            for host in ["h1", "h2"] {
                let json =
                    #"{"component": "cli", "version": "v1.1.0", "status": "success", "host": "\#(host)", "started_at": "2026-11-02T10:00:00+01:00"}"#
                let response = try await client.execute(uri: path, method: .post, headers: harness.auth("write"), body: H.body(json))
                #expect(response.status == .created, "\(response.text)")
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                #expect(response.json["environment"] == .string("canary"))
                #expect(response.json["started_at"] == .string("2026-11-02T09:00:00Z"))
                #expect(response.json["id"]?.string != nil)
            }
            let list = try await client.execute(uri: path, method: .get)
            #expect(list.status == .ok)
            #expect(list.json["items"]?.items.map { $0["host"] } == [.string("h2"), .string("h1")])
            #expect(list.json["total"]?.number == 2 && list.json["has_more"] == .bool(false) && list.json["next_cursor"] == .null)
        }
    }

    @Test("refusals: a missing environment 404 naming it, bad fields 400, a read key 403, no key 401")
    func refusals() async throws {
        try await H.test { harness, client in
            let deploy = H.body(#"{"component": "api", "version": "v1.10.2", "status": "success"}"#)
            let missing = try await client.execute(
                uri: "\(H.api)/environments/nowhere/deployments",
                method: .post,
                headers: harness.auth("write"),
                body: deploy
            )
            missing.expectError(.notFound, "not_found")
            #expect(missing.json["message"] == .string(#"environment "nowhere" not found"#))
            let path = "\(H.api)/environments/production/deployments"
            for (json, field) in [
                (#"{"component": "cli", "version": "v9.9.9"}"#, "version"),
                (#"{"component": "cli", "version": "v1.1.0", "status": "done"}"#, "status"),
                (#"{"component": "cli", "version": "v1.1.0", "typo": 1}"#, "typo"),
            ] {
                try await client.execute(uri: path, method: .post, headers: harness.auth("admin"), body: H.body(json))
                    .expectError(.badRequest, "invalid_request", field: field)
            }
            try await client.execute(uri: "\(path)?limit=0", method: .get).expectError(.badRequest, "invalid_request", field: "limit")
            try await client.execute(uri: "\(path)?cursor=garbage", method: .get).expectError(.badRequest, "invalid_request", field: "cursor")
            try await client.execute(uri: "\(H.api)/environments/_not-a-name/deployments", method: .get)
                .expectError(.badRequest, "invalid_request", field: "environment")
            try await client.execute(uri: path, method: .post, headers: harness.auth("read"), body: deploy).expectError(.forbidden, "forbidden")
            let anonymous = try await client.execute(uri: path, method: .post, body: deploy)
            anonymous.expectError(.unauthorized, "unauthorized")
            #expect(anonymous.headers[.wwwAuthenticate] == "Bearer")
            try await client.execute(uri: "/api/v1/pages/secret/deployments", method: .get).expectError(.unauthorized, "unauthorized")
        }
    }

    @Test("by id: read, patched (200, finished_at set), deleted by an admin (204), then 404")
    func byID() async throws {
        try await H.test { harness, client in
            let inProgress = #"{"component": "cli", "version": "v1.1.0", "status": "in_progress", "host": "h1"}"#
            let recorded = try await harness.send(client, .post, "\(H.api)/environments/production/deployments", key: "write", json: inProgress)
            let id = try #require(recorded.json["id"]?.string)
            let path = "\(H.api)/deployments/\(id)"
            let shown = try await client.execute(uri: path, method: .get)
            #expect(shown.status == .ok && shown.json == recorded.json)
            let failed = #"{"status": "failure", "error_message": "migration 42 failed", "host": null}"#
            let patched = try await harness.send(client, .patch, path, key: "write", json: failed)
            #expect(patched.status == .ok, "\(patched.text)")
            #expect(patched.json["status"] == .string("failure"))
            #expect(patched.json["error_message"] == .string("migration 42 failed"))
            #expect(patched.json["finished_at"]?.string != nil && patched.json["host"] == nil)
            #expect(try await client.execute(uri: path, method: .get).json == patched.json)
            try await client.execute(uri: path, method: .patch, headers: harness.auth("admin"), body: H.body("[1]"))
                .expectError(.badRequest, "invalid_request", field: "body")
            try await client.execute(uri: path, method: .delete, headers: harness.auth("write")).expectError(.forbidden, "forbidden")
            try await client.execute(uri: "/api/v1/pages/other/deployments/\(id)", method: .delete, headers: harness.auth("other"))
                .expectError(.notFound, "not_found")
            let deleted = try await client.execute(uri: path, method: .delete, headers: harness.auth("admin"))
            #expect(deleted.status == .noContent)
            try await client.execute(uri: path, method: .get).expectError(.notFound, "not_found")
            let all = try await client.execute(uri: "\(H.api)/deployments?environment=production", method: .get)
            #expect(all.status == .ok)
            #expect(!(all.json["items"]?.items.contains { $0["id"] == .string(id) } ?? true))
        }
    }
}
