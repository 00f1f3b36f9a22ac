import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ShiplogMacroSupport
import ShiplogModel
import ShiplogStore

/// An error answer of the app-releases dialect (SPEC §7, seed `004_…`):
/// `{"error": "RESOURCE_NOT_FOUND", "message": …, "details": {…}, "timestamp": …, "status_code": 404}`,
/// or, for a request that does not validate, FastAPI's 422 `{"detail": [{"loc", "msg", "type", "input", "ctx"}]}`.
@MemberwiseInit(unlabeled: 3)
struct AppsError: Error, HTTPResponseError, Sendable {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    var details: [JSONMember] = []
    /// The items of a 422 `detail` list; when set, the answer is that list and nothing else.
    var validation: [JSONValue]?
    var headers: HTTPFields = [:]

    /// A 422 with FastAPI's `detail` items.
    static func unprocessable(_ items: [JSONValue]) -> AppsError {
        AppsError(.unprocessableContent, "VALIDATION_ERROR", "Validation error", validation: items)
    }

    /// One FastAPI `detail` item: where (`["query", "limit"]`), what is wrong, its type and the input.
    static func item(_ loc: [String], _ msg: String, type: String, input: JSONValue = .null, ctx: [JSONMember] = []) -> JSONValue {
        .object([
            JSONMember("loc", .array(loc.map { JSONValue.string($0) })),
            JSONMember("msg", .string(msg)),
            JSONMember("type", .string(type)),
            JSONMember("input", input),
            JSONMember("ctx", .object(ctx)),
        ])
    }

    static func notFound(_ type: String, _ id: String) -> AppsError {
        AppsError(
            .notFound,
            "RESOURCE_NOT_FOUND",
            "The requested resource was not found",
            details: [JSONMember("resource_type", .string(type)), JSONMember("resource_id", .string(id))]
        )
    }

    static func forbidden(_ scope: KeyScope) -> AppsError {
        AppsError(
            .forbidden,
            "FORBIDDEN",
            "You don't have permission to perform this action",
            details: [JSONMember("required_permission", .string("releases:\(scope.rawValue)"))]
        )
    }

    static func conflict(_ message: String, details: [JSONMember] = []) -> AppsError {
        AppsError(.conflict, "CONFLICT", message, details: details)
    }

    var body: JSONValue {
        if let validation { return .object([JSONMember("detail", .array(validation))]) }
        return .object([
            JSONMember("error", .string(code)),
            JSONMember("message", .string(message)),
            JSONMember("details", .object(details)),
            JSONMember("timestamp", .string(AppsTime.now())),
            JSONMember("status_code", .int(status.code)),
        ])
    }

    /// The answer: ``body`` with the status and headers.
    var response: Response { JSONResponse.make(body, status: status, headers: headers) }

    func response(from request: Request, context: some RequestContext) throws -> Response { response }
}

extension AppsError {
    /// A native error in this dialect's shape: the same status, the seed's codes and sentences.
    init(_ error: APIError) {
        switch error.status {
        case .unauthorized:
            self.init(.unauthorized, "AUTHENTICATION_FAILED", "Authentication required", headers: error.headers)
        case .forbidden:
            let scope = KeyScope.allCases.first { error.message.contains("the \($0.rawValue) scope") } ?? .write
            self = .forbidden(scope)
        case .notFound:
            let (type, id) = Self.subject(of: error.message)
            self = .notFound(type, id)
        case .badRequest:
            self = .unprocessable(Self.items(error))
        case .conflict:
            self = .conflict(error.message)
        case .contentTooLarge:
            self.init(.contentTooLarge, "PAYLOAD_TOO_LARGE", error.message)
        case .tooManyRequests:
            let retry = error.headers[.retryAfter].flatMap { Int($0) } ?? 60
            self.init(
                .tooManyRequests,
                "RATE_LIMIT_EXCEEDED",
                "Too many requests",
                details: [JSONMember("retry_after", .int(retry))],
                headers: error.headers
            )
        case .serviceUnavailable:
            self.init(.serviceUnavailable, "SERVICE_UNAVAILABLE", error.message, headers: error.headers)
        case .internalServerError:
            self.init(.internalServerError, "INTERNAL_SERVER_ERROR", "An unexpected error occurred")
        default:
            let code = error.status.reasonPhrase.uppercased().replacingOccurrences(of: " ", with: "_")
            self.init(error.status, code, error.message, headers: error.headers)
        }
    }

    /// `release "1.0" of component "api" not found` → ("release", "1.0"); native names in the dialect's words.
    static func subject(of message: String) -> (String, String) {
        let kind = message.prefix { $0 != " " }
        let words = ["page": "workspace", "component": "app", "release": "release", "route": "route", "id": "release"]
        let parts = message.split(separator: "\"", omittingEmptySubsequences: false)
        let id = parts.count >= 3 ? String(parts[1]) : ""
        return (words[String(kind)] ?? String(kind), id)
    }

    /// A native 400 as FastAPI `detail` items: each cause with its place (`query`, `path` or `body`).
    static func items(_ error: APIError) -> [JSONValue] {
        let place = error.message.contains("query") ? "query" : error.message.contains("path") ? "path" : "body"
        let type = error.code == "invalid_json" ? "json_invalid" : "value_error"
        let causes = error.causes.isEmpty ? [APIError.Cause(field: "body", error: error.message)] : error.causes
        return causes.map { cause in
            let field = AppReleaseInput.dialectField(cause.field)
            let loc = field == "body" ? [place] : [field == "app" ? "path" : place, field]
            return item(loc, cause.error, type: type)
        }
    }
}

/// The dialect's timestamps: RFC 3339 in UTC with microseconds, `2025-01-01T00:00:00.000000Z`
/// (the seed shows the digits without a zone; the `Z` makes the instant unambiguous).
enum AppsTime {
    static func format(_ timestamp: Timestamp) -> String {
        String(timestamp.rfc3339.dropLast()) + ".000000Z"
    }

    static func now() -> String {
        let now = Date().timeIntervalSince1970
        let seconds = Int64(now.rounded(.down))
        let micros = min(999_999, Int((now - Double(seconds)) * 1_000_000))
        let digits = String(micros)
        return String(Timestamp(seconds: seconds).rfc3339.dropLast()) + "." + String(repeating: "0", count: 6 - digits.count) + digits + "Z"
    }
}
