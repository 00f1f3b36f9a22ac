/// Checks that names point at things that exist and that identities are unique.
enum CrossReferences {
    /// The problems, and the index of every release by its reference (the first of duplicates).
    static func check(_ d: DecodedDocument) -> ([DataProblem], [ReleaseReference: Int]) {
        var problems: [DataProblem] = []
        var components = FirstOrigins()
        for (component, origin) in d.components {
            components.note(component.slug, at: origin, field: "slug", "component", into: &problems)
        }
        var releases: [ReleaseReference: Int] = [:]
        releases.reserveCapacity(d.releases.count)
        for position in d.releases.indices {
            // Only the reference and origin are read: copying whole releases here is costly.
            let reference = ReleaseReference(component: d.releases[position].component, version: d.releases[position].version.text)
            // Named only when there is a problem: naming every release would cost a string each.
            let origin = d.releaseOrigins[position]
            if !components.has(reference.component) {
                problems.append(
                    Self.named(origin, reference).problem(
                        "component",
                        "unknown component \(JSONWriter.quoted(reference.component)); add it to \"components\""
                    )
                )
            }
            if let firstPosition = releases.updateValue(position, forKey: reference) {
                releases[reference] = firstPosition
                let first = Self.named(d.releaseOrigins[firstPosition], reference)
                problems.append(
                    Self.named(origin, reference).problem(
                        "version",
                        "duplicate release \(JSONWriter.quoted(reference.version)) of component \(JSONWriter.quoted(reference.component)) (first at \(first.file): \(first.path.description))"
                    )
                )
            }
        }
        var releaseIDs: [String: Int] = [:]
        for position in d.releases.indices {
            guard let id = d.releases[position].id else { continue }
            if let firstPosition = releaseIDs.updateValue(position, forKey: id) {
                releaseIDs[id] = firstPosition
                func named(_ position: Int) -> Origin {
                    Self.named(
                        d.releaseOrigins[position],
                        ReleaseReference(component: d.releases[position].component, version: d.releases[position].version.text)
                    )
                }
                let first = named(firstPosition)
                problems.append(
                    named(position).problem("id", "duplicate release id \(JSONWriter.quoted(id)) (first at \(first.file): \(first.path.description))")
                )
            }
        }
        func checkReference(_ reference: ReleaseReference, _ problem: (String) -> DataProblem) {
            if !components.has(reference.component) {
                problems.append(problem("unknown component \(JSONWriter.quoted(reference.component))"))
            } else if releases[reference] == nil {
                problems.append(problem("no release \(JSONWriter.quoted(reference.version)) of component \(JSONWriter.quoted(reference.component))"))
            }
        }
        problems += activeProblems(d, releases: releases)
        var groups = FirstOrigins()
        for (group, origin) in d.groups {
            groups.note(group.version.text, at: origin, field: "version", "group", into: &problems)
            for member in group.members {
                checkReference(member) {
                    Origin(file: origin.file, path: origin.path.appending("members").appending(member.component)).problem(nil, $0)
                }
            }
        }
        var environments = FirstOrigins()
        for (environment, origin) in d.environments {
            environments.note(environment.name, at: origin, field: "name", "environment", into: &problems)
        }
        var deploymentIDs = FirstOrigins()
        for (deployment, origin) in d.deployments {
            if let id = deployment.id {
                deploymentIDs.note(id, at: origin, field: "id", "deployment id", into: &problems)
                // Ids are unique in the store (SPEC §1), across releases and deployments.
                if let position = releaseIDs[id] {
                    let reference = ReleaseReference(component: d.releases[position].component, version: d.releases[position].version.text)
                    let release = Self.named(d.releaseOrigins[position], reference)
                    problems.append(
                        origin.problem("id", "id \(JSONWriter.quoted(id)) is already a release's (at \(release.file): \(release.path.description))")
                    )
                }
            }
            checkReference(ReleaseReference(component: deployment.component, version: deployment.version)) {
                origin.problem(!components.has(deployment.component) ? "component" : "version", $0)
            }
        }
        var sites = FirstOrigins()
        for (site, origin) in d.sites {
            sites.note(site.slug, at: origin, field: "slug", "site", into: &problems)
            for (offset, reference) in site.releases.enumerated() {
                checkReference(reference) { Origin(file: origin.file, path: origin.path.appending("releases").appending(offset)).problem(nil, $0) }
            }
        }
        return (problems, releases)
    }

    /// `origin` of the release `reference`, named by it (`releases[3] (api 1.0.0)`).
    static func named(_ origin: Origin, _ reference: ReleaseReference) -> Origin {
        var origin = origin
        origin.subject = DataProblem.Subject(depth: origin.path.components.count, text: "\(reference.component) \(reference.version)")
        return origin
    }

    /// The declared environments, then any that deployments name without declaring, in order of appearance.
    static func environments(_ d: DecodedDocument) -> [Environment] {
        var result = d.environments.map(\.0)
        var known = Set(result.map(\.name))
        for (deployment, _) in d.deployments where known.insert(deployment.environment).inserted {
            result.append(Environment(name: deployment.environment))
        }
        return result
    }
}

/// Where each name was first seen, so that a later entry with the same name is reported as a
/// duplicate that points at the first (`duplicate site "globex" (first at data.json: sites[0])`).
struct FirstOrigins {
    private var origins: [String: Origin] = [:]

    /// Whether `key` was seen.
    func has(_ key: String) -> Bool { origins[key] != nil }

    /// Notes `key` seen at `origin`; when it was seen before, adds the problem of a duplicate
    /// `what` at `origin`'s `field`.
    mutating func note(_ key: String, at origin: Origin, field: String, _ what: String, into problems: inout [DataProblem]) {
        if let first = origins[key] {
            problems.append(origin.problem(field, "duplicate \(what) \(JSONWriter.quoted(key)) (first at \(first.file): \(first.path))"))
        } else {
            origins[key] = origin
        }
    }
}
