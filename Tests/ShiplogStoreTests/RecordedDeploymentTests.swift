import ShiplogModel
import ShiplogStore
import Testing

/// ``Store/recordDeployment(_:draft:page:by:)``: a deployment event that creates its environment and
/// its release (a draft) when they are new, all in one transaction.
@Suite struct RecordedDeploymentTests {
    @Test func createsTheEnvironmentAndTheDraftWithTheDeployment() async throws {
        let (temporary, data) = try await TemporaryStore.example()
        let store = temporary.store
        let page = data.page.id
        let deployment = Deployment(component: "api", version: "v9.9.9", environment: "canary", status: .success)
        let draft = Release(component: "api", version: Version("v9.9.9"), status: .draft, codeName: "Otter")
        let recorded = try await store.recordDeployment(deployment, draft: draft, page: page, by: "key1")
        #expect(recorded.createdEnvironment)
        #expect(recorded.createdRelease?.status == .draft)
        #expect(recorded.createdRelease?.createdBy == "key1")
        #expect(recorded.stored.deployment.createdBy == "key1")
        let loaded = try #require(try await store.load(page: page))
        #expect(loaded.environments.contains(Environment(name: "canary")))
        #expect(loaded.releases.first { $0.reference == draft.reference }?.codeName == "Otter")

        // Both exist now: nothing else is created.
        let again = try await store.recordDeployment(deployment, draft: draft, page: page, by: "key1")
        #expect(!again.createdEnvironment && again.createdRelease == nil)
    }

    @Test func aDeploymentThatFailsLeavesNoEnvironmentAndNoDraft() async throws {
        let (temporary, data) = try await TemporaryStore.example()
        let store = temporary.store
        let page = data.page.id
        let first = try await store.recordDeployment(
            Deployment(component: "api", version: "v1.9.0", environment: "production"),
            draft: Release(component: "api", version: Version("v1.9.0"), status: .draft),
            page: page,
            by: nil
        )
        // An id the store already has fails the insert, after the environment and the draft were made.
        var clash = Deployment(component: "api", version: "v8.8.8", environment: "edge")
        clash.id = first.stored.deployment.id
        await #expect(throws: StoreError.self) {
            try await store.recordDeployment(clash, draft: Release(component: "api", version: Version("v8.8.8"), status: .draft), page: page, by: nil)
        }
        let loaded = try #require(try await store.load(page: page))
        #expect(!loaded.environments.contains { $0.name == "edge" })
        #expect(!loaded.releases.contains { $0.version.text == "v8.8.8" })
    }

    @Test func anUnknownComponentIsRefused() async throws {
        let (temporary, data) = try await TemporaryStore.example()
        await #expect(throws: StoreError.self) {
            try await temporary.store.recordDeployment(
                Deployment(component: "nope", version: "1", environment: "production"),
                draft: Release(component: "nope", version: Version("1"), status: .draft),
                page: data.page.id,
                by: nil
            )
        }
    }
}

/// `import` records deployments oldest first by their times, whatever order the file lists them
/// in, so the store's newest-first lists, `from_version` and rollbacks agree with the site.
@Suite struct ImportedDeploymentOrderTests {
    @Test func aNewestFirstHistoryIsRecordedOldestFirst() async throws {
        let temporary = try await TemporaryStore()
        let store = temporary.store
        var data = ReleaseData(
            page: Page(id: "ord", title: "O"),
            components: [Component(slug: "a")],
            releases: ["1.0.0", "1.1.0", "1.2.0"].enumerated().map { month, version in
                Release(component: "a", version: Version(version), publishedAt: Timestamp(rfc3339: "2024-0\(month + 1)-01T00:00:00Z"))
            }
        )
        data.environments = [Environment(name: "p")]
        data.deployments = [("1.2.0", "03"), ("1.1.0", "02"), ("1.0.0", "01")].map { version, month in
            Deployment(
                component: "a",
                version: version,
                environment: "p",
                status: .success,
                startedAt: Timestamp(rfc3339: "2024-\(month)-02T00:00:00Z"),
                finishedAt: Timestamp(rfc3339: "2024-\(month)-02T00:10:00Z")
            )
        }
        try await store.importData(data)
        let loaded = try #require(try await store.load(page: "ord"))
        #expect(loaded.deployments.map(\.version) == ["1.0.0", "1.1.0", "1.2.0"])
        #expect(loaded.deployments.map(\.fromVersion) == [nil, "1.0.0", "1.1.0"])
        let rollback = try await store.rollback(component: "a", environment: "p", force: false, actor: nil, page: "ord")
        #expect(rollback.created.map(\.deployment.version) == ["1.1.0"])
    }
}
