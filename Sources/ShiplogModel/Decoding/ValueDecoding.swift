/// Decodes single values of the data format, such as an API request body, with the same rules
/// (and the same messages) as a data file.
///
/// ```swift
/// let release = try ValueDecoding.release(json, source: "request body")
/// ```
///
/// Unknown keys are problems here, not warnings: a client's typo must not pass unnoticed when
/// there is no terminal to warn on.
public enum ValueDecoding {
    /// A `components[]` element.
    public static func component(_ value: JSONValue, source: String) throws(DataLoadError) -> Component {
        try decode(value, source) { $0.component($1, at: .root) }
    }

    /// A `releases[]` element.
    public static func release(_ value: JSONValue, source: String) throws(DataLoadError) -> Release {
        try decode(value, source) { $0.release($1, at: .root) }
    }

    /// A `groups[]` element.
    public static func group(_ value: JSONValue, source: String) throws(DataLoadError) -> ReleaseGroup {
        try decode(value, source) { $0.group($1, at: .root) }
    }

    /// An `environments[]` element.
    public static func environment(_ value: JSONValue, source: String) throws(DataLoadError) -> Environment {
        try decode(value, source) { $0.environment($1, at: .root) }
    }

    /// A `deployments[]` element.
    public static func deployment(_ value: JSONValue, source: String) throws(DataLoadError) -> Deployment {
        try decode(value, source) { $0.deployment($1, at: .root) }
    }

    private static func decode<T>(
        _ value: JSONValue,
        _ source: String,
        _ body: (DataDecoder, JSONValue) -> T?
    ) throws(DataLoadError) -> T {
        let sink = ProblemSink(file: source)
        let decoded = body(DataDecoder(sink: sink), value)
        // An unknown key is refused here, so the loader's "… ignored" wording would mislead.
        let unknown = sink.warnings.map { warning in
            var problem = warning
            problem.message = problem.message.replacing(" ignored (known keys", with: " (known keys")
            return problem
        }
        let problems = sink.problems + unknown
        guard problems.isEmpty, let decoded else {
            throw DataLoadError(problems: problems, warnings: [])
        }
        return decoded
    }
}
