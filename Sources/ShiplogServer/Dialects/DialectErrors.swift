import Hummingbird

/// Which dialect's error shape answers a request path (SPEC §7): every error of a dialect's
/// routes — thrown by a handler, the router's 404/405, a 413, or the gate's 429 — is rendered by
/// ``APIError/response(from:context:)``, which asks here first.
enum DialectErrors {
    /// The renderer for the errors of `path`, or nil for the native shape.
    static func renderer(for path: String) -> (@Sendable (APIError) -> Response)? {
        if ReleasePageDialect.owns(path) { return ReleasePageDialect.response }
        if ReleasePilotDialect.owns(path) { return ReleasePilotDialect.response }
        return nil
    }
}

extension APIError {
    /// The message as a sentence: its first letter capitalized.
    var sentence: String { message.prefix(1).uppercased() + message.dropFirst() }
}
