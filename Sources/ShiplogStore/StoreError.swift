import ShiplogMacroSupport

/// Why the store refused or failed: a ``Code-swift.struct`` to decide on, a sentence that names
/// the thing or the field, and the underlying error when there was one (a GRDB or PostgresNIO
/// error), kept for logs rather than flattened into the sentence. Shaped like swift-nio's
/// `FileSystemError` and our `SMTPError`: a struct, so codes can be added without breaking callers.
///
/// ```swift
/// do {
///     try await store.createRelease(release, page: "acme")
/// } catch where error.code == .conflict {
///     // the version exists
/// }
/// ```
@MemberwiseInit(unlabeled: 2)
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A broad classification; new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case notFound, conflict, invalid, database
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The named thing does not exist (`page "acme"`, `component "api"` …).
        public static let notFound = Code(.notFound)
        /// The write conflicts with what is stored (a duplicate, or a release something refers to).
        public static let conflict = Code(.conflict)
        /// A value breaks a rule; ``StoreError/field`` names it.
        public static let invalid = Code(.invalid)
        /// The database could not be opened, read or written.
        public static let database = Code(.database)

        public var description: String { base.rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// What is missing (`page "acme"`), or a sentence saying what went wrong.
    public var message: String
    /// The field an ``Code-swift.struct/invalid`` value was given in.
    public var field: String?
    /// The underlying error (the database driver's), when there was one.
    public var cause: (any Error)?

    /// The named thing does not exist.
    public static func notFound(_ what: String) -> StoreError { StoreError(.notFound, what) }
    /// The write conflicts with what is stored.
    public static func conflict(_ message: String) -> StoreError { StoreError(.conflict, message) }
    /// The value of `field` breaks a rule.
    public static func invalid(field: String, message: String) -> StoreError { StoreError(.invalid, message, field: field) }
    /// The database failed; `cause` is the driver's error.
    public static func database(_ message: String, cause: (any Error)? = nil) -> StoreError { StoreError(.database, message, cause: cause) }

    /// Errors are equal when they say the same thing; the cause is not compared.
    public static func == (a: StoreError, b: StoreError) -> Bool {
        a.code == b.code && a.message == b.message && a.field == b.field
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(message)
        hasher.combine(field)
    }

    public var description: String {
        switch code {
        case .notFound: "\(message) not found"
        case .invalid: "\(field ?? "value"): \(message)"
        case .database: "database error: \(message)"
        default: message
        }
    }
}
