import ShiplogModel

/// Stored values without what the store sets (ids, `created_*`, `from_version`), to compare
/// them with data that never was in a store.
extension ReleaseData {
    var withoutStoreFields: ReleaseData {
        var data = self
        data.releases = releases.map(\.withoutStoreFields)
        data.deployments = deployments.map(\.withoutStoreFields)
        data.sites = sites.map(\.withoutStoreFields)
        return data
    }
}

extension Release {
    var withoutStoreFields: Release {
        var release = self
        (release.id, release.createdAt, release.createdBy) = (nil, nil, nil)
        return release
    }
}

extension Deployment {
    var withoutStoreFields: Deployment {
        var deployment = self
        (deployment.id, deployment.createdAt, deployment.createdBy, deployment.fromVersion) = (nil, nil, nil, nil)
        return deployment
    }
}

extension CustomerSite {
    var withoutStoreFields: CustomerSite {
        var site = self
        (site.createdAt, site.createdBy) = (nil, nil)
        return site
    }
}
