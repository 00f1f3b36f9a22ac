public import ShiplogModel
import Synchronization

/// Events that webhooks hear about (SPEC §6): queued in the transaction of the change that caused them.
public enum EventKind: String, Sendable, Hashable, CaseIterable {
    case releasePublished = "release.published"
    case releaseYanked = "release.yanked"
    case deploymentCreated = "deployment.created"
    case deploymentUpdated = "deployment.updated"
    /// A build of a release candidate was asked for (Aviator's `trigger_build_workflow`, SPEC §6.1, §7).
    case buildRequested = "build.requested"
}

extension Rows {
    /// Queues `event` with its `data` for every webhook of `page` that listens to it, in the caller's transaction.
    static func queueEvent(_ db: any SQLSession, page: String, _ event: EventKind, data: JSONValue, now: Int64) throws {
        try queueWebhookDeliveries(db, page: page, event, data: data, now: now)
        if let observer = CommittedEvents.observer {
            db.afterCommit { observer(page, event, data) }
        }
    }
}

/// Tells an observer of every event the store queues, once its transaction committed (never for
/// one rolled back): the server counts them for `/metrics`. One observer per process, like the
/// metrics system it feeds; without one, events cost nothing more.
public enum CommittedEvents {
    /// The page, the event and its data (a release or deployment as the data format writes it).
    public typealias Observer = @Sendable (_ page: String, _ event: EventKind, _ data: JSONValue) -> Void

    private static let current = Mutex<Observer?>(nil)

    /// Sets the observer of every store of this process (nil: none).
    public static func observe(_ observer: Observer?) {
        current.withLock { $0 = observer }
    }

    static var observer: Observer? { current.withLock { $0 } }
}

extension Rows {
    /// What follows releases that became published (mail to subscribers, `release.published` events) and
    /// releases that became yanked (`release.yanked`), in the caller's transaction.
    static func releasesChanged(_ db: any SQLSession, page: String, published: [ReleaseReference], yanked: [ReleaseReference] = [], now: Int64) throws
    {
        try queueReleaseMail(db, page: page, references: published, now: now)
        for (event, references) in [(EventKind.releasePublished, published), (.releaseYanked, yanked)] {
            for reference in references {
                guard let release = try storedRelease(db, reference, page: page) else { continue }
                try queueEvent(db, page: page, event, data: DataEncoder.release(release, resolvingPrerelease: true), now: now)
            }
        }
    }
}
