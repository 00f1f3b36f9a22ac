import ShiplogModel

/// A deployment as ReleaseBits lists it (SPEC §7): `id, version, result, stage, host, code_name,
/// started_at, finished_at, meta_data, commit_sha, tag, branch`, every field present (null when unknown).
enum ReleaseBitsItem {
    static func encode(_ deployment: Deployment, release: Release?) -> JSONValue {
        var meta = deployment.meta
        var kept: JSONValue?
        if case .object(let members)? = deployment.meta {
            kept = members.first { $0.key == ReleaseBitsEvent.reserved }?.value
            meta = .object(members.filter { $0.key != ReleaseBitsEvent.reserved })
            if kept != nil, members.count == 1 { meta = nil }
        } else if let value = deployment.meta {
            // Meta given through the native API may be any JSON value; meta_data is an object.
            meta = .object([JSONMember("value", value)])
        }
        func given(_ key: String) -> String? {
            guard case .string(let text)? = kept?[key] else { return nil }
            return text
        }
        // The result as given while it still says the deployment's status (it may change later).
        let result = given("result").flatMap { ReleaseBitsEvent.status(result: $0) == deployment.status ? $0 : nil }
        func string(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
        return .object([
            JSONMember("id", string(deployment.id)),
            JSONMember("version", .string(deployment.version)),
            JSONMember("result", .string(result ?? deployment.status.rawValue)),
            JSONMember("stage", .string(deployment.environment)),
            JSONMember("host", string(deployment.host)),
            JSONMember("code_name", string(given("code_name") ?? release?.codeName)),
            JSONMember("started_at", string(deployment.startedAt?.rfc3339)),
            JSONMember("finished_at", string(deployment.finishedAt?.rfc3339)),
            JSONMember("meta_data", meta ?? .null),
            JSONMember("commit_sha", string(deployment.commit)),
            JSONMember("tag", string(given("tag") ?? release?.tag)),
            JSONMember("branch", string(given("branch"))),
        ])
    }
}
