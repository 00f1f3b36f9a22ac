import Foundation
import ShiplogEmbedded
import ShiplogModel
import ShiplogSite
import Testing

/// The theme and OpenAPI document built into the binary are the repository's files, byte for byte:
/// after editing `templates/` or `openapi.yaml`, run `scripts/embed-theme`.
@Suite struct EmbeddedThemeTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardizedFileURL
    static let stale = "Sources/ShiplogEmbedded/EmbeddedFiles.swift is out of date: run scripts/embed-theme"

    /// Every file of `templates/` except hidden ones (the theme loader skips those too).
    static func themeOnDisk() throws -> [String: [UInt8]] {
        let templates = root.appendingPathComponent("templates")
        var files: [String: [UInt8]] = [:]
        let enumerator = try #require(FileManager.default.enumerator(atPath: templates.path))
        while let relative = enumerator.nextObject() as? String {
            let url = templates.appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            files[relative] = [UInt8](try Data(contentsOf: url))
        }
        return files
    }

    @Test func theBuiltInThemeIsTheTemplatesFolder() throws {
        let disk = try Self.themeOnDisk()
        let embedded = EmbeddedTheme.files
        #expect(disk.keys.sorted() == embedded.keys.sorted(), "\(Self.stale)")
        let differing = disk.keys.sorted().filter { embedded[$0] != nil && embedded[$0] != disk[$0] }
        #expect(differing.isEmpty, "\(differing.joined(separator: ", ")) differ; \(Self.stale)")
    }

    @Test func theBuiltInOpenAPIDocumentIsTheRepositorys() throws {
        let disk = try String(contentsOf: Self.root.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        let same = EmbeddedTheme.openAPIDocument == disk
        #expect(same, "openapi.yaml differs; \(Self.stale)")
    }

    @Test func theBuiltInThemeLoadsWithItsMailAndServerPages() throws {
        _ = try Theme(directory: nil)
        let messages = try MessageRenderer(directory: nil)
        #expect(messages.serverPage(.invalidLink, page: nil).contains("<html"))
    }

    @Test func overridesReplaceBuiltInFilesOneByOne() throws {
        let overrides = FileManager.default.temporaryDirectory.appendingPathComponent("shiplog-embedded-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: overrides.appendingPathComponent("mail"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: overrides) }
        let subject = overrides.appendingPathComponent("mail/confirm.subject.mustache")
        try "Changes to {{page_title}}".write(to: subject, atomically: true, encoding: .utf8)
        let messages = try MessageRenderer(directory: nil, overrides: overrides.path)
        let mail = messages.confirmationMail(
            page: Page(id: "nimbus", title: "Nimbus"),
            preferences: [.major],
            confirmURL: "https://x.example/c",
            unsubscribeURL: "https://x.example/u"
        )
        #expect(mail.subject == "Changes to Nimbus")
        #expect(mail.html.contains("https://x.example/c"), "the other templates stay the built-in ones")
    }
}
