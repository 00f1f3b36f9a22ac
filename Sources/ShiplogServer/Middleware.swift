import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ShiplogModel
import ShiplogStore
import Synchronization

/// The request context of every route: the caller (resolved once, by ``GateMiddleware``) and the client's address.
struct ShiplogContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The client's IP address, for rate limits of anonymous callers.
    let clientAddress: String
    var caller: Caller = .anonymous

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// Bodies larger than this are refused with 413.
    var maxUploadSize: Int { ServerLimits.maximumBodySize }
}

enum ServerLimits {
    /// The largest request body taken (release notes are Markdown, rarely more than some KiB).
    static let maximumBodySize = 1 << 20
}

/// One log line per request: method, path (never the query, which may hold a key), status, duration.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = ShiplogContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        if logger.logLevel <= .info {
            let elapsed = (ContinuousClock.now - start).components
            let milliseconds = Double(elapsed.seconds) * 1000 + Double(elapsed.attoseconds) / 1e15
            logger.info("\(request.method) \(request.uri.path) \(response.status.code) \(String(format: "%.2f", milliseconds))ms")
        }
        return response
    }
}

/// Turns every error into a JSON answer in the shape of SPEC §6, so no request ends without a body
/// (unknown routes, bodies too large, and bugs included).
struct JSONErrorMiddleware: RouterMiddleware {
    typealias Context = ShiplogContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch let error as StoreError {
            if case .database(let message) = error { logger.error("store: \(message)") }
            return try APIError.from(error).response(from: request, context: context)
        } catch let error as HTTPError {
            return try Self.translate(error).response(from: request, context: context)
        } catch {
            logger.error("\(request.method) \(request.uri.path): \(String(describing: error))")
            return try APIError(.internalServerError, "internal_error", "the server failed to answer; this is a bug")
                .response(from: request, context: context)
        }
    }

    static func translate(_ error: HTTPError) -> APIError {
        switch error.status {
        case .notFound: APIError(.notFound, "not_found", "no such route")
        case .contentTooLarge:
            APIError(.contentTooLarge, "body_too_large", "the request body is larger than \(ServerLimits.maximumBodySize) bytes")
        case .methodNotAllowed: APIError(.methodNotAllowed, "method_not_allowed", "this route does not take that method")
        default: APIError(error.status, "http_error", error.body ?? error.status.reasonPhrase)
        }
    }
}

/// Serves the static site for every path outside the API (`/v1/`, `/api/`, `/health`, `/openapi.json`),
/// so API requests never touch the file system and static files are not rate-limited.
///
/// Each file is opened once and read whole (site files are small): its size and bytes come from the
/// same open file, so a file that a rebuild swaps in meanwhile is served either old or new, never a
/// `Content-Length` of one with the bytes of the other (which a stat-then-open server would do).
struct SiteFilesMiddleware: RouterMiddleware {
    typealias Context = ShiplogContext
    let root: String

    static func isAPI(_ path: String) -> Bool {
        path.hasPrefix("/v1/") || path.hasPrefix("/api/") || path == "/health" || path == "/openapi.json"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard request.method == .get || request.method == .head, !Self.isAPI(path),
            let segments = Self.segments(path)
        else {
            return try await next(request, context)
        }
        var file = ([root] + segments).joined(separator: "/")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else { return try await next(request, context) }
        if isDirectory.boolValue {
            guard path.hasSuffix("/") else {
                return Response(status: .movedPermanently, headers: [.location: path + "/" + (request.uri.query.map { "?" + $0 } ?? "")])
            }
            file += "/index.html"
        }
        guard let data = FileManager.default.contents(atPath: file) else { return try await next(request, context) }
        let fileExtension = file.split(separator: "/").last.flatMap { $0.contains(".") ? $0.split(separator: ".").last : nil }
        var type = fileExtension.flatMap { MediaType.getMediaType(forExtension: String($0)) }?.description ?? "application/octet-stream"
        if type.hasPrefix("text/") || type.hasSuffix("json") || type.hasSuffix("xml") { type += "; charset=utf-8" }
        var headers: HTTPFields = [.contentType: type, .contentLength: String(data.count), .cacheControl: "public, max-age=60"]
        if request.method == .head {
            return Response(status: .ok, headers: headers)
        }
        headers[.contentLength] = nil
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The decoded path segments under the site's root; nil for anything that could leave it
    /// (`..`, encoded slashes, NUL, invalid percent-encoding).
    static func segments(_ path: String) -> [String]? {
        var segments: [String] = []
        for raw in path.split(separator: "/", omittingEmptySubsequences: true) {
            guard let segment = raw.removingPercentEncoding, segment != "..", segment != ".", !segment.contains("/"),
                !segment.contains("\0"), !segment.hasPrefix(".")
            else { return nil }
            segments.append(segment)
        }
        return segments
    }
}

/// Lets browsers on other origins read the headers that matter (`ETag`, the rate-limit headers …) on
/// every answer; Hummingbird's CORS middleware names them on preflight answers only.
struct ExposeHeadersMiddleware: RouterMiddleware {
    typealias Context = ShiplogContext
    static let names = ["ETag", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After", "Location"]
    static let exposed = names.joined(separator: ", ")

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        if request.headers[.origin] != nil, response.headers[.accessControlExposeHeaders] == nil {
            response.headers[.accessControlExposeHeaders] = Self.exposed
        }
        return response
    }
}

/// Resolves the caller's key, and applies the rate limit per key (or per client address without one),
/// with `X-RateLimit-*` headers on every answer and 429 + `Retry-After` when the limit is reached.
struct GateMiddleware: RouterMiddleware {
    typealias Context = ShiplogContext
    let keys: KeyRing
    let limiter: RateLimiter?
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        do {
            context.caller = try await keys.caller(request)
        } catch {
            logger.error("store: \(error)")
            return try APIError.from(error).response(from: request, context: context)
        }
        guard let limiter else { return try await next(request, context) }
        let identity =
            switch context.caller {
            case .key(let key): "key " + key.id
            default: "ip " + context.clientAddress
            }
        let decision = limiter.take(identity)
        let headers: HTTPFields = [
            .rateLimitLimit: String(limiter.limit),
            .rateLimitRemaining: String(decision.remaining),
            .rateLimitReset: String(decision.resetEpochSeconds),
        ]
        guard decision.allowed else {
            var fields = headers
            fields[.retryAfter] = String(decision.retryAfterSeconds)
            return try APIError(
                .tooManyRequests,
                "rate_limited",
                "too many requests: \(limiter.limit) a minute are allowed; retry in \(decision.retryAfterSeconds) s",
                headers: fields
            ).response(from: request, context: context)
        }
        var response = try await next(request, context)
        response.headers.append(contentsOf: headers)
        return response
    }
}

extension HTTPField.Name {
    static let rateLimitLimit = HTTPField.Name("X-RateLimit-Limit")!
    static let rateLimitRemaining = HTTPField.Name("X-RateLimit-Remaining")!
    static let rateLimitReset = HTTPField.Name("X-RateLimit-Reset")!
}

/// A fixed one-minute window per identity: `limit` requests, then 429 until the window ends.
final class RateLimiter: Sendable {
    struct Decision {
        var allowed: Bool
        var remaining: Int
        var resetEpochSeconds: Int
        var retryAfterSeconds: Int
    }

    private struct Window {
        var start: Int
        var used: Int
    }

    let limit: Int
    private let windows = Mutex<[String: Window]>([:])

    init(limit: Int) {
        self.limit = limit
    }

    func take(_ identity: String, now: Int = Int(Date().timeIntervalSince1970)) -> Decision {
        let minute = now - now % 60
        return windows.withLock { windows in
            if windows.count > 100_000 { windows = windows.filter { $0.value.start == minute } }
            var window = windows[identity] ?? Window(start: minute, used: 0)
            if window.start != minute { window = Window(start: minute, used: 0) }
            let allowed = window.used < limit
            if allowed { window.used += 1 }
            windows[identity] = window
            let reset = minute + 60
            return Decision(allowed: allowed, remaining: limit - window.used, resetEpochSeconds: reset, retryAfterSeconds: max(1, reset - now))
        }
    }
}
