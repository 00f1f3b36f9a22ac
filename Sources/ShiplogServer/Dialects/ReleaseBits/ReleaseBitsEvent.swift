import Foundation
import ShiplogModel

/// A ReleaseBits deployment event (SPEC §7) as shiplog's model: the deployment, and the draft release
/// created when its version is new. What the native model has no field for (`result` as given,
/// `code_name`, `branch`, `tag`) is kept in the deployment's `meta` under ``reserved``.
struct ReleaseBitsEvent {
    /// The `meta` member that holds the fields of the event the native deployment has no place for.
    static let reserved = "releasebits"
    /// The environment of an event without `stage`.
    static let defaultStage = "production"
    static let fields = [
        "version", "result", "stage", "host", "started_at", "finished_at", "commit_sha", "code_name", "branch", "tag", "meta_data",
    ]
    /// Native field → the event's field, for error causes.
    static let names = ["environment": "stage", "status": "result", "commit": "commit_sha", "meta": "meta_data"]

    var deployment: Deployment
    var draft: Release

    /// Reads the members of an event of `component`; `now` is `finished_at` when it is missing. A
    /// string left empty (as forms send them) is a field left out; so is null.
    init(_ members: [JSONMember], component: String, now: Timestamp) throws(APIError) {
        var causes: [APIError.Cause] = []
        var text: [String: String] = [:]
        var meta: [JSONMember]?
        for member in members {
            switch (member.key, member.value) {
            case (let key, _) where !Self.fields.contains(key):
                causes.append(.init(field: key, error: "unknown field (known: \(Self.fields.joined(separator: ", ")))"))
            case (_, .null), (_, .string("")):
                continue
            case ("meta_data", .object(let given)):
                meta = given
            case ("meta_data", let value):
                causes.append(.init(field: "meta_data", error: "expected an object, found \(value.typeDescription)"))
            case (let key, .string(let value)):
                text[key] = value
            case (let key, let value):
                causes.append(.init(field: key, error: "expected a string, found \(value.typeDescription)"))
            }
        }
        if text["version"] == nil, !causes.contains(where: { $0.field == "version" }) {
            causes.append(.init(field: "version", error: "required"))
        }
        if meta?.contains(where: { $0.key == Self.reserved }) == true {
            causes.append(.init(field: "meta_data.\(Self.reserved)", error: "reserved: shiplog keeps result, code_name, branch and tag there"))
        }
        guard causes.isEmpty, let version = text["version"] else { throw APIError.invalid("the deployment is not valid", causes: causes) }

        var extra: [JSONMember] = []
        for key in ["result", "code_name", "branch", "tag"] {
            if let value = text[key] { extra.append(JSONMember(key, .string(value))) }
        }
        var metaMembers = meta ?? []
        if !extra.isEmpty { metaMembers.append(JSONMember(Self.reserved, .object(extra))) }
        var native: [JSONMember] = [
            JSONMember("component", .string(component)),
            JSONMember("version", .string(version)),
            JSONMember("environment", .string(text["stage"] ?? Self.defaultStage)),
            JSONMember("status", .string(Self.status(result: text["result"]).rawValue)),
            JSONMember("finished_at", .string(text["finished_at"] ?? now.rfc3339)),
        ]
        if let started = text["started_at"] { native.append(JSONMember("started_at", .string(started))) }
        if let host = text["host"] { native.append(JSONMember("host", .string(host))) }
        if let commit = text["commit_sha"] { native.append(JSONMember("commit", .string(commit))) }
        if meta != nil || !extra.isEmpty { native.append(JSONMember("meta", .object(metaMembers))) }

        var release: [JSONMember] = [
            JSONMember("component", .string(component)),
            JSONMember("version", .string(version)),
            JSONMember("status", .string("draft")),
        ]
        if let codeName = text["code_name"] { release.append(JSONMember("code_name", .string(codeName))) }
        if let tag = text["tag"] { release.append(JSONMember("tag", .string(tag))) }
        if let commit = text["commit_sha"] { release.append(JSONMember("commit", .string(commit))) }

        var deployment: Deployment?
        var draft: Release?
        do { deployment = try ValueDecoding.deployment(.object(native), source: "request") } catch { causes += Self.renamed(error) }
        do { draft = try ValueDecoding.release(.object(release), source: "request") } catch { causes += Self.renamed(error) }
        guard let deployment, let draft else {
            var seen = Set<String>()
            throw APIError.invalid("the deployment is not valid", causes: causes.filter { seen.insert($0.field).inserted })
        }
        self.deployment = deployment
        self.draft = draft
    }

    /// The status of a `result`: success/succeeded/ok, failure/failed, error, canceled/cancelled,
    /// pending, in_progress/running, anything else unknown; without one, success (the event says
    /// that the version was deployed).
    static func status(result: String?) -> Deployment.Status {
        guard let result else { return .success }
        switch result.trimmingCharacters(in: .whitespaces).lowercased() {
        case "success", "succeeded", "ok": return .success
        case "failure", "failed": return .failure
        case "error": return .error
        case "canceled", "cancelled": return .canceled
        case "pending": return .pending
        case "in_progress", "running": return .inProgress
        default: return .unknown
        }
    }

    /// The problems of the native decoding, named by the event's fields.
    private static func renamed(_ error: DataLoadError) -> [APIError.Cause] {
        APIError.invalid(error).causes.map { cause in
            var cause = cause
            let head = cause.field.prefix { $0 != "." && $0 != "[" }
            if let name = names[String(head)] { cause.field = name + cause.field.dropFirst(head.count) }
            cause.error = cause.error.replacing("environment name", with: "stage")
            return cause
        }
    }
}
