public import ShiplogModel

/// What shiplog keeps: pages with their release data, and the keys that may change them.
///
/// The protocol's requirements are the primitives each store implements itself: transactions on a
/// synchronous ``SQLSession`` (``read(_:)``, ``write(_:)``, ``writeOutbox(_:)``) and
/// ``changeCounter()``. Every operation (``importData(_:)``, ``createRelease(_:page:by:)``,
/// ``claimMail(limit:lease:)``, …) is a method of its extension, written once, in this file's
/// siblings, in the SQL both databases accept, as GRDB's `DatabaseReader` and `DatabaseWriter`
/// build their API on a few primitives. A store only opens its database, migrates it and runs
/// transactions: ``SQLiteStore`` is the embedded implementation (one file, WAL), and
/// `PostgresStore` (ShiplogPostgres) the PostgreSQL one, which several replicas may share. Every
/// method that writes does so in one transaction: it happens whole or not at all.
public protocol Store: Sendable {
    /// Runs `body` on a snapshot of the database.
    @discardableResult
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws(StoreError) -> T
    /// Runs `body` in one transaction, alone: writes are serialized, as SQLite's are, so a rule that
    /// reads and then writes sees no other write in between. A thrown error rolls everything back.
    @discardableResult
    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws(StoreError) -> T
    /// A write of the delivery queues alone (claims, marks, leases given back): one transaction, but
    /// not serialized with the writes of the data, which it never touches. On PostgreSQL the claims'
    /// `FOR UPDATE SKIP LOCKED` keeps replicas apart, and a mark commits without waiting for another
    /// replica's write: the time between an SMTP server's acceptance and the mark, when a replica
    /// killed would leave its mail to be sent again, stays one statement long. On SQLite: ``write(_:)``.
    @discardableResult
    func writeOutbox<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws(StoreError) -> T

    /// A number that changes whenever another connection or process commits to the store, so a
    /// server can notice `shiplog import` or `keys revoke` run beside it.
    func changeCounter() async throws(StoreError) -> Int
}

extension Store {
    @discardableResult
    public func writeOutbox<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws(StoreError) -> T {
        try await write(body)
    }
}

extension Store {
    /// Activates without naming who asked (see ``activate(_:page:by:)``).
    public func activate(_ reference: ReleaseReference, page: String) async throws(StoreError) -> Release {
        try await activate(reference, page: page, by: nil)
    }
}
