import Foundation
import Testing

/// `--templates DIR` replaces the default theme's templates file by file (SPEC §4).
@Suite("template overrides")
struct TemplateOverrideTests {
    @Test("a directory holding only 404.mustache changes 404.html and nothing else")
    func overrideOneTemplate() throws {
        try withExampleData { tmp in
            let theme = tmp.appendingPathComponent("theme")
            try FileManager.default.createDirectory(at: theme, withIntermediateDirectories: true)
            try Data("<!doctype html>\n<title>Lost</title>\n<p>CUSTOM-NOT-FOUND for {{site.title}}</p>\n".utf8)
                .write(to: theme.appendingPathComponent("404.mustache"))

            try requireBuild(out: "custom", ["--templates", "theme"], cwd: tmp)
            try requireBuild(out: "plain", cwd: tmp)
            let customSite = tmp.appendingPathComponent("custom")
            let plainSite = tmp.appendingPathComponent("plain")

            let notFound = try readText(customSite.appendingPathComponent("404.html"))
            #expect(notFound.contains("CUSTOM-NOT-FOUND for Nimbus releases"))
            #expect(!notFound.contains("Page not found"))
            #expect(try readText(plainSite.appendingPathComponent("404.html")).contains("Page not found"))

            // Every other page still comes from the default theme, byte for byte.
            #expect(try differingFiles(customSite, plainSite) == ["404.html"])
            #expect(try readText(customSite.appendingPathComponent("index.html")).contains("assets/style.css"))
        }
    }

    @Test("overriding a template of an existing site re-renders the pages that use it")
    func overrideOnRebuild() throws {
        try withExampleData { tmp in
            #expect(try build(cwd: tmp).status == 0)
            let theme = tmp.appendingPathComponent("theme")
            try FileManager.default.createDirectory(at: theme, withIntermediateDirectories: true)
            try Data("CUSTOM-NOT-FOUND\n".utf8).write(to: theme.appendingPathComponent("404.mustache"))

            try requireBuild(["--templates", "theme"], cwd: tmp)
            #expect(try readText(tmp.appendingPathComponent("site/404.html")) == "CUSTOM-NOT-FOUND\n")
            #expect(try readText(tmp.appendingPathComponent("site/index.html")).contains("Nimbus releases"))
        }
    }

    @Test("a partial and an extra asset override file by file")
    func overridePartialAndAddAsset() throws {
        try withExampleData { tmp in
            let theme = tmp.appendingPathComponent("theme")
            try FileManager.default.createDirectory(at: theme.appendingPathComponent("partials"), withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: theme.appendingPathComponent("assets"), withIntermediateDirectories: true)
            try Data("<ul class=\"custom-badges\">{{bump}}</ul>\n".utf8).write(to: theme.appendingPathComponent("partials/release-badges.mustache"))
            try Data("<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n".utf8).write(to: theme.appendingPathComponent("assets/logo.svg"))

            try requireBuild(["--templates", "theme"], cwd: tmp)
            let site = tmp.appendingPathComponent("site")
            let page = try readText(site.appendingPathComponent("components/api/v1.8.0/index.html"))
            #expect(page.contains("<ul class=\"custom-badges\">"))
            #expect(!page.contains("badge--bump"))
            #expect(
                try Data(contentsOf: site.appendingPathComponent("assets/logo.svg"))
                    == Data(contentsOf: theme.appendingPathComponent("assets/logo.svg"))
            )
            #expect(fileExists(site.appendingPathComponent("assets/style.css")))
        }
    }

    @Test(
        "a template that does not parse: exit 65, the file named, the site untouched",
        arguments: [
            ("404.mustache", Array("<p>{{#x}} never closed</p>\n".utf8)),
            ("partials/release-row.mustache", Array("{{#release}}\n".utf8)),
            ("404.mustache", [0xFF, 0xFE, 0x00]),
        ]
    )
    func brokenTemplate(file: String, bytes: [UInt8]) throws {
        try withExampleSite { tmp, site in
            let theme = tmp.appendingPathComponent("theme")
            try FileManager.default.createDirectory(at: theme.appendingPathComponent("partials"), withIntermediateDirectories: true)
            try Data(bytes).write(to: theme.appendingPathComponent(file))
            let before = try FileSnapshot(of: tmp)

            let result = try build(["--templates", "theme"], cwd: tmp)
            #expect(result.status == 65, "stderr: \(result.stderr)")
            #expect(result.stderr.contains(file), "stderr: \(result.stderr)")
            #expect(try FileSnapshot(of: tmp).changes(since: before) == [], "the failed build changed files")

            // Into a new directory, nothing appears at all.
            let fresh = try build(out: "fresh", ["--templates", "theme"], cwd: tmp)
            #expect(fresh.status == 65)
            #expect(try FileSnapshot(of: tmp).changes(since: before) == [])
        }
    }
}
