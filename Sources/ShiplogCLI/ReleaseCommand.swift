import ArgumentParser
import Foundation
import NIOHTTP1
import ShiplogModel

/// `shiplog release`: creates (or updates) a release on a shiplog server, for CI pipelines.
///
/// ```
/// shiplog release --server https://releases.acme.example --page acme --component api --version 1.4.0 --notes-file CHANGES.md
/// ```
struct ReleaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Create or update a release on a shiplog server (a CI pipeline step).",
        discussion: """
            Creates the release with POST /api/v1/pages/PAGE/releases. When it exists already, it is \
            updated with PATCH instead, keeping its publication date unless --published-at is given, \
            so re-running a pipeline is harmless. Without --draft the release is published (dated now \
            unless --published-at says otherwise). With --activate it then becomes the component's \
            active release, its latest whatever else is published (POST …/activate): a rollback when \
            the release is an older one. The key needs the write scope; it comes from --key \
            or SHIPLOG_KEY and is never printed. Exit statuses: 0 ok, 1 failed (the server's message \
            is printed), 64 usage, 65 the server found the release invalid (its causes are printed), \
            74 the notes file cannot be read.
            """
    )

    @OptionGroup var server: ServerOptions

    @Option(name: .long, help: ArgumentHelp("The component's slug (required).", valueName: "slug"))
    var component: String?

    @Option(name: .long, help: ArgumentHelp("The version, e.g. 1.4.0 or v1.4.0 (required).", valueName: "version"))
    var version: String?

    @Option(name: .long, help: "A short title.")
    var title: String?

    @Option(name: .long, help: ArgumentHelp("Release notes (Markdown).", valueName: "text"))
    var notes: String?

    @Option(name: .customLong("notes-file"), help: ArgumentHelp("Read the release notes from a file (- for stdin).", valueName: "file"))
    var notesFile: String?

    @Option(name: .customLong("published-at"), help: ArgumentHelp("The publication time, RFC 3339 (default: now).", valueName: "time"))
    var publishedAt: String?

    @Flag(name: .long, help: "Create (or turn it into) a draft instead of publishing it.")
    var draft = false

    @Option(name: .long, help: ArgumentHelp("The commit it was built from.", valueName: "sha"))
    var commit: String?

    @Option(name: .long, help: ArgumentHelp("The tag.", valueName: "tag"))
    var tag: String?

    @Option(name: .long, help: ArgumentHelp("A link to the release elsewhere (e.g. GitHub).", valueName: "url"))
    var url: String?

    @Option(name: .long, help: ArgumentHelp("Who made it.", valueName: "name"))
    var author: String?

    @Flag(name: .long, help: "Then make it the component's active release (its latest, even when older: a rollback).")
    var activate = false

    func validate() throws {
        try server.check()
        _ = try required(component, "component")
        _ = try required(version, "version")
        if notes != nil && notesFile != nil { throw ValidationError("give --notes or --notes-file, not both") }
        if draft && activate { throw ValidationError("--activate publishes the release; leave out --draft") }
        if let publishedAt, Timestamp(rfc3339: publishedAt) == nil {
            throw ValidationError("--published-at must be an RFC 3339 time such as 2026-05-01T12:00:00Z")
        }
    }

    func run() async throws {
        let client = try server.client()
        let component = try required(component, "component")
        let version = try required(version, "version")
        var text = notes
        if let notesFile {
            do {
                text = notesFile == "-" ? Console.input() : try String(contentsOfFile: notesFile, encoding: .utf8)
            } catch {
                Console.error("shiplog: cannot read \(notesFile): \(error.localizedDescription)")
                throw ExitStatus.io
            }
        }
        var fields: [JSONMember] = [JSONMember("status", .string(draft ? "draft" : "published"))]
        fields.append("title", title)
        fields.append("notes", text)
        fields.append("published_at", publishedAt ?? (draft ? nil : Timestamp.now().rfc3339))
        fields.append("commit", commit)
        fields.append("tag", tag)
        fields.append("url", url)
        fields.append("author", author)
        let name = "\(component) \(version)"
        try await createOrUpdate(client, component, version, name, fields)
        guard activate else { return }
        try await clientCall {
            let path = "/components/\(ServerClient.segment(component))/releases/\(ServerClient.segment(version))/activate"
            let answer = try await client.send(.POST, path)
            guard answer.isSuccess else { throw answer.fail("activating release \(name)") }
            var line = "activated release \(name)"
            if case .string(let previous)? = answer.body["previous_active"]?["version"], previous != version {
                line += " (the latest was \(previous))"
            }
            try Console.output(line)
        }
    }

    /// Creates the release, or updates it when it exists.
    private func createOrUpdate(_ client: ServerClient, _ component: String, _ version: String, _ name: String, _ fields: [JSONMember]) async throws {
        try await clientCall {
            let identity = [JSONMember("component", .string(component)), JSONMember("version", .string(version))]
            let created = try await client.send(.POST, "/releases", .object(identity + fields))
            if created.isSuccess {
                try Console.output("created release \(name) (\(draft ? "draft" : "published"))")
                return
            }
            guard created.status == 409 else { throw created.fail("creating release \(name)") }
            // It exists: update it, keeping its date unless one was given, and a yanked release yanked.
            let path = "/components/\(ServerClient.segment(component))/releases/\(ServerClient.segment(version))"
            let current = try await client.send(.GET, path)
            guard current.isSuccess else { throw current.fail("reading release \(name)") }
            var patch = fields
            if publishedAt == nil, case .string? = current.body["published_at"] { patch.removeAll { $0.key == "published_at" } }
            var status = draft ? "draft" : "published"
            if !draft, current.body["status"] == .string("yanked") {
                patch.removeAll { $0.key == "status" }
                status = "yanked"
                Console.error("shiplog: release \(name) was yanked; it stays yanked (publish it again with POST …/publish)")
            }
            let updated = try await client.send(.PATCH, path, .object(patch))
            guard updated.isSuccess else { throw updated.fail("updating release \(name)") }
            try Console.output("updated release \(name) (\(status))")
        }
    }
}
