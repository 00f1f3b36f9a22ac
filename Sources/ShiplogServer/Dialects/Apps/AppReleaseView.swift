import ShiplogModel

/// A component's releases as the app-releases dialect sees them, computed from the page snapshot:
/// numbers (creation order), statuses (`draft`, `active` = the component's latest, `archived` = every
/// other), the previous release in version order, and the seed's release objects.
struct AppReleaseView {
    let page: PageSnapshot
    /// The component's index in the page's data.
    let component: Int
    let org: String
    /// Whether drafts are shown (the caller holds a key of the page).
    let showDrafts: Bool
    /// The component's releases (indices into the page's releases) in creation order: the store's order.
    let created: [Int]
    /// Index → `release_number` (1-based creation order, drafts counted for everyone).
    let numbers: [Int: Int]

    init(page: PageSnapshot, component: Int, org: String, showDrafts: Bool) {
        self.page = page
        self.component = component
        self.org = org
        self.showDrafts = showDrafts
        let slug = page.data.components[component].slug
        // The store loads releases in the order they were created (`ORDER BY seq`), which no update changes.
        let created = page.data.releases.indices.filter { page.data.releases[$0].component == slug }
        self.created = created
        var numbers: [Int: Int] = [:]
        for (position, index) in created.enumerated() { numbers[index] = position + 1 }
        self.numbers = numbers
    }

    var slug: String { page.data.components[component].slug }
    var workspace: String { page.data.page.id }
    /// The component's active release: its pinned one, else the automatic latest (SPEC §3).
    var active: Int? { page.catalog.latest[component] }

    func isVisible(_ index: Int) -> Bool { showDrafts || page.data.releases[index].status != .draft }

    /// The release of the path's `release_id`, when it is this component's and the caller may see it.
    func index(of id: String) -> Int? {
        created.first { page.data.releases[$0].id == id && isVisible($0) }
    }

    func status(_ index: Int) -> String {
        if page.data.releases[index].status == .draft { return "draft" }
        return index == active ? "active" : "archived"
    }

    /// The release before this one in version order (drafts only for callers who see them), or nil.
    func previous(_ index: Int) -> Int? {
        let list = page.catalog.releasesByComponent[component]
        guard let position = list.firstIndex(of: index) else { return nil }
        return list[(position + 1)...].first { isVisible($0) }
    }

    /// The seed's release object: the summary of lists and of activate, rollback and archive, or the
    /// full one (`endpoints`, `augmentations`, `change_log`, `previous_release_id`) of create, get and active.
    func object(_ index: Int, full: Bool) -> JSONValue {
        let pinned = page.catalog.active[component] == index ? page.data.components[component] : nil
        return object(
            page.data.releases[index],
            number: numbers[index] ?? 0,
            status: status(index),
            previous: previous(index),
            activation: pinned.map { ($0.activatedAt, $0.activatedBy) },
            full: full
        )
    }

    /// The object of `release` with what the view computes for it given; see ``object(_:full:)``.
    func object(
        _ release: Release,
        number: Int,
        status: String,
        previous: Int?,
        activation: (at: Timestamp?, by: String?)? = nil,
        full: Bool
    ) -> JSONValue {
        var members = [
            JSONMember("release_id", release.id.map(JSONValue.string) ?? .null),
            JSONMember("app_id", .string(slug)),
            JSONMember("workspace_id", .string(workspace)),
            JSONMember("org_id", .string(org)),
            JSONMember("release_tag", .string(release.version.text)),
            JSONMember("release_number", .int(number)),
            JSONMember("status", .string(status)),
            // SPEC §7: `description` and `change_log` are both the notes.
            JSONMember("description", release.notes.map(JSONValue.string) ?? .null),
            // shiplog has no endpoints or augmentations: a release carries none.
            JSONMember("endpoint_count", .int(0)),
            JSONMember("augmentation_count", .int(0)),
            // Recorded by the store's activate for the pinned active release; null otherwise.
            JSONMember("activated_at", activation?.at.map { .string(AppsTime.format($0)) } ?? .null),
            JSONMember("activated_by", activation?.by.map(JSONValue.string) ?? .null),
            JSONMember("created_at", release.createdAt.map { .string(AppsTime.format($0)) } ?? .null),
            JSONMember("created_by", release.createdBy.map(JSONValue.string) ?? .null),
        ]
        if full {
            members.append(JSONMember("endpoints", .array([])))
            members.append(JSONMember("augmentations", .array([])))
            members.append(JSONMember("change_log", release.notes.map(JSONValue.string) ?? .null))
            members.append(JSONMember("previous_release_id", previous.flatMap { page.data.releases[$0].id }.map(JSONValue.string) ?? .null))
        }
        return .object(members)
    }
}
