import Hummingbird
import ShiplogModel

/// A `PATCH` body applied to the stored object's members (a one-level JSON merge patch, RFC 7396):
/// a member replaces the stored one, `null` removes it. Fields the caller may not change may be sent
/// back as the answer shows them, never changed.
enum MergePatch {
    /// The fields a patch may not change: those that name the object, and those the store sets.
    struct Locked {
        /// The fields that name the object: another value means another object.
        var identity: Set<String>
        /// What to do instead of changing one of them, e.g. `create a new release`.
        var instead: String
        /// The fields the store sets, never the client.
        var storeSet: Set<String>

        /// Why `field` cannot change; nil when it can.
        func reason(_ field: String) -> String? {
            if identity.contains(field) { return "cannot change; \(instead) instead" }
            return storeSet.contains(field) ? "set by the store; cannot change" : nil
        }
    }

    /// Applies `patch` to `members`; returns what is wrong. `answer` is the object as answered,
    /// `required` the fields that may not be null.
    static func apply(
        _ patch: [JSONMember],
        to members: inout [JSONMember],
        answer: JSONValue,
        required: Set<String> = [],
        locked: Locked
    ) -> [APIError.Cause] {
        var causes: [APIError.Cause] = []
        for change in patch {
            if let why = locked.reason(change.key) {
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

    /// How one kind of object is patched: how it is written as JSON and read back, and what of it
    /// may not change.
    struct Rules<Value> {
        /// `encode(value, false)` is a value as stored, a JSON object; `encode(value, true)` as answered.
        var encode: (Value, _ answer: Bool) -> JSONValue
        /// Reads the patched object back.
        var decode: (JSONValue, _ source: String) throws(DataLoadError) -> Value
        /// The fields that may not be null.
        var required: Set<String> = []
        /// The 400's message when the patch is refused.
        var invalid: String
        var locked: Locked
    }

    /// The request's patch applied to `current` and decoded again; a 400 with the rules' `invalid`
    /// message and a cause per field that may not change as asked.
    static func decode<Value>(_ request: Request, _ context: ShiplogContext, _ current: Value, by rules: Rules<Value>) async throws -> Value {
        let patch = try await RequestInput.object(request, context)
        guard case .object(var members) = rules.encode(current, false) else { throw APIError.invalid(rules.invalid, causes: []) }
        let causes = apply(patch, to: &members, answer: rules.encode(current, true), required: rules.required, locked: rules.locked)
        if !causes.isEmpty { throw APIError.invalid(rules.invalid, causes: causes) }
        do { return try rules.decode(.object(members), "request body") } catch { throw APIError.invalid(error) }
    }
}
