import Foundation
import ShiplogModel

/// Aviator's release candidate versions (`release-version-rcN`) and its deployment items (SPEC §7).
enum AviatorShapes {
    /// A release candidate version split into the release version and its number: `1.2.0-rc3` →
    /// (`1.2.0`, 3). Nil unless it ends in `-rcN` (N a whole number) after a non-empty release version,
    /// and both versions keep the version rules of the data format.
    static func candidate(_ text: String) -> (release: String, number: Int)? {
        guard let range = text.range(of: "-rc", options: .backwards) else { return nil }
        let release = String(text[..<range.lowerBound])
        let digits = text[range.upperBound...]
        guard !release.isEmpty, (1...9).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(digits)
        else { return nil }
        guard Rules.versionProblem(text) == nil, Rules.versionProblem(release) == nil else { return nil }
        return (release, number)
    }

    /// Whether `text` is a commit hash: 7 to 40 hexadecimal digits.
    static func isCommit(_ text: String) -> Bool {
        (7...40).contains(text.utf8.count)
            && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) || (0x41...0x46).contains($0) }
    }

    /// A deployment as Aviator lists it: the native deployment's version is the release candidate
    /// when it ends in `-rcN` (else there is none: null), and the release version is that version
    /// without the suffix; `from_…` the same of the native `from_version`.
    static func deployment(_ deployment: Deployment) -> JSONValue {
        func versions(_ version: String?) -> (candidate: JSONValue, release: JSONValue) {
            guard let version else { return (.null, .null) }
            guard let split = candidate(version) else { return (.null, .string(version)) }
            return (.string(version), .string(split.release))
        }
        let current = versions(deployment.version)
        let from = versions(deployment.fromVersion)
        func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
        return .object([
            JSONMember("actor", optional(deployment.actor)),
            JSONMember("deploy_end_at", optional(deployment.finishedAt?.description)),
            JSONMember("deploy_start_at", optional(deployment.startedAt?.description)),
            JSONMember("environment_name", .string(deployment.environment)),
            JSONMember("error_message", optional(deployment.errorMessage)),
            JSONMember("from_release_candidate_version", from.candidate),
            JSONMember("from_release_version", from.release),
            JSONMember("id", optional(deployment.id)),
            JSONMember("release_candidate_version", current.candidate),
            JSONMember("release_version", current.release),
            JSONMember("status", .string(deployment.status.rawValue)),
        ])
    }
}
