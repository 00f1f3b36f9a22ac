import Foundation
import Testing

@testable import ShiplogModel
@testable import ShiplogSite

/// An incremental build decodes in full only the releases that the pages it renders show
/// (``SitePlan/releasesShown(by:)``); every page must render the same from just those.
@Suite struct ReleasesShownTests {
    /// `release` with everything but its summary fields (``ReleaseMemo``) replaced, so that a page that shows it differs.
    static func poisoned(_ release: Release) -> Release {
        var release = release
        // A summary knows which update feeds its assets serve.
        release.summaryFormats = release.updateFormats
        release.title = "POISON title"
        release.notes = "POISON notes"
        release.commit = "POISON"
        release.tag = "POISON"
        release.url = "https://poison.example/"
        release.codeName = "POISON"
        release.assets = [Release.Asset(name: "POISON")]
        return release
    }

    @Test func everyPageRendersFromTheReleasesItShows() async throws {
        let data = try TemplateEngineTests.exampleData()
        let builder = TemplateEngineTests.builder()
        let (plan, renderer) = try await builder.prepare(data)
        for planned in plan.outputs {
            let shown = Set(plan.releasesShown(by: planned.output))
            var partial = data
            for index in partial.releases.indices where !shown.contains(index) { partial.releases[index] = Self.poisoned(partial.releases[index]) }
            let (_, partialRenderer) = try await builder.prepare(partial)
            #expect(partialRenderer.render(planned.output) == renderer.render(planned.output), "\(planned.path)")
        }
    }
}
