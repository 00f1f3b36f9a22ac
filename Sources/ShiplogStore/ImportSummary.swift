/// What an import changed.
public struct ImportSummary: Sendable, Hashable {
    /// Counts of created and updated things by kind (`releases`, `components` …).
    public var created: [String: Int] = [:]
    public var updated: [String: Int] = [:]

    public init() {}

    public var description: String {
        let kinds = Set(created.keys).union(updated.keys).sorted()
        guard !kinds.isEmpty else { return "nothing changed" }
        return kinds.map { "\($0): \(created[$0, default: 0]) new, \(updated[$0, default: 0]) updated" }.joined(separator: "; ")
    }
}
