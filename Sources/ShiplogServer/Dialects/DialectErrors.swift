import ShiplogModel

/// The error bodies of the seed systems' dialects (SPEC §7), by the path their routes live under: every
/// error answered there (401, 404 of an unknown route, 413, 429 …) takes the dialect's shape.
enum DialectErrors {
    static let shapes: [(base: String, body: @Sendable (APIError) -> JSONValue)] = [
        ("/releasebits", ReleaseBitsErrors.body)
    ]

    /// The dialect's body of `error` answered at `path`; nil for the native shape.
    static func body(_ error: APIError, path: String) -> JSONValue? {
        for shape in shapes where path == shape.base || path.hasPrefix(shape.base + "/") { return shape.body(error) }
        return nil
    }
}
