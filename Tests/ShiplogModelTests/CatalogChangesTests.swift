import Testing

@testable import ShiplogModel

/// ``Catalog/applying(_:to:)`` gives exactly the catalog a whole computation gives, for random
/// sequences of release changes (replace, append, remove) on random pages.
@Suite struct CatalogChangesTests {
    /// A small deterministic generator (SplitMix64), so a failure names its seed.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let slugs = ["api", "web", "cli", "ios"]
    /// Few versions, so that releases of several components share one (`by-version` groups), some
    /// with a prefix, some pre-releases, some equal in order but not in text.
    static let versions = ["1.0.0", "v1.0.0", "1.0.1", "1.1.0", "1.1", "2.0.0", "2.0.0-rc.1", "2.0.0-beta", "v2.1.0", "3.0.0", "0.9.0", "10.0.0"]

    static func randomRelease(_ reference: ReleaseReference, _ rng: inout Generator) -> Release {
        Release(
            component: reference.component,
            version: Version(reference.version),
            publishedAt: Bool.random(using: &rng) ? nil : Timestamp(seconds: 1_700_000_000 + Int64.random(in: 0..<5, using: &rng) * 86_400),
            author: ["ann", "bob", nil].randomElement(using: &rng)!,
            status: [.published, .published, .published, .draft, .yanked].randomElement(using: &rng)!,
            prereleaseFlag: [nil, nil, nil, true, false].randomElement(using: &rng)!
        )
    }

    /// Every reference the generator may use.
    static var references: [ReleaseReference] {
        slugs.flatMap { slug in versions.map { ReleaseReference(component: slug, version: $0) } }
    }

    static func randomData(_ rng: inout Generator) -> ReleaseData {
        let references = Self.references.shuffled(using: &rng).prefix(Int.random(in: 0..<30, using: &rng))
        var data = ReleaseData(
            page: Page(id: "p", title: "P", grouping: Bool.random(using: &rng) ? .byVersion : .none),
            components: slugs.map { Component(slug: $0, repo: Bool.random(using: &rng) ? "acme/\($0)" : nil) },
            releases: references.map { randomRelease($0, &rng) }
        )
        // Explicit groups, naming releases that exist or not.
        for version in versions.shuffled(using: &rng).prefix(Int.random(in: 0..<3, using: &rng)) {
            let members = slugs.filter { _ in Bool.random(using: &rng) }.map { ReleaseReference(component: $0, version: version) }
            data.groups.append(ReleaseGroup(version: Version(version), publishedAt: nil, members: members))
        }
        for offset in data.components.indices where Bool.random(using: &rng) {
            activate(&data, component: offset, &rng)
        }
        return data
    }

    /// Makes a published release of the component its active one (none when it has none).
    static func activate(_ data: inout ReleaseData, component offset: Int, _ rng: inout Generator) {
        let slug = data.components[offset].slug
        let published = data.releases.filter { $0.component == slug && $0.status == .published }
        data.components[offset].active = published.randomElement(using: &rng)?.version.text
    }

    /// One random change to `data`, made as the server makes it; nil when there is nothing to do.
    static func randomChange(_ data: inout ReleaseData, _ rng: inout Generator) -> ReleaseEdit? {
        let existing = Set(data.releases.map(\.reference))
        let free = references.filter { !existing.contains($0) }
        switch Int.random(in: 0..<3, using: &rng) {
        case 0 where !data.releases.isEmpty:
            let index = Int.random(in: data.releases.indices, using: &rng)
            var release = randomRelease(data.releases[index].reference, &rng)
            release.title = "changed"
            data.releases[index] = release
            let offset = data.components.firstIndex { $0.slug == release.component }!
            if release.status != .published, data.components[offset].active == release.version.text {
                data.components[offset].active = nil
            } else if Int.random(in: 0..<4, using: &rng) == 0, release.status == .published {
                data.components[offset].active = release.version.text
            }
            return .replaced(index)
        case 1 where !free.isEmpty:
            data.releases.append(randomRelease(free.randomElement(using: &rng)!, &rng))
            return .appended
        case 2 where !data.releases.isEmpty:
            let index = Int.random(in: data.releases.indices, using: &rng)
            let removed = data.releases.remove(at: index)
            let offset = data.components.firstIndex { $0.slug == removed.component }!
            if data.components[offset].active == removed.version.text { data.components[offset].active = nil }
            return .removed(index)
        default:
            return nil
        }
    }

    static func expectSame(_ a: Catalog, _ b: Catalog, _ note: Comment) {
        #expect(a.data == b.data, note)
        #expect(a.releasesByComponent == b.releasesByComponent, note)
        #expect(a.latest == b.latest, note)
        #expect(a.latestPrerelease == b.latestPrerelease, note)
        #expect(a.active == b.active, note)
        #expect(a.bumps == b.bumps, note)
        #expect(a.groups == b.groups, note)
        #expect(a.groupCandidates == b.groupCandidates, note)
        #expect(a.latestGroup == b.latestGroup, note)
        #expect(a.componentIndex == b.componentIndex, note)
        #expect(a.componentOfRelease == b.componentOfRelease, note)
        #expect(a.releaseIndex == b.releaseIndex, note)
        #expect(a.includeDrafts == b.includeDrafts, note)
        #expect(a.versionDocument() == b.versionDocument(), note)
    }

    @Test("random sequences of release changes: applied in place, the catalog is the one computed whole", arguments: 0..<300)
    func incrementalEqualsWhole(seed: UInt64) {
        var rng = Generator(state: seed)
        var data = Self.randomData(&rng)
        var catalog = Catalog(data: data)
        for step in 0..<25 {
            guard let edit = Self.randomChange(&data, &rng) else { continue }
            catalog = catalog.applying(edit, to: data)
            let whole = Catalog(data: data)
            Self.expectSame(catalog, whole, "seed \(seed), step \(step), \(edit)")
            // Continue from the whole computation, so one mistake is not reported at every later step.
            if catalog.groups != whole.groups || catalog.releasesByComponent != whole.releasesByComponent { catalog = whole }
        }
    }
}
