public import ShiplogModel

/// What ``Store/createReleaseCandidate(_:of:buildRequest:page:by:)`` stored.
public struct ReleaseCandidate: Sendable, Hashable {
    /// The candidate, as stored.
    public var candidate: Release
    /// The release it is a candidate of, as stored (created now, or as it was).
    public var release: Release
    /// Whether the release was created with the candidate.
    public var releaseCreated: Bool
}

extension Store {
    /// Adds a release candidate (Aviator's dialect, SPEC §7): `candidate` as ``createRelease(_:page:by:)``
    /// adds it, and `release` (the version it is a candidate of, a draft) when that version does not
    /// exist yet; with `buildRequest`, queues the `build.requested` event with it as data. One transaction.
    public func createReleaseCandidate(
        _ candidate: Release,
        of release: Release,
        buildRequest: JSONValue?,
        page: String,
        by creator: String?
    ) async throws(StoreError) -> ReleaseCandidate {
        let creation = Creation(by: creator, now: Self.now())
        return try await write { db in
            let storedCandidate = try Rows.createRelease(db, candidate, page: page, creation: creation)
            let releaseCreated = try Rows.releaseSeq(db, release.reference, page: page) == nil
            if releaseCreated {
                _ = try Rows.upsert(db, release, page: page, creation: creation)
                if release.status == .published {
                    try Rows.releasesChanged(db, page: page, published: [release.reference], now: creation.now)
                }
            }
            if let buildRequest {
                try Rows.queueEvent(db, page: page, .buildRequested, data: buildRequest, now: creation.now)
            }
            return ReleaseCandidate(
                candidate: storedCandidate,
                release: try Rows.storedRelease(db, release.reference, page: page) ?? release,
                releaseCreated: releaseCreated
            )
        }
    }
}

extension Rows {
    /// Adds a new release of an existing component (a conflict when the version is taken) and
    /// queues what publishing it means; returns it as stored.
    static func createRelease(_ db: any SQLSession, _ release: Release, page: String, creation: Creation) throws -> Release {
        try requirePage(db, page)
        try requireComponent(db, release.component, page: page)
        // A version canonically equivalent to a stored one ("é" as one scalar or as "e" + U+0301) is
        // the same version: the pages look releases up by Swift's `==`, which could not tell them apart.
        let versions = try String.fetchAll(
            db,
            sql: "SELECT version FROM releases WHERE page_id = ? AND component = ?",
            arguments: [page, release.component]
        )
        if versions.contains(release.version.text) {
            throw StoreError.conflict(
                "release \(JSONWriter.quoted(release.version.text)) of component \(JSONWriter.quoted(release.component)) already exists"
            )
        }
        _ = try upsert(db, release, page: page, creation: creation)
        if release.status == .published {
            try releasesChanged(db, page: page, published: [release.reference], now: creation.now)
        }
        return try storedRelease(db, release.reference, page: page) ?? release
    }
}
