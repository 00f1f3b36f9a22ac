import GRDB
import ShiplogModel

/// Events that webhooks hear about (SPEC §6): queued in the transaction of the change that caused them.
public enum EventKind: String, Sendable, Hashable, CaseIterable {
    case releasePublished = "release.published"
    case releaseYanked = "release.yanked"
    case deploymentCreated = "deployment.created"
    case deploymentUpdated = "deployment.updated"
}

extension Rows {
    /// Queues `event` with its `data` for every webhook of `page` that listens to it, in the caller's transaction.
    static func queueEvent(_ db: Database, page: String, _ event: EventKind, data: JSONValue, now: Int64) throws {
        try queueWebhookDeliveries(db, page: page, event, data: data, now: now)
    }
}

extension Rows {
    /// What follows releases that became published (mail to subscribers, `release.published` events) and
    /// releases that became yanked (`release.yanked`), in the caller's transaction.
    static func releasesChanged(_ db: Database, page: String, published: [ReleaseReference], yanked: [ReleaseReference] = [], now: Int64) throws {
        try queueReleaseMail(db, page: page, references: published, now: now)
        for (event, references) in [(EventKind.releasePublished, published), (.releaseYanked, yanked)] {
            for reference in references {
                guard
                    let row = try Row.fetchOne(
                        db,
                        sql: "SELECT * FROM releases WHERE page_id = ? AND component = ? AND version = ?",
                        arguments: [page, reference.component, reference.version]
                    )
                else { continue }
                try queueEvent(db, page: page, event, data: DataEncoder.release(release(row), resolvingPrerelease: true), now: now)
            }
        }
    }
}
