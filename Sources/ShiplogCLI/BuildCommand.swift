import ArgumentParser
import Foundation
import ShiplogModel
import ShiplogSite

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

    func run() async throws {
        let start = ContinuousClock.now
        var timing: (@Sendable (String, Duration) -> Void)? = nil
        if timings { timing = { phase, duration in Console.error("timing: \(phase): \(duration)") } }
        let options = SiteOptions(
            output: out,
            templates: try DefaultTheme.directory(),
            templateOverrides: templates,
            includeDrafts: drafts,
            incremental: !noCache,
            timings: timing
        )
        let report: BuildReport
        do {
            // The data loads while the builder reads the previous build's cache.
            report = try await SiteBuilder(options: options).build { memo in
                let loaded = try input.load(memo: memo)
                timing?("load data", ContinuousClock.now - start)
                return loaded
            }
        } catch let error as SiteError {
            Console.error(error.message)
            throw error.kind == .template ? ExitStatus.badData : ExitStatus.io
        }
        let elapsed = (ContinuousClock.now - start).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        Console.output(
            "Built \(report.files) files into \(out) in \(String(format: "%.2f", seconds)) s (rendered \(report.rendered), wrote \(report.written), removed \(report.removed)). Open \(out)/index.html."
        )
    }
}

/// Finds the default theme: `SHIPLOG_TEMPLATES`, an installed `share/shiplog/templates`, or the source checkout's `templates/`.
enum DefaultTheme {
    static func directory() throws -> String {
        var candidates: [String] = []
        if let path = ProcessInfo.processInfo.environment["SHIPLOG_TEMPLATES"] { candidates.append(path) }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        candidates.append(executable.appendingPathComponent("../share/shiplog/templates").standardizedFileURL.path)
        candidates.append(executable.appendingPathComponent("templates").path)
        // The checkout this binary was built from: Sources/ShiplogCLI/ is two levels below it.
        candidates.append(
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../templates").standardizedFileURL.path
        )
        for candidate in candidates where FileManager.default.fileExists(atPath: candidate + "/layout.mustache") {
            return candidate
        }
        Console.error("cannot find the default templates (looked in \(candidates.joined(separator: ", "))); set SHIPLOG_TEMPLATES")
        throw ExitStatus.io
    }
}
