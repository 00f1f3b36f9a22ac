import ShiplogModel

extension Fingerprint {
    mutating func add(_ component: Component) {
        add(component.slug)
        add(component.name)
        add(component.repo)
        add(component.url)
        add(component.description)
        add(component.active)
    }

    mutating func add(_ page: Page) {
        add(page.id)
        add(page.title)
        add(page.description)
        add(page.baseURL)
        add(page.grouping.rawValue)
        add(page.isPublic)
        add(page.feedLimit)
        add(page.serverURL)
    }

    mutating func add(_ deployment: Deployment) {
        add(deployment.component)
        add(deployment.version)
        add(deployment.environment)
        add(deployment.status.rawValue)
        add(deployment.startedAt)
        add(deployment.finishedAt)
        add(deployment.host)
        add(deployment.actor)
        add(deployment.commit)
        add(deployment.meta.map { JSONWriter.write($0, pretty: false) })
    }
}
