import HTTPTypes
import ShiplogModel

/// Aviator's errors (SPEC §7): `{"error": "Release not found"}`, a sentence, with the status.
///
/// The routes throw ``APIError``s like the native ones; those with the code ``code`` carry the
/// sentence as their message. ``DialectErrors`` renders every error answer under the dialect's
/// base in this shape, whoever made it (the rate limit, the router, a handler).
enum AviatorError {
    static func owns(_ path: String) -> Bool { path.hasPrefix("/aviator/") }

    /// `{"error": sentence}` of an error.
    static func body(_ error: APIError) -> JSONValue {
        let sentence = sentence(
            code: error.code,
            message: error.message,
            status: Int(error.status.code),
            causes: error.causes.map { ($0.field, $0.error) }
        )
        return .object([JSONMember("error", .string(sentence))])
    }

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
