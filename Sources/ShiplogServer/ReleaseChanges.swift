import ShiplogModel
import ShiplogStore

/// A committed release write as the store answered it: the release stored (created or changed) or
/// the release removed. The snapshot takes it in place (``PageSnapshot/applying(_:)``) through the
/// gate of ``DeploymentChanges``, so release writes cost what they change and reach the snapshot in
/// the order they committed; anything else a release write may touch reloads the page.
enum ReleaseChange: Sendable {
    /// The release as the store holds it now (its id and creation set).
    case stored(Release)
    /// The release deleted.
    case removed(ReleaseReference)

    /// The release changed.
    var reference: ReleaseReference {
        switch self {
        case .stored(let release): release.reference
        case .removed(let reference): reference
        }
    }
}

extension PageSnapshot {
    /// The page with `change` made as the store made it: a stored release replaces the release of its
    /// reference (keeping its place, as its row keeps its `seq`) or is appended (a new row is the
    /// newest); a removed one leaves its place. As the store does after a status change, an active
    /// release that is not published any more stops being active. Nil when the change cannot be
    /// applied to this snapshot (the caller then reloads the page).
    func applying(_ change: ReleaseChange) -> PageSnapshot? {
        var data = data
        let edit: ReleaseEdit
        switch change {
        case .stored(let release):
            guard release.id != nil else { return nil }
            if let index = catalog.releaseIndex[release.reference] {
                data.releases[index] = release
                edit = .replaced(index)
            } else {
                guard catalog.componentIndex[release.component] != nil else { return nil }
                data.releases.append(release)
                edit = .appended
            }
            if release.status != .published,
                let component = catalog.componentIndex[release.component],
                data.components[component].active == release.version.text
            {
                data.components[component].active = nil
                data.components[component].activatedAt = nil
                data.components[component].activatedBy = nil
            }
        case .removed(let reference):
            // The store refuses to delete a release something refers to (an active release among them).
            guard let index = catalog.releaseIndex[reference] else { return self }
            data.releases.remove(at: index)
            edit = .removed(index)
        }
        return PageSnapshot(data: data, catalog: catalog.applying(edit, to: data))
    }
}
