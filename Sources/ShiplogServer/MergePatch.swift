import Hummingbird
import ShiplogModel

/// A `PATCH` body applied to the stored object's members (a one-level JSON merge patch, RFC 7396):
/// a member replaces the stored one, `null` removes it. Fields the caller may not change may be sent
/// back as the answer shows them, never changed.
enum MergePatch {
    /// Applies `patch` to `members`; returns what is wrong. `locked(field)` says why a field cannot
    /// change (nil when it can), `answer` is the object as answered, `required` the fields that may not be null.
    static func apply(
        _ patch: [JSONMember],
        to members: inout [JSONMember],
        answer: JSONValue,
        required: Set<String> = [],
        locked: (String) -> String?
    ) -> [APIError.Cause] {
        var causes: [APIError.Cause] = []
        for change in patch {
            if let why = locked(change.key) {
                if change.value != (answer[change.key] ?? .null) { causes.append(.init(field: change.key, error: why)) }
                continue
            }
            if required.contains(change.key) && change.value == .null {
                causes.append(.init(field: change.key, error: "cannot be null"))
                continue
            }
            members.removeAll { $0.key == change.key }
            if change.value != .null { members.append(change) }
        }
        return causes
    }

    /// The request's patch applied to `stored` (the value as stored, a JSON object) and decoded
    /// again; a 400 with `invalid` and a cause per field that may not change as asked.
    static func decode<Value>(
        _ request: Request,
        _ context: ShiplogContext,
        stored: JSONValue,
        answer: JSONValue,
        required: Set<String> = [],
        invalid: String,
        locked: (String) -> String?,
        as decode: (JSONValue, _ source: String) throws(DataLoadError) -> Value
    ) async throws -> Value {
        let patch = try await RequestInput.object(request, context)
        guard case .object(var members) = stored else { throw APIError.invalid(invalid, causes: []) }
        let causes = apply(patch, to: &members, answer: answer, required: required, locked: locked)
        if !causes.isEmpty { throw APIError.invalid(invalid, causes: causes) }
        do { return try decode(.object(members), "request body") } catch { throw APIError.invalid(error) }
    }
}
