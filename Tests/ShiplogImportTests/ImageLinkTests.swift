import Foundation
import ShiplogModel
import Testing

@testable import ShiplogImport

/// Images point under `raw/HEAD/`, which serves the file's bytes: also through a link reference
/// definition, and also where a link uses the same file (`blob/HEAD/` is a page, no image).
@Suite struct ImageLinkTests {
    let target = try! ImportTarget.make(component: "r", repo: "o/r").get()
    let raw = "https://github.com/o/r/raw/HEAD/"
    let blob = "https://github.com/o/r/blob/HEAD/"

    func notes(_ changelog: String) throws -> String? {
        try ChangelogConverter(file: "CHANGELOG.md", target: target).convert(changelog).data.releases.first?.notes
    }

    @Test func anImageThroughADefinition() throws {
        let notes = try notes("## 1.0.0 - 2024-01-02\n\n- Image ![shot][img]\n\n[img]: img/shot.png\n")
        #expect(notes == "- Image ![shot][img]\n\n[img]: \(raw)img/shot.png")
    }

    /// One definition, used by an image and by a link: raw serves the file to both.
    @Test func aDefinitionUsedByAnImageAndALink() throws {
        let notes = try notes("## 1.0.0 - 2024-01-02\n\n- See [the shot][img] or ![shot][img]\n\n[img]: img/shot.png\n[doc]: docs/a.md\n")
        #expect(notes == "- See [the shot][img] or ![shot][img]\n\n[img]: \(raw)img/shot.png")
        let linkOnly = try self.notes("## 1.0.0 - 2024-01-02\n\n- See [the shot][img]\n\n[img]: img/shot.png\n")
        #expect(linkOnly == "- See [the shot][img]\n\n[img]: \(blob)img/shot.png")
    }

    /// The same file as an inline link and an inline image, in either order.
    @Test(arguments: ["[file](img/a.png) ![a](img/a.png)", "![a](img/a.png) [file](img/a.png)"])
    func inlineLinkAndImageOfOneFile(text: String) throws {
        let expected = text.replacingOccurrences(of: "(img/", with: "(\(raw)img/")
        #expect(try notes("## 1.0.0 - 2024-01-02\n\n\(text)\n") == expected)
        let body = try GitHubReleases(file: "r.json", target: target).convert(
            #"[{"tag_name": "v1.0.0", "published_at": "2024-01-02T00:00:00Z", "body": "\#(text)"}]"#
        )
        #expect(body.data.releases.first?.notes == expected)
    }
}
