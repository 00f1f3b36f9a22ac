extension Catalog {
    /// The release that runs `component` in `environment`: the one of its newest successful
    /// deployment there (by finish, else start time; equal times by data order, later first),
    /// among the releases the site shows. The home page's "active" release is this in `production`.
    public func deployedRelease(component slug: String, environment: String) -> Int? {
        deployedReleases { $0.component == slug && $0.environment == environment }[environment]?[slug]
    }

    /// ``deployedRelease(component:environment:)`` of every environment and component at once
    /// (environment → component slug → release index), in one pass over the deployments;
    /// `including` narrows the deployments looked at.
    public func deployedReleases(including: (Deployment) -> Bool = { _ in true }) -> [String: [String: Int]] {
        var best: [String: [String: (time: Int64, order: Int, index: Int)]] = [:]
        for (order, deployment) in data.deployments.enumerated() where deployment.status == .success && including(deployment) {
            guard let index = releaseIndex[ReleaseReference(component: deployment.component, version: deployment.version)], isVisible(index)
            else { continue }
            let time = deployment.time?.seconds ?? .min
            if best[deployment.environment]?[deployment.component].map({ (time, order) >= ($0.time, $0.order) }) ?? true {
                best[deployment.environment, default: [:]][deployment.component] = (time, order, index)
            }
        }
        return best.mapValues { $0.mapValues(\.index) }
    }

    /// The environments badges are made for: the declared ones, then any a deployment names.
    public var badgeEnvironments: [String] {
        var seen = Set<String>()
        var names: [String] = []
        for name in data.environments.map(\.name) + data.deployments.map(\.environment) where seen.insert(name).inserted {
            names.append(name)
        }
        return names
    }

    /// The badge of a component (`components/<slug>/badge.svg`): its name and latest version;
    /// without a latest, its latest pre-release; with neither, "none" in grey.
    public func componentBadge(_ offset: Int) -> Badge {
        badge(label: data.components[offset].displayName, release: latest[offset] ?? latestPrerelease[offset])
    }

    /// The badge of a component in an environment (`environments/<env>/<slug>/badge.svg`): the
    /// environment's name and the version running there (see ``deployedRelease(component:environment:)``).
    public func environmentBadge(environment: String, component offset: Int) -> Badge {
        badge(label: environment, release: deployedRelease(component: data.components[offset].slug, environment: environment))
    }

    /// A badge showing `release`'s version: blue for a release, orange for a pre-release, red for a
    /// yanked one; "none" in grey without a release.
    public func badge(label: String, release index: Int?) -> Badge {
        guard let index else { return Badge(label: label, message: "none", color: .lightgrey) }
        let release = data.releases[index]
        let color: Badge.Color = release.status == .yanked ? .red : release.isPrerelease ? .orange : .blue
        return Badge(label: label, message: release.version.text, color: color)
    }
}
