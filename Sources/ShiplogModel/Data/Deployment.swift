import ShiplogMacroSupport

/// A deployment of a release to an environment (`deployments[]`).
@MemberwiseInit
public struct Deployment: Sendable, Hashable {
    /// Where a deployment stands.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        case pending
        case inProgress = "in_progress"
        case success, failure, canceling, canceled, error, unknown
    }

    /// The component's slug.
    public var component: String
    /// The version deployed.
    public var version: String
    /// The environment's name.
    public var environment: String
    /// Where it stands.
    public var status: Status = .success
    /// When it started.
    public var startedAt: Timestamp?
    /// When it finished.
    public var finishedAt: Timestamp?
    /// The host it went to.
    public var host: String?
    /// Who or what deployed it.
    public var actor: String?
    /// The commit deployed.
    public var commit: String?
    /// Free-form data from CI.
    public var meta: JSONValue?
    /// The stable id the store gave it (kept by export and import); nil until it is stored.
    public var id: String?
    /// When the store recorded it.
    public var createdAt: Timestamp?
    /// The id of the key that recorded it, or `import`; set by the store.
    public var createdBy: String?
    /// The version the environment ran for the component before this deployment (its newest earlier
    /// successful deployment), set by the store; nil when there was none.
    public var fromVersion: String?
    /// Why the deployment failed, as CI reports it.
    public var errorMessage: String?

    /// The finish time, else the start time: when this deployment last changed.
    public var time: Timestamp? { finishedAt ?? startedAt }

    /// `deployments` from oldest to newest: by ``time``, an undated one before every dated one,
    /// and in the order given where that does not decide. The site's "what runs where" takes the
    /// newest of this order, and `import` records deployments in it, so that the store's order
    /// (its newest-first lists, `from_version`, rollbacks) agrees with the site.
    public static func oldestFirst(_ deployments: [Deployment]) -> [Deployment] {
        deployments.enumerated().sorted { a, b in
            let (x, y) = (a.element.time?.seconds ?? .min, b.element.time?.seconds ?? .min)
            return x != y ? x < y : a.offset < b.offset
        }.map(\.element)
    }
}
