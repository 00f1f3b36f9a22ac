import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import ShiplogModel
import ShiplogSite
import ShiplogStore
import Testing

@testable import ShiplogServer

/// What the `*RouterTests` suites call the harness: they name it on most lines (`H.test`, `H.body`, `H.api`).
typealias H = RouterHarness

/// The server's own router (``ShiplogServer/makeRouter``) on a SQLite store in a temporary folder,
/// with the stores of Tests/api: the example data (`site/data.json`, page `nimbus`), the private
/// page `secret`, and keys of every kind. The `*RouterTests` suites drive it in process.
struct RouterHarness {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let api = "/api/v1/pages/nimbus"
    static let version = "/v1/pages/nimbus/version"
    /// The bearer token of `/metrics` in the default configuration.
    static let metricsToken = "metrics-token-0123456789abcdef"

    let directory: URL
    let store: SQLiteStore
    let snapshots: Snapshots
    /// By name, as in Tests/api: read, write, admin (page nimbus), other (admin of the empty page
    /// `other`), secret (read of `secret`), wrong (no such key).
    let keys: [String: String]
    let app: Application<RouterResponder<ShiplogContext>>

    init(
        configuration: ServerConfiguration = ServerConfiguration(openAPIPath: nil, templates: nil, metricsToken: RouterHarness.metricsToken)
    )
        async throws
    {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("shiplog-router-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteStore(path: directory.appendingPathComponent("shiplog.db").path)
        let example = try Data(contentsOf: Self.root.appendingPathComponent("site/data.json"))
        let secret = """
            {"page": {"id": "secret", "title": "Secret releases", "public": false},
             "components": [{"slug": "app", "name": "The app"}],
             "releases": [{"component": "app", "version": "1.0.0", "published_at": "2026-01-01T00:00:00Z", "author": "eve"}]}
            """
        for (name, bytes) in [("data.json", Array(example)), ("secret.json", Array(secret.utf8))] {
            try await store.importData(DataLoader.load([DataSource(name: name, bytes: bytes)]).data)
        }
        var keys = ["wrong": "sk_this_key_does_not_exist_0123456789"]
        for scope in KeyScope.allCases { keys[scope.rawValue] = try await store.createKey(page: "nimbus", scope: scope).secret }
        keys["other"] = try await store.createKey(page: "other", scope: .admin).secret
        keys["secret"] = try await store.createKey(page: "secret", scope: .read).secret
        self.keys = keys
        let logger = Self.quiet
        let snapshots = Snapshots(store: store, logger: logger)
        try await snapshots.reloadAll()
        self.snapshots = snapshots
        let deploymentChanges = DeploymentChanges(snapshots: snapshots)
        let router = ShiplogServer.makeRouter(
            store: store,
            snapshots: snapshots,
            keys: KeyRing(store: store),
            limiter: configuration.rateLimit > 0 ? RateLimiter(limit: configuration.rateLimit) : nil,
            configuration: configuration,
            openAPI: try OpenAPIDocument.json(fromYAMLAt: Self.root.appendingPathComponent("openapi.yaml").path),
            messages: try MessageRenderer(directory: nil),
            deploymentChanges: deploymentChanges,
            notify: { _ in },
            changed: { page in await snapshots.refresh(page) },
            mailQueued: {},
            logger: logger
        )
        app = Application(router: router, logger: logger)
    }

    static var quiet: Logger {
        var logger = Logger(label: "router-tests")
        logger.logLevel = .critical
        return logger
    }

    /// Runs `test` against the router, then removes the store.
    func test(_ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        try await app.test(.router, test)
    }

    /// Runs `test` against the router of a new harness, then removes its store.
    static func test(_ test: @escaping @Sendable (RouterHarness, any TestClientProtocol) async throws -> Void) async throws {
        let harness = try await RouterHarness()
        try await harness.test { client in try await test(harness, client) }
    }

    /// Waits, when the clock's minute has fewer than `seconds` left, for the next one to begin: the
    /// rate limiter counts in fixed one-minute windows, so a test that counts requests against a limit
    /// and spans a window's end (a few seconds on a loaded machine) sees its count start again.
    static func startOfRateWindow(leaving seconds: Int = 30) async throws {
        let left = 60 - Int(Date().timeIntervalSince1970) % 60
        if left < seconds { try await Task.sleep(for: .seconds(left + 1)) }
    }

    /// A request body.
    static func body(_ json: String) -> ByteBuffer { ByteBuffer(string: json) }

    /// `METHOD uri` through `client` with the key named `key` (none for nil) and `json` as the body.
    func send(
        _ client: any TestClientProtocol,
        _ method: HTTPRequest.Method,
        _ uri: String,
        key: String?,
        json: String? = nil
    ) async throws
        -> TestResponse
    {
        try await client.execute(uri: uri, method: method, headers: auth(key), body: json.map { ByteBuffer(string: $0) })
    }

    /// `Authorization: Bearer KEY` for the key named `name` (none for nil).
    func auth(_ name: String?, _ more: HTTPFields = [:]) -> HTTPFields {
        var headers = more
        if let name, let key = keys[name] { headers[.authorization] = "Bearer \(key)" }
        return headers
    }
}

/// A response's body as JSON, and the checks of an error answer that Tests/api makes.
extension TestResponse {
    var json: JSONValue { (try? JSONParser.parse(Array(body.readableBytesView))) ?? .null }
    var text: String { String(buffer: body) }

    /// SPEC §6: JSON `{"error","message","status","causes"?}` with `status` the answer's.
    func expectError(_ status: HTTPResponse.Status, _ code: String, field: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(self.status == status, "\(text)", sourceLocation: sourceLocation)
        #expect(headers[.contentType]?.hasPrefix("application/json") == true, sourceLocation: sourceLocation)
        #expect(json["error"] == .string(code), "\(text)", sourceLocation: sourceLocation)
        #expect(json["status"] == .number(String(status.code)), "\(text)", sourceLocation: sourceLocation)
        if case .string(let message)? = json["message"] {
            #expect(!message.isEmpty, sourceLocation: sourceLocation)
        } else {
            Issue.record("no message: \(text)", sourceLocation: sourceLocation)
        }
        if let field { #expect(causes.contains(field), "no cause names \(field): \(text)", sourceLocation: sourceLocation) }
    }

    /// ReleasePage's dialect on `/v1/pages/…` (SPEC §7): `{"error": kebab-code, "error_description",
    /// "error_uri": ""}` and the media-type header.
    func expectPageError(_ status: HTTPResponse.Status, _ code: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(self.status == status, "\(text)", sourceLocation: sourceLocation)
        #expect(headers[.contentType]?.hasPrefix("application/json") == true, sourceLocation: sourceLocation)
        #expect(headers[HTTPField.Name("X-ReleasePage-Media-Type")!] == "releasepage.v1", sourceLocation: sourceLocation)
        #expect(json["error"] == .string(code), "\(text)", sourceLocation: sourceLocation)
        #expect(json["error_uri"] == .string(""), "\(text)", sourceLocation: sourceLocation)
        #expect(json["error_description"]?.string?.isEmpty == false, "\(text)", sourceLocation: sourceLocation)
        #expect(json["message"] == nil && json["status"] == nil, "\(text)", sourceLocation: sourceLocation)
    }

    /// The fields its `causes` (or a dialect's `error_causes`) name.
    var causes: [String] {
        guard case .array(let items)? = json["causes"] ?? json["error_causes"] else { return [] }
        return items.compactMap { if case .string(let field)? = $0["field"] { field } else { nil } }
    }
}

extension JSONValue {
    var string: String? { if case .string(let text) = self { text } else { nil } }
    var items: [JSONValue] { if case .array(let items) = self { items } else { [] } }
    var number: Int? { if case .number(let text) = self { Int(text) } else { nil } }
}
