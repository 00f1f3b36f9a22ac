import HTTPTypes
import ShiplogModel

/// ReleaseBits' error body (SPEC §7): `{"error": "sentence"}`, the sentence naming each field that is
/// wrong. Status and headers (`WWW-Authenticate`, `Retry-After`, rate limits) are the native ones.
enum ReleaseBitsErrors {
    static func owns(_ path: String) -> Bool { path == "/releasebits" || path.hasPrefix("/releasebits/") }

    static func body(_ error: APIError) -> JSONValue {
        var sentence = error.message
        switch error.status {
        case .unauthorized:
            sentence = "a valid API token is needed: send it as \"Authorization: Bearer TOKEN\", \"Authorization: TOKEN\" or ?access_token=TOKEN"
        default:
            if !error.causes.isEmpty {
                sentence += ": " + error.causes.map { "\($0.field): \($0.error)" }.joined(separator: "; ")
            }
        }
        return .object([JSONMember("error", .string(sentence))])
    }
}
