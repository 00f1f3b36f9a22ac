import ShiplogMacroSupport
public import ShiplogModel

/// A committed change that one process of a shared store (a replica of `shiplog serve`, or a
/// command such as `keys revoke`) tells the others about, so that they update their in-memory copy
/// in place from it (SPEC §8): what changed, not the change itself. A replica that hears of it
/// reads again from the store what the change names.
@MemberwiseInit
public struct StoreChange: Sendable, Hashable {
    /// What changed.
    public enum Subject: Sendable, Hashable {
        /// These releases of the page were created, changed or deleted; nothing else of the page.
        case releases([ReleaseReference])
        /// These deployments of the page (by id) were recorded, changed or deleted; nothing else.
        case deployments([String])
        /// Anything else of the page: read it again whole.
        case page
        /// Keys were created or revoked: forget what was cached of them.
        case keys
    }

    /// The page changed (nil for keys).
    public var page: String?
    public var subject: Subject

    /// Keys were created or revoked.
    public static let keys = StoreChange(page: nil, subject: .keys)
}

/// What a shared store's change feed (``ReplicatedStore/changes()``) tells a replica.
public enum ReplicaEvent: Sendable, Hashable {
    /// Another process announced a committed change.
    case changed(StoreChange)
    /// The feed (re)started: changes made before may have been missed, so everything is read
    /// again. The first event of every feed, and the first after each reconnection.
    case resynchronise
}

/// A store that several processes share (PostgreSQL): each tells the others what it changed
/// (``announce(_:)``) and hears what they changed (``changes()``), and a change is read again by
/// what it names. The embedded store has one process and no feed.
public protocol ReplicatedStore: Store {
    /// The changes announced by other processes (never this one's), while the sequence is
    /// iterated; it starts with ``ReplicaEvent/resynchronise`` once it listens, and says it again
    /// whenever it had to reconnect.
    func changes() -> AsyncStream<ReplicaEvent>

    /// Tells the other processes of a committed change. Never fails the write it follows: a
    /// failure is logged (the others catch up when their feed reconnects).
    func announce(_ change: StoreChange) async

    /// A release as stored, and whether no release of its page is newer (nil: there is none).
    func changedRelease(_ reference: ReleaseReference, page: String) async throws(StoreError) -> ChangedRow<Release>?

    /// A deployment as stored by its id, and whether no deployment of its page is newer (nil: none).
    func changedDeployment(id: String, page: String) async throws(StoreError) -> ChangedRow<Deployment>?
}

/// A row read again after a change another process announced.
@MemberwiseInit
public struct ChangedRow<Value: Sendable>: Sendable {
    public var value: Value
    /// Whether no row of the same page and table was added after it: a row the reader does not
    /// hold yet may then be put after the others, where a reload would put it.
    public var isNewest: Bool
}
