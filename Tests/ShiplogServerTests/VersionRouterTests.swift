import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ShiplogModel
import Testing

@testable import ShiplogServer

/// The version endpoint (VersionRoute) through the server's router, as Tests/api/test_api.py
/// drives it through the binary: the document's headers, ETag and 304, and its refusals.
@Suite struct VersionRouterTests {
    static let mediaType = HTTPField.Name("X-ReleasePage-Media-Type")!

    @Test("the version document: JSON, no-cache, the media type, an ETag and CORS")
    func document() async throws {
        try await H.test { harness, client in
            let response = try await client.execute(uri: H.version, method: .get, headers: [.origin: "https://app.example"])
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(response.headers[.cacheControl] == "no-cache")
            #expect(response.headers[Self.mediaType] == "releasepage.v1")
            #expect(response.headers[.accessControlAllowOrigin] == "*")
            #expect(response.headers[.accessControlExposeHeaders]?.lowercased().contains("etag") == true)
            #expect(response.json["latest"]?.items.isEmpty == false)
            #expect(response.json["latestGrouped"]?["version"] == .string("2026.2"))
        }
    }

    @Test("If-None-Match with the ETag (or W/, a list, *) is 304 without a body; a change moves the ETag")
    func etagAnd304() async throws {
        try await H.test { harness, client in
            let first = try await client.execute(uri: H.version, method: .get)
            let etag = try #require(first.headers[.eTag])
            #expect(etag.hasPrefix("\"") && etag.hasSuffix("\"") && etag.count > 2)
            let again = try await client.execute(uri: H.version, method: .get)
            #expect(again.headers[.eTag] == etag && again.body == first.body)
            for condition in [etag, "W/\(etag)", "\"nope\", \(etag)", "*"] {
                let response = try await client.execute(uri: H.version, method: .get, headers: [.ifNoneMatch: condition])
                #expect(response.status == .notModified, "\(condition)")
                #expect(response.body.readableBytes == 0)
                #expect(response.headers[.eTag] == etag)
            }
            let other = try await client.execute(uri: H.version, method: .get, headers: [.ifNoneMatch: "\"something-else\""])
            #expect(other.status == .ok)

            let release = #"{"component": "api", "version": "v1.11.0", "published_at": "2026-11-01T10:00:00Z", "author": "mfrost"}"#
            let created = try await client.execute(
                uri: "\(H.api)/releases",
                method: .post,
                headers: harness.auth("admin"),
                body: ByteBuffer(string: release)
            )
            #expect(created.status == .created, "\(created.text)")
            let changed = try await client.execute(uri: H.version, method: .get, headers: [.ifNoneMatch: etag])
            #expect(changed.status == .ok)
            #expect(changed.headers[.eTag] != etag)
            #expect(changed.json["latest"]?.items.first?["version"] == .string("v1.11.0"))
            let now = try #require(changed.headers[.eTag])
            #expect(try await client.execute(uri: H.version, method: .get, headers: [.ifNoneMatch: now]).status == .notModified)
        }
    }

    @Test("refusals in ReleasePage's shape: a wrong key 403 key-invalid without a challenge, another page's key 404")
    func refusals() async throws {
        try await H.test { harness, client in
            #expect(try await client.execute(uri: H.version, method: .get, headers: harness.auth("read")).status == .ok)
            let wrong = try await client.execute(uri: H.version, method: .get, headers: harness.auth("wrong"))
            wrong.expectPageError(.forbidden, "key-invalid")
            #expect(wrong.headers[.wwwAuthenticate] == nil)
            #expect(wrong.causes == ["apiKey"])
            try await client.execute(uri: H.version, method: .get, headers: harness.auth("other")).expectPageError(.notFound, "not-found")
            for path in ["/v1/pages/no-such-page/version", "/v1/pages/NOT_A_SLUG/version"] {
                let response = try await client.execute(uri: path, method: .get, headers: [.origin: "https://app.example"])
                response.expectPageError(.notFound, "not-found")
                #expect(response.headers[.accessControlAllowOrigin] == "*")
            }
        }
    }

    @Test("a private page: no key 403 key-invalid; its read key 200 with private, no-cache")
    func privatePage() async throws {
        try await H.test { harness, client in
            let path = "/v1/pages/secret/version"
            try await client.execute(uri: path, method: .get).expectPageError(.forbidden, "key-invalid")
            try await client.execute(uri: path, method: .get, headers: harness.auth("admin")).expectPageError(.notFound, "not-found")
            let response = try await client.execute(uri: path, method: .get, headers: harness.auth("secret"))
            #expect(response.status == .ok)
            #expect(response.headers[.cacheControl] == "private, no-cache")
            #expect(response.json["latest"]?.items.first?["version"] == .string("1.0.0"))
        }
    }
}
