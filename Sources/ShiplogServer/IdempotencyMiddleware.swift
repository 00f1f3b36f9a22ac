import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ShiplogMacroSupport
import ShiplogModel
import ShiplogStore
import Synchronization

/// `Idempotency-Key` on every `POST` of the native API, `/api/…` (SPEC §6.1; the HTML forms of the
/// subscription pages are for browsers and ignore it): the first successful answer to a request that carries
/// one is kept in the store for 24 hours, per page and caller; the same request sent again with the same
/// key gets that answer again (same status and body, plus `Idempotent-Replayed: true`) and changes
/// nothing; the same key with another request is refused with 422. Answers other than 2xx are not
/// kept, so a request that failed may be sent again with its key. Two requests with one key never run
/// at the same time: the second waits for the first, then gets its answer.
@MemberwiseInit
struct IdempotencyMiddleware: RouterMiddleware {
    typealias Context = ShiplogContext
    static let header = HTTPField.Name("Idempotency-Key")!
    static let replayed = HTTPField.Name("Idempotent-Replayed")!

    let store: any Store
    let logger: Logger
    private let locks = KeyLocks()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .post, let key = request.headers[Self.header], request.uri.path.hasPrefix("/api/") else {
            return try await next(request, context)
        }
        if let problem = Self.problem(key) {
            throw APIError.invalid("the Idempotency-Key header is not valid", causes: [.init(field: "Idempotency-Key", error: problem)])
        }
        let caller: String
        switch context.caller {
        case .anonymous: caller = "anonymous"
        case .key(let info): caller = "key:" + info.id
        case .invalidKey: return try await next(request, context)  // answered 401, nothing to keep
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: context.maxUploadSize)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "body_too_large", "the request body is larger than \(ServerLimits.maximumBodySize) bytes")
        }
        let page = Self.page(of: request.uri.path)
        let fingerprint = Self.fingerprint(request.method.rawValue, request.uri.path, body)
        let lock = [page, caller, key].joined(separator: "\u{0}")
        await locks.lock(lock)
        defer { locks.unlock(lock) }
        if let stored = try await store.storedAnswer(page: page, caller: caller, key: key) {
            guard stored.fingerprint == fingerprint else {
                throw APIError(
                    .unprocessableContent,
                    "idempotency_key_reused",
                    "this Idempotency-Key was sent with another request in the last 24 hours; use a new key for a new request",
                    causes: [.init(field: "Idempotency-Key", error: "already used with a different method, path or body")]
                )
            }
            var headers: HTTPFields = [Self.replayed: "true"]
            if let type = stored.contentType { headers[.contentType] = type }
            if let location = stored.location { headers[.location] = location }
            return Response(status: .init(code: stored.status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: stored.body)))
        }
        let response = try await next(request, context)
        guard (200..<300).contains(response.status.code) else { return response }
        let collector = BodyCollector()
        try await response.body.write(collector)
        let answer = StoredAnswer(
            page: page,
            caller: caller,
            key: key,
            fingerprint: fingerprint,
            status: response.status.code,
            contentType: response.headers[.contentType],
            location: response.headers[.location],
            body: collector.bytes,
            createdAt: Int64(Date().timeIntervalSince1970)
        )
        do {
            try await store.storeAnswer(answer)
        } catch {
            // The write itself committed: it is answered as committed, only a repeat could act again.
            logger.error("cannot keep the answer of Idempotency-Key \(key): \(error)")
        }
        return Response(status: response.status, headers: response.headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }

    /// Why a key is not acceptable: 1 to 255 visible ASCII characters.
    static func problem(_ key: String) -> String? {
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            return "expected 1 to 255 visible ASCII characters (a UUID, for example)"
        }
        return nil
    }

    /// The page a path names (`/api/v1/pages/{page}/…`), else "" (server-wide routes).
    static func page(of path: String) -> String {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        if parts.count > 3, parts[0] == "api", parts[1] == "v1", parts[2] == "pages" { return String(parts[3]).removingPercentEncoding ?? "" }
        return ""
    }

    /// The request as the key compares it: method, path and body. A JSON body counts with its
    /// members sorted and without white space, so a retry that spaces or orders them otherwise is the
    /// same request; any other body counts as sent.
    static func fingerprint(_ method: String, _ path: String, _ body: ByteBuffer) -> String {
        var hasher = SHA256()
        hasher.update(data: Data("\(method) \(path)\n".utf8))
        if let json = body.withUnsafeReadableBytes({ try? JSONParser.parse($0) }) {
            hasher.update(data: Data(JSONWriter.write(Self.sorted(json), pretty: false).utf8))
        } else {
            body.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// `value` with the members of every object sorted by name.
    static func sorted(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members): .object(members.map { JSONMember($0.key, sorted($0.value)) }.sorted { $0.key < $1.key })
        case .array(let items): .array(items.map(sorted))
        default: value
        }
    }
}

/// Collects a response body that is written to it.
private final class BodyCollector: ResponseBodyWriter {
    var bytes: [UInt8] = []

    func write(_ buffer: ByteBuffer) async throws { bytes += buffer.readableBytesView }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

/// One lock per idempotency key: a second request with a key waits until the first finished.
final class KeyLocks: Sendable {
    private let waiting = Mutex<[String: [CheckedContinuation<Void, Never>]]>([:])

    func lock(_ id: String) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let free = waiting.withLock { waiting -> Bool in
                guard waiting[id] != nil else {
                    waiting[id] = []
                    return true
                }
                waiting[id]!.append(continuation)
                return false
            }
            if free { continuation.resume() }
        }
    }

    func unlock(_ id: String) {
        let next = waiting.withLock { waiting -> CheckedContinuation<Void, Never>? in
            guard var queue = waiting[id], !queue.isEmpty else {
                waiting[id] = nil
                return nil
            }
            let first = queue.removeFirst()
            waiting[id] = queue
            return first
        }
        next?.resume()
    }
}
