/// One release changed in a page's data: what ``Catalog/applying(_:to:)`` updates in place.
public enum ReleaseEdit: Sendable, Hashable {
    /// The release at this index was replaced by one of the same reference (component and version).
    case replaced(Int)
    /// A release was added after the others.
    case appended
    /// The release at this index was removed; those after it moved one place down.
    case removed(Int)
}

extension Catalog {
    /// The catalog of `data`: this catalog's data with one release edited as `edit` says, and at most
    /// that release's component changed otherwise (its active release); nothing else may differ.
    /// Exactly `Catalog(data: data, includeDrafts: includeDrafts)`, computed from what changed: the
    /// order, latest releases and bumps of that one component, the release index, and the groups
    /// that involve the release (a removal shifts every index after it, and resolves the groups again).
    /// Whatever it cannot tell apart (an unknown component, data that does not match the edit) is
    /// computed whole.
    public func applying(_ edit: ReleaseEdit, to data: ReleaseData) -> Catalog {
        let whole = { Catalog(data: data, includeDrafts: self.includeDrafts) }
        let old = self.data.releases
        guard data.components.count == self.data.components.count else { return whole() }
        var next = self
        next.data = data
        let releases = data.releases
        let index: Int
        switch edit {
        case .replaced(let at):
            guard releases.count == old.count, old.indices.contains(at), releases[at].reference == old[at].reference else { return whole() }
            index = at
        case .appended:
            guard releases.count == old.count + 1, let added = releases.last, releaseIndex[added.reference] == nil else { return whole() }
            index = old.count
        case .removed(let at):
            guard releases.count + 1 == old.count, old.indices.contains(at) else { return whole() }
            index = at
        }
        let reference = edit == .removed(index) ? old[index].reference : releases[index].reference
        guard let component = componentIndex[reference.component], data.components[component].slug == reference.component else { return whole() }

        switch edit {
        case .replaced:
            break
        case .appended:
            next.releaseIndex[reference] = index
            next.componentOfRelease.append(component)
            next.bumps.append(.major)
            next.releasesByComponent[component].append(index)
        case .removed:
            next.removeIndex(index, reference: reference)
        }

        // The one component whose releases changed: its order, latest releases and bumps.
        let activeIndex: Int? = data.components[component].active.flatMap { version in
            guard let at = next.releaseIndex[ReleaseReference(component: reference.component, version: version)],
                releases[at].status == .published
            else { return nil }
            return at
        }
        var keys: [Int: (Version.OrderKey, Int64)] = [:]
        for at in next.releasesByComponent[component] {
            keys[at] = (Version.OrderKey(releases[at].version), releases[at].publishedAt?.seconds ?? .min)
        }
        let order = ComponentOrder(next.releasesByComponent[component], active: activeIndex, releases: releases) { keys[$0]! }
        next.releasesByComponent[component] = order.list
        next.latest[component] = order.latest
        next.latestPrerelease[component] = order.latestPrerelease
        next.active[component] = activeIndex
        for (at, bump) in zip(order.list, order.bumps) { next.bumps[at] = bump }

        if case .removed = edit {
            (next.groups, next.groupCandidates) = Self.resolveGroups(
                data,
                componentOfRelease: next.componentOfRelease,
                releaseIndex: next.releaseIndex
            )
        } else {
            next.updateGroups(involving: index)
        }
        next.latestGroup = next.groups.firstIndex { $0.isComplete }
        return next
    }

    /// Drops the release at `index` (of `reference`) from the indices, moving those after it down.
    private mutating func removeIndex(_ index: Int, reference: ReleaseReference) {
        releaseIndex[reference] = nil
        for at in index..<data.releases.count { releaseIndex[data.releases[at].reference] = at }
        componentOfRelease.remove(at: index)
        bumps.remove(at: index)
        let shift = { (at: Int) in at > index ? at - 1 : at }
        releasesByComponent = releasesByComponent.map { list in list.compactMap { $0 == index ? nil : shift($0) } }
        latest = latest.map { $0.flatMap { $0 == index ? nil : shift($0) } }
        latestPrerelease = latestPrerelease.map { $0.flatMap { $0 == index ? nil : shift($0) } }
        active = active.map { $0.flatMap { $0 == index ? nil : shift($0) } }
    }

    /// Resolves again the groups that involve the release at `index` (replaced or appended: no index
    /// moved): the explicit groups that name it, and its `by-version` group (made when it is new).
    private mutating func updateGroups(involving index: Int) {
        let release = data.releases[index]
        let reference = release.reference
        var changed = false
        for (position, candidate) in groupCandidates.enumerated() where candidate < data.groups.count {
            let group = data.groups[candidate]
            guard group.members.contains(reference) else { continue }
            groups[position] = Self.resolve(
                group,
                members: group.members.compactMap { releaseIndex[$0] },
                isImplicit: false,
                data: data,
                componentOfRelease: componentOfRelease
            )
            changed = true
        }
        let key = release.version.withoutPrefix
        if data.page.grouping == .byVersion, !data.groups.contains(where: { $0.version.withoutPrefix == key }) {
            // Found by its members' key: one whose members all write `v1.2.0` is named so (``resolve``).
            let releases = data.releases
            if let position = groups.indices.first(where: {
                groups[$0].isImplicit && groups[$0].members.first.map { releases[$0].version.withoutPrefix } == key
            }) {
                var members = groups[position].members
                if !members.contains(index) { members.append(index) }
                groups[position] = Self.resolve(
                    ReleaseGroup(version: Version(key)),
                    members: members.sorted(),
                    isImplicit: true,
                    data: data,
                    componentOfRelease: componentOfRelease
                )
            } else {
                // A version first seen: its group is the last candidate.
                groups.append(
                    Self.resolve(
                        ReleaseGroup(version: Version(key)),
                        members: [index],
                        isImplicit: true,
                        data: data,
                        componentOfRelease: componentOfRelease
                    )
                )
                groupCandidates.append(groupCandidates.count)
            }
            changed = true
        }
        guard changed else { return }
        let order = Self.orderGroups(groups, candidates: groupCandidates)
        groups = order.map { groups[$0] }
        groupCandidates = order.map { groupCandidates[$0] }
    }
}
