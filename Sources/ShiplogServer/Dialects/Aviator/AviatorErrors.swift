import HTTPTypes
import Hummingbird
import NIOCore
import ShiplogModel

/// Aviator's errors (SPEC §7): `{"error": "Release not found"}`, a sentence, with the status.
///
/// The routes throw ``APIError``s like the native ones; those with the code ``code`` carry the
/// sentence as their message. ``AviatorErrorMiddleware`` renders every error answer under the
/// dialect's base in this shape, whoever made it (the rate limit, the router, a handler).
enum AviatorError {
    /// The code of an ``APIError`` whose message is an Aviator sentence.
    static let code = "aviator"

    static func make(_ status: HTTPResponse.Status, _ sentence: String) -> APIError { APIError(status, code, sentence) }

    static let projectNotFound = make(.notFound, "Release project not found")
    static let environmentNotFound = make(.notFound, "Release environment not found")
    static let releaseNotFound = make(.notFound, "Release not found")
    static let invalidCandidate = make(.badRequest, "Invalid release candidate version")
    static let invalidCommit = make(.badRequest, "Invalid commit hash")
    static let repositoryNotFound = make(.notFound, "GitHub repository not found")
    static let frozen = make(.badRequest, "Environment is frozen")
    static let nothingToRollBack = make(.notFound, "No previous deployment to roll back from")

    /// The sentence of a native error answer (`{"error": code, "message", "status", "causes"}`).
    static func sentence(code: String, message: String, status: Int, causes: [(field: String, error: String)]) -> String {
        switch (code, status) {
        case (Self.code, _): return message
        case (_, 401): return "Unauthorized"
        case (_, 403): return "Forbidden"
        case (_, 405): return "Method not allowed"
        case (_, 413): return "Request body too large"
        case (_, 429): return "Rate limit exceeded"
        case ("invalid_json", _): return "Invalid JSON body"
        case ("not_found", _): return "Not found"
        case (_, 500...): return "Internal server error"
        default:
            // Other refusals (a field of the wrong type, a conflict …): the native sentence and its causes.
            let detail = causes.map { "\($0.field): \($0.error)" }.joined(separator: "; ")
            let first = message.prefix(1).uppercased() + message.dropFirst()
            return detail.isEmpty ? first : "\(first) (\(detail))"
        }
    }
}

/// Renders every error answer of a path under `/aviator/` in Aviator's shape (``AviatorError``),
/// keeping its status and headers (`Retry-After`, `X-RateLimit-*`, `WWW-Authenticate` …). It sits
/// before the gate, so rate-limit answers are rewritten too.
struct AviatorErrorMiddleware: RouterMiddleware {
    typealias Context = ShiplogContext
    static let prefix = "/aviator/"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix(Self.prefix) else { return try await next(request, context) }
        let response: Response
        do {
            response = try await next(request, context)
        } catch let error as APIError {
            return Self.render(error.status, sentence: Self.sentence(error.body), headers: error.headers)
        } catch let error as HTTPError {
            return Self.render(error.status, sentence: Self.sentence(JSONErrorMiddleware.translate(error).body), headers: [:])
        }
        guard response.status.code >= 400 else { return response }
        let collector = AviatorBodyCollector()
        try await response.body.write(collector)
        let body = (try? JSONParser.parse(collector.bytes)) ?? .null
        var headers = response.headers
        headers[.contentLength] = nil
        return Self.render(response.status, sentence: Self.sentence(body), headers: headers)
    }

    /// The sentence of a native error body (an unreadable one gets the status's reason).
    static func sentence(_ body: JSONValue) -> String {
        guard case .string(let code)? = body["error"], case .string(let message)? = body["message"] else {
            return "Error"
        }
        var status = 0
        if case .number(let text)? = body["status"] { status = Int(text) ?? 0 }
        var causes: [(field: String, error: String)] = []
        if case .array(let items)? = body["causes"] {
            for item in items {
                if case .string(let field)? = item["field"], case .string(let error)? = item["error"] { causes.append((field, error)) }
            }
        }
        return AviatorError.sentence(code: code, message: message, status: status, causes: causes)
    }

    static func render(_ status: HTTPResponse.Status, sentence: String, headers: HTTPFields) -> Response {
        JSONResponse.make(.object([JSONMember("error", .string(sentence))]), status: status, headers: headers)
    }
}

/// Collects a response body written to it.
private final class AviatorBodyCollector: ResponseBodyWriter {
    var bytes: [UInt8] = []

    func write(_ buffer: ByteBuffer) async throws { bytes += buffer.readableBytesView }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
