import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import ShiplogModel
import ShiplogStore
import Testing

@testable import ShiplogServer

/// ``VersionFastPath`` on a channel of its own: what it answers itself, what it passes on to the
/// router, and that answers stay in the order of the requests.
@Suite struct VersionFastPathTests {
    /// A store with a public page `acme` and a private page `secret`, read into snapshots.
    private static func answerer() async throws -> VersionAnswerer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fastpath-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try SQLiteStore(path: directory.appendingPathComponent("s.db").path)
        for (id, isPublic) in [("acme", true), ("secret", false)] {
            let json = """
                {"page": {"id": "\(id)", "title": "T", "public": \(isPublic)}, "components": [{"slug": "api"}],
                 "releases": [{"component": "api", "version": "1.0.0", "published_at": "2024-01-01T00:00:00Z"}]}
                """
            _ = try await store.importData(DataLoader.load([DataSource(name: "data.json", bytes: Array(json.utf8))]).data)
        }
        let snapshots = Snapshots(store: store)
        try await snapshots.reloadAll()
        return VersionAnswerer(snapshots: snapshots, keys: KeyRing(store: store), limiter: nil, logger: Logger(label: "test"))
    }

    private static func request(_ path: String, _ fields: HTTPFields = [:]) -> HTTPRequestPart {
        .head(HTTPRequest(method: .get, scheme: nil, authority: "x", path: path, headerFields: fields))
    }

    /// Sends a whole request (head and end).
    private static func send(_ channel: EmbeddedChannel, _ head: HTTPRequestPart) throws {
        try channel.writeInbound(head)
        try channel.writeInbound(HTTPRequestPart.end(nil))
    }

    /// The paths of the requests passed on to the router so far.
    private static func passedOn(_ channel: EmbeddedChannel) throws -> [String] {
        var paths: [String] = []
        while let part = try channel.readInbound(as: HTTPRequestPart.self) {
            if case .head(let head) = part { paths.append(head.path ?? "") }
        }
        return paths
    }

    /// The statuses of the answers written so far.
    private static func answered(_ channel: EmbeddedChannel) throws -> [Int] {
        var statuses: [Int] = []
        while let part = try channel.readOutbound(as: HTTPResponsePart.self) {
            if case .head(let head) = part { statuses.append(head.status.code) }
        }
        return statuses
    }

    @Test func answersThePlainVersionRequestItself() async throws {
        let answerer = try await Self.answerer()
        let channel = EmbeddedChannel(handler: VersionFastPath(answerer))
        try Self.send(channel, Self.request("/v1/pages/acme/version", [.origin: "https://app.example"]))
        #expect(try Self.passedOn(channel).isEmpty)
        guard case .head(let head)? = try channel.readOutbound(as: HTTPResponsePart.self) else {
            Issue.record("no answer")
            return
        }
        #expect(head.status == .ok)
        #expect(head.headerFields[.accessControlAllowOrigin] == "*")
        #expect(head.headerFields[.eTag] == answerer.snapshots["acme"]?.versionETag)
        #expect(head.headerFields[.date]?.hasSuffix(" GMT") == true)
        guard case .body(let body)? = try channel.readOutbound(as: HTTPResponsePart.self) else {
            Issue.record("no body")
            return
        }
        #expect(body == answerer.snapshots["acme"]?.versionBody)
        #expect(head.headerFields[.contentLength] == String(body.readableBytes))
        #expect(try channel.readOutbound(as: HTTPResponsePart.self) == .end(nil))
    }

    /// Requests and who answers them: nil, the router (the request is passed on whole); a status,
    /// the fast path itself (nothing is passed on).
    static let routes: [(String, Int?)] = [
        ("/v1/pages/secret/version", nil),  // private: the router answers 403 key-invalid
        ("/v1/pages/none/version", nil),  // no such page
        ("/v1/pages/acme/version?access_token=x", nil),  // a query
        ("/v1/pages/acm%65/version", nil),  // percent-encoded
        ("/v1/pages/acme/version/", nil),
        ("/v1/pages//version", nil),
        ("/api/v1/pages/acme", nil),
        ("/v1/pages/acme/components/none/update/darwin/aarch64/1.0.0", nil),  // no such component: the router's 404
        ("/v1/pages/secret/components/api/update/darwin/aarch64/1.0.0", nil),
        ("/v1/pages/acme/components/api/update/darwin/aarch64/1..0", nil),  // the router's 400
        ("/v1/pages/acme/components/api/update/darwin/aarch64/1.0.0?access_token=x", nil),
        ("/v1/pages/acme/components/api/update/darwin/aarch64/1.0.0?channel=beta&channel=rc", nil),
        ("/v1/pages/acme/components/api/update/darwin/aarch64/1.0.0?channel=", nil),
        ("/v1/pages/acme/components/api/update/darwin/aarch64/1.0.0%2Bb", nil),
        ("/v1/pages/acme/components/api/update/Darwin/aarch64/1.0.0", nil),
        ("/v1/pages/acme/components/api/squirrel/darwin/1.0.0?bundle=zip", nil),
        ("/v1/pages/acme/components/api/squirrel/windows/1.0.0", nil),
        ("/v1/pages/acme/components/api/squirrel/darwin/1.0.0/", nil),
        // The plain update routes; the release has no assets: no update.
        ("/v1/pages/acme/components/api/update/darwin/aarch64/0.1.0", 204),
        ("/v1/pages/acme/components/api/update/linux/x86_64/0.1.0?channel=beta&bundle=deb", 204),
        ("/v1/pages/acme/components/api/squirrel/darwin-aarch64/0.1.0?channel=rc", 204),
        ("/v1/pages/acme/components/api/squirrel/mac/v9", 204),
    ]

    @Test("what it leaves to the router and what it answers itself", arguments: routes)
    func answersOrLeavesToTheRouter(path: String, answer: Int?) async throws {
        let channel = EmbeddedChannel(handler: VersionFastPath(try await Self.answerer()))
        try Self.send(channel, Self.request(path))
        if let answer {
            #expect(try Self.passedOn(channel).isEmpty)
            #expect(try Self.answered(channel) == [answer])
        } else {
            #expect(try Self.passedOn(channel) == [path])
            #expect(try Self.answered(channel).isEmpty)
        }
    }

    @Test func readsTheUpdateQuestion() throws {
        guard
            case .updates(let page, let question)? = FastQuestion.update(
                path: "/v1/pages/acme/components/app/update/windows/x86_64/v1.2?bundle=msi&channel=beta"
            )
        else {
            Issue.record("not read")
            return
        }
        #expect(page == "acme" && question.component == "app" && question.channel == "beta" && question.current.text == "v1.2")
        #expect(question.updater == .tauri(target: "windows", arch: "x86_64", bundle: "msi"))
        guard case .updates(_, let squirrel)? = FastQuestion.update(path: "/v1/pages/acme/components/app/squirrel/darwin-aarch64/1.0.0") else {
            Issue.record("not read")
            return
        }
        #expect(squirrel.updater == .squirrel(platform: "darwin-aarch64") && squirrel.channel == "stable")
    }

    @Test func aKeyTheCacheDoesNotKnowGoesToTheRouter() async throws {
        let channel = EmbeddedChannel(handler: VersionFastPath(try await Self.answerer()))
        try Self.send(channel, Self.request("/v1/pages/acme/version", [.authorization: "Bearer sk_unknown"]))
        #expect(try Self.passedOn(channel) == ["/v1/pages/acme/version"])
    }

    @Test func answersStayInTheOrderOfTheRequests() async throws {
        let channel = EmbeddedChannel(handler: VersionFastPath(try await Self.answerer()))
        // While the router has not answered /health, version requests wait their turn behind it.
        try Self.send(channel, Self.request("/health"))
        try Self.send(channel, Self.request("/v1/pages/acme/version"))
        #expect(try Self.passedOn(channel) == ["/health", "/v1/pages/acme/version"])
        #expect(try Self.answered(channel).isEmpty)
        for _ in 0..<2 {
            try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok)))
            try channel.writeOutbound(HTTPResponsePart.end(nil))
        }
        #expect(try Self.answered(channel) == [200, 200])
        // Every answer is out: the next one is answered here.
        try Self.send(channel, Self.request("/v1/pages/acme/version"))
        #expect(try Self.passedOn(channel).isEmpty)
        #expect(try Self.answered(channel) == [200])
    }

    @Test func aGetWithABodyGoesToTheRouterWhole() async throws {
        let channel = EmbeddedChannel(handler: VersionFastPath(try await Self.answerer()))
        try channel.writeInbound(Self.request("/v1/pages/acme/version"))
        try channel.writeInbound(HTTPRequestPart.body(ByteBuffer(string: "{}")))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        #expect(try channel.readInbound(as: HTTPRequestPart.self).map { if case .head = $0 { true } else { false } } == true)
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == .body(ByteBuffer(string: "{}")))
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == .end(nil))
        #expect(try Self.answered(channel).isEmpty)
    }

    @Test func notModifiedWhenTheETagMatches() async throws {
        let answerer = try await Self.answerer()
        let channel = EmbeddedChannel(handler: VersionFastPath(answerer))
        let etag = try #require(answerer.snapshots["acme"]?.versionETag)
        try Self.send(channel, Self.request("/v1/pages/acme/version", [.ifNoneMatch: "W/\(etag)"]))
        #expect(try Self.answered(channel) == [304])
    }

    @Test func datesAreIMFFixdates() {
        var date = HTTPDate()
        let text = date.now()
        #expect(text.wholeMatch(of: /[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT/) != nil, "\(text)")
    }
}
