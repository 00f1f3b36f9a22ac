import Foundation
import NIOCore
import Testing

@testable import ShiplogServer

/// The site folder never leads out of itself (SPEC §6.2): a symlink to the store once served the live database.
@Suite struct SiteFileTests {
    let folder: String
    let site: String

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("sitefile-\(UUID().uuidString)").path
        site = folder + "/site"
        let manager = FileManager.default
        try manager.createDirectory(atPath: site + "/components/api", withIntermediateDirectories: true)
        try Data("<p>home</p>".utf8).write(to: URL(fileURLWithPath: site + "/index.html"))
        try Data("{}".utf8).write(to: URL(fileURLWithPath: site + "/components/api/latest.json"))
        try Data("secret".utf8).write(to: URL(fileURLWithPath: folder + "/store.db"))
        try manager.createDirectory(atPath: folder + "/outside", withIntermediateDirectories: true)
        try Data("outside".utf8).write(to: URL(fileURLWithPath: folder + "/outside/index.html"))
        try manager.createSymbolicLink(atPath: site + "/store.db", withDestinationPath: folder + "/store.db")
        try manager.createSymbolicLink(atPath: site + "/relative.db", withDestinationPath: "../store.db")
        try manager.createSymbolicLink(atPath: site + "/elsewhere", withDestinationPath: folder + "/outside")
        try manager.createSymbolicLink(atPath: site + "/latest.json", withDestinationPath: "components/api/latest.json")
    }

    func text(_ found: SiteFile) -> String? {
        guard case .file(let bytes, _) = found else { return nil }
        return String(buffer: bytes)
    }

    @Test func servesFilesAndIndexes() {
        #expect(text(SiteFile.find([], under: site, wantsDirectory: true)) == "<p>home</p>")
        #expect(text(SiteFile.find(["components", "api", "latest.json"], under: site, wantsDirectory: false)) == "{}")
        guard case .directory = SiteFile.find(["components"], under: site, wantsDirectory: false) else {
            Issue.record("a directory without its slash is a redirect")
            return
        }
    }

    @Test func followsLinksThatStayInside() {
        #expect(text(SiteFile.find(["latest.json"], under: site, wantsDirectory: false)) == "{}")
    }

    @Test(arguments: [["store.db"], ["relative.db"], ["elsewhere"], ["elsewhere", "index.html"]])
    func neverFollowsALinkOut(segments: [String]) {
        guard case .missing = SiteFile.find(segments, under: site, wantsDirectory: segments.count == 1) else {
            Issue.record("\(segments) leads out of the site and must not be served")
            return
        }
    }

    @Test func aSiteFolderThatIsALinkServesItsOwnFiles() throws {
        let link = folder + "/current"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: site)
        #expect(text(SiteFile.find(["index.html"], under: link, wantsDirectory: false)) == "<p>home</p>")
        guard case .missing = SiteFile.find(["store.db"], under: link, wantsDirectory: false) else {
            Issue.record("a link out of the site is refused through a linked site folder too")
            return
        }
    }
}
