import ArgumentParser
import Foundation
import ShiplogModel

/// `shiplog init DIR`: a starter `releases.json` and a CI workflow that publishes the page.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Start a release page: a releases.json and a GitHub Actions workflow that publishes it.",
        discussion: """
            Writes DIR/releases.json (the page, one component, one release) and \
            DIR/.github/workflows/release-page.yml (builds the page and publishes it with GitHub Pages). \
            DIR is created if missing; nothing is written if either file exists already.
            """
    )

    @Argument(help: ArgumentHelp("The directory (usually a repository's root) to start the page in.", valueName: "dir"))
    var directory: String = "."

    @Option(name: .long, help: ArgumentHelp("The page's id (default: from the directory's name).", valueName: "id"))
    var id: String?

    @Option(name: .long, help: ArgumentHelp("The product's name, shown in the page's title (default: from the directory's name).", valueName: "name"))
    var name: String?

    @Option(
        name: .long,
        help: ArgumentHelp("The git repository the workflow builds shiplog from (`git clone` URL).", valueName: "url")
    )
    var source = StarterTemplates.placeholderSource

    @Option(name: .long, help: ArgumentHelp("The branch or tag of --source the workflow builds.", valueName: "ref"))
    var ref = "main"

    func validate() throws {
        if let id, let problem = Rules.slugProblem(id) { throw ValidationError("--id: \(problem)") }
    }

    func run() throws {
        let root = URL(fileURLWithPath: directory).standardizedFileURL
        let folderName = root.lastPathComponent
        let pageID = id ?? Self.slug(folderName)
        let product = name ?? (folderName.isEmpty || folderName == "/" ? "My product" : folderName)
        let data = root.appendingPathComponent("releases.json")
        let workflow = root.appendingPathComponent(".github/workflows/release-page.yml")
        let existing = [data, workflow].filter { FileManager.default.fileExists(atPath: $0.path) }
        if !existing.isEmpty {
            Console.error("\(existing.map(\.path).joined(separator: ", ")): exists already; nothing was written")
            throw ExitStatus.io
        }
        let now = Timestamp.now()
        try StarterFiles.write(Array(StarterTemplates.releases(id: pageID, product: product, date: now).utf8), to: data)
        try StarterFiles.write(Array(StarterTemplates.workflow(source: source, ref: ref).utf8), to: workflow)
        try Console.output("Wrote \(data.path) and \(workflow.path).")
        try Console.output("Build the page: shiplog build --data \(Self.relative(data)) --out public")
        if source == StarterTemplates.placeholderSource {
            try Console.output(
                "Before pushing, set SHIPLOG_SOURCE in the workflow to the git URL you install shiplog from (or run init with --source)."
            )
        }
    }

    /// A page id made of the folder's name: lower case, other characters as `-`, at most 64.
    static func slug(_ name: String) -> String {
        var slug = String(name.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "-" })
        while let first = slug.first, !(first.isLetter || first.isNumber) { slug.removeFirst() }
        slug = String(slug.prefix(64))
        return slug.isEmpty ? "releases" : slug
    }

    private static func relative(_ url: URL) -> String {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL.path
        let path = url.path.hasPrefix(cwd + "/") ? String(url.path.dropFirst(cwd.count + 1)) : url.path
        let plain = path.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "/._-".contains($0)) }
        return plain ? path : "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
