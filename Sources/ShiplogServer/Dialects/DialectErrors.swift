import HTTPTypes
import Hummingbird
import ShiplogModel

/// Which dialect's error shape answers a request path (SPEC §7): every error of a dialect's
/// routes — thrown by a handler, the router's 404/405, a 413, or the gate's 429 — is rendered by
/// ``APIError/response(from:context:)``, which asks here first.
enum DialectErrors {
    /// The renderer for the errors of `path`, or nil for the native shape.
    static func renderer(for path: String) -> (@Sendable (APIError) -> Response)? {
        if ReleasePageDialect.owns(path) { return ReleasePageDialect.response }
        if ReleasePilotDialect.owns(path) { return ReleasePilotDialect.response }
        if AviatorError.owns(path) { return { error in response(AviatorError.body(error), for: error) } }
        if ReleaseBitsErrors.owns(path) { return { error in response(ReleaseBitsErrors.body(error), for: error) } }
        if AppReleaseRoutes.owns(path) { return { error in AppsError(error).response } }
        return nil
    }

    /// An error body (the native one or a dialect's), with the error's status and headers (`Retry-After`, `WWW-Authenticate` …).
    static func response(_ body: JSONValue, for error: APIError) -> Response {
        var response = JSONResponse.make(body, status: error.status)
        response.headers.append(contentsOf: error.headers)
        return response
    }
}

extension APIError {
    /// The message as a sentence: its first letter capitalized.
    var sentence: String { message.prefix(1).uppercased() + message.dropFirst() }
}
