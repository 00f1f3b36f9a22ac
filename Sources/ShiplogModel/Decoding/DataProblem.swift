/// One problem with input data: the file, the JSON path of the value, and what is wrong.
///
/// Printed as `data.json: releases[3].version: "1..2" is not a valid version: …`.
public struct DataProblem: Sendable, Hashable, CustomStringConvertible {
    /// The file the value came from (as the user named it), or a label such as `request body`.
    public var file: String
    /// Where in that file.
    public var path: JSONPath
    /// What is wrong, and how to fix it.
    public var message: String

    /// Creates a problem.
    public init(file: String, path: JSONPath, message: String) {
        self.file = file
        self.path = path
        self.message = message
    }

    public var description: String { "\(file): \(path): \(message)" }
}

/// Where a decoded value came from, for problems found after decoding (cross references).
public struct Origin: Sendable, Hashable {
    /// The file.
    public var file: String
    /// The path of the value in the file.
    public var path: JSONPath

    /// Creates an origin.
    public init(file: String, path: JSONPath) {
        self.file = file
        self.path = path
    }

    /// A problem about a member of the value at this origin.
    public func problem(_ key: String?, _ message: String) -> DataProblem {
        DataProblem(file: file, path: key.map { path.appending($0) } ?? path, message: message)
    }
}
