import GRDB
public import ShiplogModel

/// What ``Store/createReleaseCandidate(_:of:buildRequest:page:by:)`` stored.
public struct ReleaseCandidate: Sendable, Hashable {
    /// The candidate, as stored.
    public var candidate: Release
    /// The release it is a candidate of, as stored (created now, or as it was).
    public var release: Release
    /// Whether the release was created with the candidate.
    public var releaseCreated: Bool

    /// What a candidate write stored.
    public init(candidate: Release, release: Release, releaseCreated: Bool) {
        self.candidate = candidate
        self.release = release
        self.releaseCreated = releaseCreated
    }
}

extension SQLiteStore {
    public func createReleaseCandidate(
        _ candidate: Release,
        of release: Release,
        buildRequest: JSONValue?,
        page: String,
        by creator: String?
    ) async throws(StoreError) -> ReleaseCandidate {
        let creation = Creation(by: creator, now: Self.now())
        return try await write { db in
            try Rows.requirePage(db, page)
            try Rows.requireComponent(db, candidate.component, page: page)
            if try Rows.releaseSeq(db, candidate.reference, page: page) != nil {
                throw StoreError.conflict(
                    "release \(JSONWriter.quoted(candidate.version.text)) of component \(JSONWriter.quoted(candidate.component)) already exists"
                )
            }
            _ = try Rows.upsert(db, candidate, page: page, creation: creation)
            if candidate.status == .published {
                try Rows.releasesChanged(db, page: page, published: [candidate.reference], now: creation.now)
            }
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
                candidate: try Rows.storedRelease(db, candidate.reference, page: page) ?? candidate,
                release: try Rows.storedRelease(db, release.reference, page: page) ?? release,
                releaseCreated: releaseCreated
            )
        }
    }
}
