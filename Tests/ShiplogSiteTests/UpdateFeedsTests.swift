import Foundation
import ShiplogModel
import Testing

@testable import ShiplogSite

/// The app update files of SPEC §9, rendered from releases with assets on every platform and channel.
@Suite struct UpdateFeedsTests {
    static let sha512 = String(repeating: "A", count: 85) + "w=="
    static let sha1 = String(repeating: "a1b2c3d4e5", count: 4)

    static func release(_ version: String, date: String, extra: String = "", assets: [String]) -> String {
        #"{"component": "app", "version": "\#(version)", "published_at": "\#(date)", "notes": "Fixed: a #1 ]]> bug"\#(extra), "assets": [\#(assets.joined(separator: ", "))]}"#
    }

    static func assets(_ version: String) -> [String] {
        let url = "https://dl.example/\(version)/"
        return [
            #"{"name": "App.dmg", "url": "\#(url)App.dmg", "platform": "darwin-aarch64", "signature": "ed-\#(version)", "size": 10, "minimum_system_version": "13.0"}"#,
            #"{"name": "App.app.tar.gz", "url": "\#(url)App.app.tar.gz", "platform": "darwin-x86_64-app", "signature": "t-\#(version)", "size": 11}"#,
            #"{"name": "App-\#(version)-full.nupkg", "url": "\#(url)App-\#(version)-full.nupkg", "platform": "windows-x86_64", "sha1": "\#(sha1)", "size": 12}"#,
            #"{"name": "App Setup.exe", "url": "\#(url)App-Setup.exe", "platform": "windows-x86_64-nsis", "sha512": "\#(sha512)", "size": 13}"#,
            #"{"name": "App.AppImage", "url": "\#(url)App.AppImage", "platform": "linux-x86_64-appimage", "signature": "t-\#(version)", "sha512": "\#(sha512)", "size": 14}"#,
            #"{"name": "App.deb", "url": "\#(url)App.deb", "platform": "linux-aarch64-deb", "sha512": "\#(sha512)", "size": 15}"#,
        ]
    }

    static let data = """
        {"page": {"id": "acme", "title": "Acme", "base_url": "https://releases.acme.example/", "feed_limit": 3},
         "components": [{"slug": "app", "name": "The App"}, {"slug": "api"}],
         "releases": [
           \(release("v1.0.0", date: "2024-01-01T00:00:00Z", extra: #", "build": "100""#, assets: assets("1.0.0"))),
           \(release("v1.1.0-beta.1", date: "2024-02-01T00:00:00Z", assets: assets("1.1.0-beta.1"))),
           \(release("v1.1.0-rc.1", date: "2024-03-01T00:00:00Z", assets: assets("1.1.0-rc.1"))),
           \(release("v1.2.0-beta.1", date: "2024-04-01T00:00:00Z", assets: assets("1.2.0-beta.1"))),
           {"component": "app", "version": "v0.9.0", "published_at": "2023-01-01T00:00:00Z", "status": "draft", "assets": []},
           {"component": "api", "version": "1.0.0", "published_at": "2024-01-01T00:00:00Z"}
         ]}
        """

    static func site(_ data: String = data) async throws -> (SitePlan, PageRenderer) {
        let loaded = try DataLoader.load([DataSource(name: "data.json", bytes: Array(data.utf8))])
        return try await TemplateEngineTests.builder().prepare(loaded.data)
    }

    static func text(_ path: String, _ plan: SitePlan, _ renderer: PageRenderer) throws -> String {
        let planned = try #require(plan.outputs.first { $0.path == path }, "\(path) is not planned")
        return String(decoding: renderer.render(planned.output), as: UTF8.self)
    }

    @Test func onlyAComponentWithAssetsGetsUpdateFiles() async throws {
        let (plan, _) = try await Self.site()
        let paths = Set(plan.outputs.map(\.path))
        #expect(
            !paths.contains {
                $0.hasPrefix("components/api/")
                    && ($0.hasSuffix(".yml") || $0.contains("appcast") || $0.contains("tauri/") || $0.contains("RELEASES"))
            }
        )
        let expected = [
            "appcast.xml", "tauri/stable.json", "tauri/latest.json", "tauri/beta.json", "tauri/rc.json",
            "electron/latest.yml", "electron/latest-linux.yml", "electron/latest-linux-arm64.yml", "electron/beta.yml", "electron/rc-linux.yml",
            "squirrel/RELEASES",
        ]
        for path in expected { #expect(paths.contains("components/app/" + path), "\(path)") }
        // The mac file would need a darwin asset with a sha512.
        #expect(!paths.contains("components/app/electron/latest-mac.yml"))
    }

    @Test func theAppcastHasEveryChannelWithSparklesVersions() async throws {
        let (plan, renderer) = try await Self.site()
        let xml = try Self.text("components/app/appcast.xml", plan, renderer)
        #expect(xml.contains(#"xmlns:sparkle="http://www.andymatuschak.org/xml-namespaces/sparkle""#))
        // feed_limit 3: the highest three, highest first.
        #expect(xml.components(separatedBy: "<item>").count == 4)
        #expect(
            xml.contains(
                "<sparkle:version>1.2.0</sparkle:version>\n<sparkle:shortVersionString>1.2.0-beta.1</sparkle:shortVersionString>\n<sparkle:channel>beta</sparkle:channel>"
            )
        )
        #expect(xml.contains("<sparkle:channel>rc</sparkle:channel>"))
        #expect(!xml.contains("<sparkle:version>1.2.0-"))
        #expect(xml.contains("<pubDate>Mon, 01 Apr 2024 00:00:00 +0000</pubDate>"))
        #expect(xml.contains("<sparkle:releaseNotesLink>https://releases.acme.example/components/app/v1.2.0-beta.1/</sparkle:releaseNotesLink>"))
        #expect(
            xml.contains(
                #"<enclosure url="https://dl.example/1.2.0-beta.1/App.dmg" length="10" type="application/x-apple-diskimage" sparkle:edSignature="ed-1.2.0-beta.1"/>"#
            )
        )
        #expect(xml.contains(#"type="application/octet-stream" sparkle:edSignature="t-1.2.0-beta.1"/>"#))
        #expect(xml.contains("<sparkle:minimumSystemVersion>13.0</sparkle:minimumSystemVersion>"))
        #expect(xml.contains("<description><![CDATA[<p>Fixed: a #1 ]]&gt; bug</p>\n]]></description>"), "\(xml)")
    }

    /// Without `page.base_url`, the links are relative to the appcast, which Sparkle resolves
    /// against the feed's URL (`SUAppcastItem`'s `relativeToURL:`).
    @Test func withoutABaseURLTheAppcastLinksAreRelative() async throws {
        let (plan, renderer) = try await Self.site(Self.data.replacingOccurrences(of: #""base_url": "https://releases.acme.example/", "#, with: ""))
        let xml = try Self.text("components/app/appcast.xml", plan, renderer)
        #expect(xml.contains("<link>./</link>"), "\(xml)")
        #expect(xml.contains("<sparkle:releaseNotesLink>v1.2.0-beta.1/</sparkle:releaseNotesLink>"), "\(xml)")
        #expect(xml.components(separatedBy: "<sparkle:releaseNotesLink>").count == 4)
    }

    @Test func tauriGetsTheHighestReleaseOfEachChannelWithSignedAssets() async throws {
        let (plan, renderer) = try await Self.site()
        let stable = try Self.text("components/app/tauri/stable.json", plan, renderer)
        #expect(try Self.text("components/app/tauri/latest.json", plan, renderer) == stable)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(stable.utf8)) as? [String: Any])
        #expect(object["version"] as? String == "1.0.0" && object["pub_date"] as? String == "2024-01-01T00:00:00Z")
        let platforms = try #require(object["platforms"] as? [String: [String: String]])
        #expect(Set(platforms.keys) == ["darwin-aarch64", "darwin-x86_64-app", "linux-x86_64-appimage"])
        #expect(platforms["darwin-x86_64-app"] == ["url": "https://dl.example/1.0.0/App.app.tar.gz", "signature": "t-1.0.0"])
        // A beta app is offered the newer rc.
        let beta = try Self.text("components/app/tauri/beta.json", plan, renderer)
        #expect(beta.contains(#""version":"1.2.0-beta.1""#) || beta.contains(#""version": "1.2.0-beta.1""#), "\(beta)")
        let rc = try Self.text("components/app/tauri/rc.json", plan, renderer)
        #expect(rc.contains("1.1.0-rc.1"), "\(rc)")
    }

    @Test func electronFilesAreNamedByChannelAndPlatform() async throws {
        let (plan, renderer) = try await Self.site()
        let windows = try Self.text("components/app/electron/latest.yml", plan, renderer)
        #expect(
            windows == """
                version: "1.0.0"
                files:
                  - url: "https://dl.example/1.0.0/App-Setup.exe"
                    sha512: "\(Self.sha512)"
                    size: 13
                path: "https://dl.example/1.0.0/App-Setup.exe"
                sha512: "\(Self.sha512)"
                releaseDate: "2024-01-01T00:00:00.000Z"
                releaseNotes: "Fixed: a #1 ]]> bug"

                """
        )
        #expect(try Self.text("components/app/electron/beta-linux-arm64.yml", plan, renderer).hasPrefix("version: \"1.2.0-beta.1\"\n"))
    }

    @Test func squirrelListsTheStablePackages() async throws {
        let (plan, renderer) = try await Self.site()
        #expect(
            try Self.text("components/app/squirrel/RELEASES", plan, renderer) == "\(Self.sha1) https://dl.example/1.0.0/App-1.0.0-full.nupkg 12\n"
        )
    }

    @Test func yamlStringsAndCDATAKeepAnyText() {
        #expect(yamlQuoted("a: b # c \"d\" \\ \n\t\u{85}\u{2028}\u{7}é") == #""a: b # c \"d\" \\ \n\t\u0085\u2028\u0007é""#)
        #expect(cdata("x]]>y\u{1}") == "<![CDATA[x]]]]><![CDATA[>y]]>")
        // Plain text goes in as it is; each thing to mend alone takes the careful path.
        #expect(cdata("<p>é ✓ \t\n</p>") == "<![CDATA[<p>é ✓ \t\n</p>]]>")
        #expect(cdata("a]]>b") == "<![CDATA[a]]]]><![CDATA[>b]]>")
        #expect(cdata("a\u{1}b") == "<![CDATA[ab]]>")
        #expect(cdata("a\u{FFFE}b\u{FE0F}") == "<![CDATA[ab\u{FE0F}]]>")
    }

    @Test func everyPlatformOfTheDataFormatReadsInWords() {
        #expect(Views.platformLabel("darwin-aarch64") == "macOS (Apple silicon)")
        #expect(Views.platformLabel("linux-x86_64-appimage") == "Linux (x64, AppImage)")
        #expect(Views.platformLabel("windows-aarch64-msi") == "Windows (Arm64, MSI installer)")
        #expect(Views.platformLabel("plan9-mips") == "plan9-mips")
    }
}
