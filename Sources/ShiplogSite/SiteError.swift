import ShiplogMacroSupport

/// Why a site could not be built: a template problem or an I/O failure, with the path involved.
@MemberwiseInit(unlabeled: 2)
public struct SiteError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is, for the exit status.
    public enum Kind: Sendable {
        /// A template is missing or does not parse.
        case template
        /// Reading or writing a file failed.
        case io
    }

    /// What kind of failure.
    public var kind: Kind
    /// A sentence naming the file and what went wrong.
    public var message: String

    public var description: String { message }
}
