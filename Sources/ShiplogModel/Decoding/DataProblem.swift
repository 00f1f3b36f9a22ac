import ShiplogMacroSupport

/// One problem with input data: the file, the JSON path of the value, and what is wrong.
///
/// Printed as `FILE: JSON.PATH: message` (SPEC §1), the release named after the message:
/// `data.json: releases[3].published_at: missing required field "published_at" (release api 1.2)`.
@MemberwiseInit
public struct DataProblem: Sendable, Hashable, CustomStringConvertible {
    /// The file the value came from (as the user named it), or a label such as `request body`.
    public var file: String
    /// Where in that file.
    public var path: JSONPath
    /// What the value at a prefix of ``path`` is, for people; nil when unknown.
    public var subject: Subject?
    /// What is wrong, and how to fix it.
    public var message: String

    /// Names the value at the first `depth` steps of a path, such as `grdb 7.0.0-beta.3` for
    /// `releases[370]`, so that a reader finds it without counting array elements.
    public struct Subject: Sendable, Hashable {
        /// How many steps of the path lead to the value named.
        public var depth: Int
        /// The name, printed in parentheses after the message (``DataProblem/description``) or after
        /// those steps (``DataProblem/location``).
        public var text: String
    }

    /// The path with the subject: `releases[370] (grdb 7.0.0-beta.3).published_at`.
    public var location: String { path.description(naming: subject) }

    /// `FILE: JSON.PATH: message`, the path a plain JSON path (a check can match it) and the release
    /// named after the message: `releases[370].published_at: … (release grdb 7.0.0-beta.3)`.
    public var description: String { "\(place): \(explanation)" }

    /// `FILE: JSON.PATH`: where ``description`` places the problem.
    public var place: String { "\(file): \(path.description)" }

    /// What ``description`` says after the place: the message, then the release it is about.
    public var explanation: String { message + (subject.map { " (release \($0.text))" } ?? "") }
}

/// Where a decoded value came from, for problems found after decoding (cross references).
@MemberwiseInit
public struct Origin: Sendable, Hashable {
    /// The file.
    public var file: String
    /// The path of the value in the file.
    public var path: JSONPath
    /// What the value is, for people (see ``DataProblem/Subject``).
    public var subject: DataProblem.Subject?

    /// The path with the subject, as problems print it.
    public var location: String { path.description(naming: subject) }

    /// A problem about a member of the value at this origin.
    public func problem(_ key: String?, _ message: String) -> DataProblem {
        DataProblem(file: file, path: key.map { path.appending($0) } ?? path, subject: subject, message: message)
    }
}

extension JSONPath {
    /// The path as ``description`` prints it, with `subject` in parentheses after the steps it names.
    public func description(naming subject: DataProblem.Subject?) -> String {
        guard let subject, subject.depth > 0, subject.depth <= components.count else { return description }
        let named = JSONPath(components: Array(components[..<subject.depth])).description + " (\(subject.text))"
        guard subject.depth < components.count else { return named }
        // The rest printed as a path of its own: a plain key comes without its leading dot.
        let rest = JSONPath(components: Array(components[subject.depth...])).description
        return rest.hasPrefix("[") ? named + rest : named + "." + rest
    }
}
