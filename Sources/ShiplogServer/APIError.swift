import HTTPTypes
import Hummingbird
import ShiplogMacroSupport
import ShiplogModel
import ShiplogStore

/// An error answer of the API in the shape of SPEC §6:
/// `{"error": "machine_code", "message": "…", "status": 400, "causes": [{"field": "…", "error": "…"}]}`.
@MemberwiseInit(unlabeled: 3)
struct APIError: Error, HTTPResponseError, Sendable {
    /// One thing wrong with the request: the field (a JSON path, or a parameter) and what is wrong with it.
    struct Cause: Error, Sendable, Hashable {
        var field: String
        var error: String
    }

    var status: HTTPResponse.Status
    var code: String
    var message: String
    var causes: [Cause] = []
    var headers: HTTPFields = [:]

    var body: JSONValue {
        // `causes` is always there, empty when no field is to blame, so every error has one shape.
        .object([
            JSONMember("error", .string(code)),
            JSONMember("message", .string(message)),
            JSONMember("status", .int(status.code)),
            JSONMember("causes", Self.causesJSON(causes)),
        ])
    }

    /// Causes as `[{"field", "error"}]`.
    static func causesJSON(_ causes: [Cause]) -> JSONValue {
        .array(causes.map { .object([JSONMember("field", .string($0.field)), JSONMember("error", .string($0.error))]) })
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        // A dialect's routes answer their errors in the dialect's shape (SPEC §7).
        if let dialect = DialectErrors.renderer(for: request.uri.path) { return dialect(self) }
        return DialectErrors.response(body, for: self)
    }

    // MARK: The common ones

    static func notFound(_ what: String) -> APIError { APIError(.notFound, "not_found", "\(what) not found") }

    static let unauthorized = APIError(
        .unauthorized,
        "unauthorized",
        "a valid API key is needed: send it as \"Authorization: Bearer KEY\"",
        headers: [.wwwAuthenticate: "Bearer"]
    )

    static func forbidden(_ needed: KeyScope) -> APIError {
        APIError(.forbidden, "forbidden", "this needs a key with the \(needed.rawValue) scope")
    }

    static func invalid(_ message: String, causes: [Cause]) -> APIError {
        APIError(.badRequest, "invalid_request", message, causes: causes)
    }

    /// The problems of a request body, each as a cause with its JSON path.
    static func invalid(_ error: DataLoadError) -> APIError {
        let causes = error.problems.map { Cause(field: $0.path.components.isEmpty ? "body" : $0.path.description, error: $0.message) }
        let count = causes.count
        return invalid("the request has \(count) problem\(count == 1 ? "" : "s")", causes: causes)
    }

    /// A store refusal as the API's answer.
    static func from(_ error: StoreError) -> APIError {
        switch error.code {
        case .notFound: .notFound(error.message)
        case .conflict: APIError(.conflict, "conflict", error.message)
        case .invalid: invalid(error.message, causes: [Cause(field: error.field ?? "body", error: error.message)])
        default: APIError(.serviceUnavailable, "store_unavailable", "the store could not complete the request; try again")
        }
    }
}

/// JSON bodies for responses.
enum JSONResponse {
    static func make(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        let text = JSONWriter.write(value, pretty: false)
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
