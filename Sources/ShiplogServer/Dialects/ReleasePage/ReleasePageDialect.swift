import HTTPTypes
import Hummingbird
import ShiplogModel

/// ReleasePage's dialect (SPEC §7, seed `001_…`) on `/v1/pages/{pageId}/…`: the version endpoint
/// and the subscription routes answer every error as
/// `{"error": CODE, "error_description": …, "error_uri": "", "error_causes": [{"field", "error"}]}`,
/// a wrong or missing key as 403 `key-invalid`, and every answer carries
/// `X-ReleasePage-Media-Type: releasepage.v1`.
enum ReleasePageDialect {
    static let prefix = "/v1/pages/"
    static let mediaType = "releasepage.v1"

    static func owns(_ path: String) -> Bool { path.hasPrefix(prefix) }

    /// The dialect's error code for a native error: a key problem (401) is 403 `key-invalid`.
    static func code(_ error: APIError) -> String {
        switch error.status {
        case .unauthorized: "key-invalid"
        case .badRequest: "bad-request"
        case .forbidden: "forbidden"
        case .notFound: "not-found"
        case .methodNotAllowed: "method-not-allowed"
        case .conflict: "conflict"
        case .contentTooLarge: "payload-too-large"
        case .tooManyRequests: "rate-limited"
        case .serviceUnavailable: "unavailable"
        case .internalServerError: "internal-error"
        default: "error"
        }
    }

    static func response(_ error: APIError) -> Response {
        let keyInvalid = error.status == .unauthorized
        let causes = keyInvalid ? [APIError.Cause(field: "apiKey", error: "invalid")] : error.causes
        // SPEC §7: every error there has the shape of the key-invalid one, `error_causes` included
        // (empty when no field is to blame).
        let members = [
            JSONMember("error", .string(code(error))),
            JSONMember("error_description", .string(keyInvalid ? "The client API key is invalid" : error.sentence)),
            JSONMember("error_uri", .string("")),
            JSONMember("error_causes", APIError.causesJSON(causes)),
        ]
        var headers = error.headers
        // The seed asks for no scheme: a 403 is not a challenge.
        headers[.wwwAuthenticate] = nil
        headers[.releasePageMediaType] = mediaType
        return JSONResponse.make(.object(members), status: keyInvalid ? .forbidden : error.status, headers: headers)
    }
}

extension HTTPField.Name {
    static let releasePageMediaType = HTTPField.Name("X-ReleasePage-Media-Type")!
}
