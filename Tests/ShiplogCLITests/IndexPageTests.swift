import Foundation
import Testing

/// `index.html`: page title, latest of each component, latest group, recent releases, what is deployed where (SPEC §4).
@Suite("index page")
struct IndexPageTests {
    @Test("the example's index shows the latest releases, the latest group, recent releases and deployments")
    func exampleIndex() throws {
        try withExampleSite { _, site in
            let index = try readText(site.appendingPathComponent("index.html"))

            #expect(index.contains("<title>Nimbus releases"))
            for latest in ["api/v1.10.2", "web/3.7.0", "desktop/1.2.1", "cli/v1.1.0"] {
                #expect(index.contains(#"href="components/\#(latest)/""#), "no link to the latest \(latest)")
            }
            for component in ["Nimbus API", "Nimbus Web", "Nimbus Desktop", "nimbus CLI"] {
                #expect(index.contains(component))
            }
            #expect(index.contains(#"href="groups/2026.2/""#))
            #expect(index.contains("Nimbus 2026.2 — Templates and auto-update"))
            // Recent releases: older ones too, not only the latest of each component.
            #expect(index.contains(#"href="components/desktop/1.0.0/""#))
            #expect(!index.contains("components/web/3.8.0/"), "the draft is listed")

            // What is deployed where: production runs api v1.10.2 (after v1.10.1) and web 3.7.0 (the retry that succeeded).
            let production = try #require(section(of: index, after: ">production<"), "no production environment on the index")
            #expect(production.contains(#"href="components/api/v1.10.2/""#))
            #expect(production.contains(#"href="components/web/3.7.0/""#))
            #expect(!production.contains("v1.10.1"))
            let staging = try #require(section(of: index, after: ">staging<"), "no staging environment on the index")
            #expect(staging.contains(#"href="components/api/v2.0.0-rc.1/""#))
        }
    }

    @Test("a component's active release is its newest successful production deployment")
    func activeRelease() throws {
        try withTemporaryDirectory { tmp in
            var fixture = DataFixture()
            fixture.addComponent("api")
            fixture.addComponent("web")
            for version in ["1.0.0", "1.1.0", "1.2.0"] { fixture.addRelease("api", version, publishedAt: "2024-01-01T00:00:00Z") }
            fixture.addRelease("web", "2.0.0", publishedAt: "2024-01-01T00:00:00Z")
            func deploy(_ version: String, _ environment: String, _ status: String, _ time: String) {
                fixture.deployments.append([
                    "component": "api", "version": version, "environment": environment, "status": status, "finished_at": time,
                ])
            }
            deploy("1.0.0", "production", "success", "2024-02-01T00:00:00Z")
            deploy("1.1.0", "production", "success", "2024-03-01T00:00:00Z")
            deploy("1.2.0", "production", "failure", "2024-04-01T00:00:00Z")
            deploy("1.2.0", "staging", "success", "2024-04-02T00:00:00Z")
            let site = try buildSite(fixture, in: tmp)
            let index = try readText(site.appendingPathComponent("index.html"))
            let active = index.components(separatedBy: "Active in production")
            // Only api was deployed to production; its active release is 1.1.0 (1.2.0 failed there).
            #expect(active.count == 2)
            #expect(active.last?.prefix(200).contains(#"href="components/api/1.1.0/""#) == true)
        }
    }

    @Test("the subscription form posts to page.server_url, or to --server-url")
    func subscriptionForm() throws {
        try withTemporaryDirectory { tmp in
            let fixture = DataFixture.oneRelease()
            try fixture.write(to: tmp.appendingPathComponent("data.json"))
            try #require(try build(cwd: tmp).status == 0)
            #expect(try !readText(tmp.appendingPathComponent("site/index.html")).contains("<form"))
            try requireBuild(out: "with-form", ["--server-url", "https://api.acme.example/"], cwd: tmp)
            let index = try readText(tmp.appendingPathComponent("with-form/index.html"))
            #expect(index.contains(#"<form class="subscribe__form" method="post" action="https://api.acme.example/v1/pages/acme/subscribers/form">"#))
            #expect(try build(out: "bad", ["--server-url", "javascript:alert(1)"], cwd: tmp).status == 64)
        }
    }

    @Test("a page without groups, deployments or base URL still has a complete index")
    func minimalIndex() throws {
        try withTemporaryDirectory { tmp in
            var fixture = DataFixture(title: "Tiny & <Small>", baseURL: nil)
            fixture.addComponent("only")
            fixture.addRelease("only", "0.1.0", publishedAt: "2024-01-01T00:00:00Z", notes: "Hello.")
            let site = try buildSite(fixture, in: tmp)
            let index = try readText(site.appendingPathComponent("index.html"))
            #expect(index.contains("Tiny &amp; &lt;Small&gt;"))
            #expect(!index.contains("<Small>"))
            #expect(index.contains(#"href="components/only/0.1.0/""#))
            #expect(index.contains("application/feed+json"))
        }
    }

    /// The text from the first `marker` to the end of the table that follows it.
    private func section(of html: String, after marker: String) -> Substring? {
        guard let start = html.range(of: marker) else { return nil }
        let rest = html[start.upperBound...]
        guard let end = rest.range(of: "</table>") else { return rest }
        return rest[..<end.lowerBound]
    }
}
