import ArgumentParser
import Foundation
import ShiplogModel
import ShiplogSite
import ShiplogStore

/// `shiplog build`: render the static release page.
struct BuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build the static release page (HTML, feeds, version JSON) into a directory.",
        discussion: """
            The build is atomic (a failed build leaves the previous site as it was), reproducible \
            (same input, same bytes) and incremental (only pages whose inputs changed are rendered \
            again; unchanged files keep their modification time).
            """
    )

    @OptionGroup var input: DataOptions

    @Option(name: .long, help: ArgumentHelp("Build from the store instead of --data files (a SQLite file).", valueName: "path"))
    var db: String?

    @Option(name: .long, help: ArgumentHelp("With --db: the page to build; needed when the store has several.", valueName: "id"))
    var page: String?

    @Option(
        name: .customLong("server-url"),
        help: ArgumentHelp("The server the page's subscription form posts to (overrides page.server_url).", valueName: "url")
    )
    var serverURL: String?

    @Option(name: .long, help: ArgumentHelp("The output directory.", valueName: "dir"))
    var out: String

    @Option(name: .long, help: ArgumentHelp("A directory of templates that replace the default theme's, file by file.", valueName: "dir"))
    var templates: String?

    @Flag(name: .long, help: "Include draft releases.")
    var drafts = false

    @Flag(name: .long, help: "Ignore the previous build's cache and render every page.")
    var noCache = false

    @Flag(name: .long, help: "Print how long each phase of the build took, on stderr.")
    var timings = false

    func validate() throws {
        if db != nil && !input.data.isEmpty { throw ValidationError("Give either --data files or --db, not both.") }
        if db == nil && input.data.isEmpty { throw ValidationError("Give at least one --data FILE, or --db.") }
        if db == nil && page != nil { throw ValidationError("--page goes with --db.") }
        if let serverURL, let problem = Rules.baseURLProblem(serverURL, appended: "the server's paths") {
            throw ValidationError("--server-url: \(problem)")
        }
    }

    func run() async throws {
        let start = ContinuousClock.now
        var stored: ReleaseData?
        if let db {
            var options = StoreOptions()
            options.db = db
            let store = try await options.open(creating: false)
            let id = try await selectPage(store, page)
            stored = try await storeCall { () async throws(StoreError) in try await store.load(page: id) }
        }
        var timing: (@Sendable (String, Duration) -> Void)? = nil
        if timings { timing = { phase, duration in Console.error("timing: \(phase): \(Self.milliseconds(duration))") } }
        let options = SiteOptions(
            output: out,
            templates: try SharedFiles.templates(),
            templateOverrides: templates,
            includeDrafts: drafts,
            incremental: !noCache,
            timings: timing
        )
        let out = self.out
        do {
            // The data loads while the builder reads the previous build's cache.
            _ = try await SiteBuilder(options: options).build { memo in
                var loaded = try stored.map(LoadedData.init(data:)) ?? input.load(memo: memo)
                timing?("load data", ContinuousClock.now - start)
                if let serverURL { loaded.data.page.serverURL = serverURL }
                return loaded
            } finish: { report in
                let elapsed = (ContinuousClock.now - start).components
                let hundredths = elapsed.seconds * 100 + elapsed.attoseconds / 10_000_000_000_000_000
                let seconds = "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
                let line =
                    "Built \(report.files) files into \(out) in \(seconds) s (rendered \(report.rendered), wrote \(report.written), removed \(report.removed)). Open \(out)/index.html."
                // The work is done: the process ends here rather than free what the build holds piece by piece.
                do { try Console.output(line) } catch { Foundation.exit(ExitStatus.io.rawValue) }
                Foundation.exit(0)
            }
        } catch let error as SiteError {
            Console.error(error.message)
            throw error.kind == .template ? ExitStatus.badData : ExitStatus.io
        }
    }

    /// A duration as `--timings` prints it: milliseconds with two decimals (`0.01 ms`, `1234.50 ms`).
    static func milliseconds(_ duration: Duration) -> String {
        let parts = duration.components
        return String(format: "%.2f ms", Double(parts.seconds) * 1000 + Double(parts.attoseconds) / 1e15)
    }
}

/// Finds the default theme and the OpenAPI document when they are kept as files; without any,
/// shiplog uses the copies built into the binary (`ShiplogEmbedded`), so a copied binary works alone.
///
/// Looked up in order: an environment variable, an installed `share/shiplog/` beside the
/// binary's `bin/`, a folder next to the binary, and the source checkout whose `.build` holds
/// the binary (so a theme being edited shows without regenerating the built-in copy). Every place
/// is found from where the running binary really is (`/proc/self/exe`), never from the current
/// directory or from a path compiled into the binary.
enum SharedFiles {
    /// The default theme's folder (`SHIPLOG_TEMPLATES` overrides it); nil: the built-in theme.
    static func templates() throws -> String? {
        try find("templates", marker: "layout.mustache", variable: "SHIPLOG_TEMPLATES")
    }

    /// The OpenAPI document (`SHIPLOG_OPENAPI` overrides it); nil: the built-in one.
    static func openAPIDocument() throws -> String? {
        if let path = ProcessInfo.processInfo.environment["SHIPLOG_OPENAPI"], !path.isEmpty { return path }
        return try find(".", marker: "openapi.yaml", variable: nil).map { $0 + "/openapi.yaml" }
    }

    /// The folder that holds the running binary, with every link resolved.
    static var executableDirectory: URL {
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: path).resolvingSymlinksInPath().deletingLastPathComponent()
    }

    private static func find(_ name: String, marker: String, variable: String?) throws -> String? {
        var candidates: [String] = []
        if let variable, let path = ProcessInfo.processInfo.environment[variable], !path.isEmpty { candidates.append(path) }
        let executable = executableDirectory
        candidates.append(executable.appendingPathComponent("../share/shiplog/\(name)").standardizedFileURL.path)
        candidates.append(executable.appendingPathComponent(name).standardizedFileURL.path)
        if let checkout = enclosingCheckout(of: executable) {
            candidates.append(checkout.appendingPathComponent(name).standardizedFileURL.path)
        }
        for candidate in candidates where FileManager.default.fileExists(atPath: candidate + "/" + marker) {
            return candidate
        }
        if let variable, let path = ProcessInfo.processInfo.environment[variable], !path.isEmpty {
            Console.error("\(variable)=\(path): cannot find \(marker) there")
            throw ExitStatus.io
        }
        return nil
    }

    /// The package checkout a binary built by `swift build` sits in (`CHECKOUT/.build*/…/shiplog`).
    private static func enclosingCheckout(of directory: URL) -> URL? {
        var folder = directory.standardizedFileURL
        while folder.pathComponents.count > 1 {
            if folder.lastPathComponent.hasPrefix(".build") {
                let checkout = folder.deletingLastPathComponent()
                return FileManager.default.fileExists(atPath: checkout.appendingPathComponent("Package.swift").path) ? checkout : nil
            }
            folder = folder.deletingLastPathComponent()
        }
        return nil
    }
}
