/// Why the store refused or failed.
public enum StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The named thing does not exist (`page "acme"`, `component "api"` …).
    case notFound(String)
    /// The write conflicts with what is stored (a duplicate, or a release something refers to).
    case conflict(String)
    /// The value breaks a rule; `field` names it.
    case invalid(field: String, message: String)
    /// The database could not be opened, read or written.
    case database(String)

    public var description: String {
        switch self {
        case .notFound(let what): "\(what) not found"
        case .conflict(let message): message
        case .invalid(let field, let message): "\(field): \(message)"
        case .database(let message): "database error: \(message)"
        }
    }
}
