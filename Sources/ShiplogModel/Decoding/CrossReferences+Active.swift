extension CrossReferences {
    /// The problems of the components' `active` versions (SPEC §3): each must name a release of
    /// its component that is published (not a draft, not yanked), since it becomes the latest.
    static func activeProblems(_ d: DecodedDocument, releases: [ReleaseReference: Int]) -> [DataProblem] {
        var problems: [DataProblem] = []
        for (component, origin) in d.components {
            guard let version = component.active else { continue }
            let named = "release \(JSONWriter.quoted(version)) of component \(JSONWriter.quoted(component.slug))"
            guard let position = releases[ReleaseReference(component: component.slug, version: version)] else {
                problems.append(origin.problem("active", "no \(named); the active release must be one of the component's releases"))
                continue
            }
            switch d.releases[position].status {
            case .published:
                break
            case .draft:
                problems.append(origin.problem("active", "\(named) is a draft; only a published release can be active"))
            case .yanked:
                problems.append(origin.problem("active", "\(named) is yanked; only a published release can be active"))
            }
        }
        return problems
    }
}
