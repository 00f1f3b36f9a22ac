import GRDB
import ShiplogModel

/// A row of `deployments`.
struct DeploymentRecord: StoreRecord {
    static let databaseTableName = "deployments"

    var seq: Int64?
    var pageId: String
    var component: String
    var version: String
    var environment: String
    var status: String
    var startedAt: Int64?
    var finishedAt: Int64?
    var host: String?
    var actor: String?
    var commitId: String?
    /// Any JSON object, as text.
    var meta: String?
    var id: String?
    var createdAt: Int64?
    var createdBy: String?
    var fromVersion: String?
    var errorMessage: String?

    /// The columns that say what happened (all but the row's identity, page and creation): two
    /// imported deployments with the same values here are the same deployment.
    static let dataColumns = [
        "actor", "commit_id", "component", "environment", "error_message", "finished_at", "host", "meta", "started_at", "status", "version",
    ]

    enum CodingKeys: String, CodingKey {
        case seq, component, version, environment, status, host, actor, meta, id
        case pageId = "page_id"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case commitId = "commit_id"
        case createdAt = "created_at"
        case createdBy = "created_by"
        case fromVersion = "from_version"
        case errorMessage = "error_message"
    }
}

extension DeploymentRecord {
    init(_ deployment: Deployment, page: String) {
        self.init(
            pageId: page,
            component: deployment.component,
            version: deployment.version,
            environment: deployment.environment,
            status: deployment.status.rawValue,
            startedAt: deployment.startedAt?.seconds,
            finishedAt: deployment.finishedAt?.seconds,
            host: deployment.host,
            actor: deployment.actor,
            commitId: deployment.commit,
            meta: deployment.meta.map { JSONWriter.write($0, pretty: false) },
            id: deployment.id,
            createdAt: deployment.createdAt?.seconds,
            createdBy: deployment.createdBy,
            fromVersion: deployment.fromVersion,
            errorMessage: deployment.errorMessage
        )
    }

    var deployment: Deployment {
        Deployment(
            component: component,
            version: version,
            environment: environment,
            status: Deployment.Status(rawValue: status) ?? .unknown,
            startedAt: startedAt.map(Timestamp.init(seconds:)),
            finishedAt: finishedAt.map(Timestamp.init(seconds:)),
            host: host,
            actor: actor,
            commit: commitId,
            meta: meta.flatMap { try? JSONParser.parse($0) },
            id: id,
            createdAt: createdAt.map(Timestamp.init(seconds:)),
            createdBy: createdBy,
            fromVersion: fromVersion,
            errorMessage: errorMessage
        )
    }

    /// The bound values of ``dataColumns``, in their order.
    func dataValues() throws -> SQLArguments {
        let encoded = try databaseDictionary
        return Self.dataColumns.map { SQLValue(encoded[$0] ?? .null) }
    }
}
