import ArgumentParser
import Foundation
import ShiplogImport
import ShiplogModel

/// `shiplog convert`: a data file from a CHANGELOG, GitHub releases or git tags (SPEC §10).
struct ConvertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Write a data file (JSON, on stdout) from the release history a project already has.",
        discussion: """
            Every problem is reported at once on stderr (FILE:LINE for a changelog, FILE: JSON.PATH for \
            GitHub's JSON, DIR: tag NAME for git), with exit status 65 and nothing on stdout. \
            See docs/import.md.
            """,
        subcommands: [ConvertChangelogCommand.self, ConvertGitHubCommand.self, ConvertGitCommand.self]
    )
}

/// The options every `convert` source shares: which component, which page.
struct ConvertTargetOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The component's slug (lowercase letters, digits, '.', '_', '-').", valueName: "slug"))
    var component: String

    @Option(help: ArgumentHelp("The component's GitHub repository; its URL is https://github.com/OWNER/NAME.", valueName: "owner/name"))
    var repo: String?

    @Option(help: ArgumentHelp("The component's URL, against which relative links are made absolute (default: from --repo).", valueName: "url"))
    var url: String?

    @Option(help: ArgumentHelp("The page id (default: the component's slug).", valueName: "id"))
    var page: String?

    @Option(help: ArgumentHelp("The page title (default: \"NAME releases\").", valueName: "title"))
    var title: String?

    /// The target, or exit 64 with the options' problems.
    func target(repo derived: String? = nil) throws -> ImportTarget {
        switch ImportTarget.make(component: component, repo: repo ?? derived, url: url, pageID: page, pageTitle: title) {
        case .success(let target): return target
        case .failure(let error):
            for problem in error.problems { Console.error(problem.description) }
            throw ExitStatus.usage
        }
    }
}

/// What a `convert` source reads: the file at a path, or standard input for `-`.
struct ConvertInput {
    /// The input's text.
    var text: String
    /// The name problems give it: the path, or `stdin`.
    var name: String
    /// Whether it was read from standard input.
    var isStandardInput: Bool

    /// Reads the file at `path`, or standard input for `-`; exits 74 naming a file that cannot be read.
    static func read(_ path: String) throws -> ConvertInput {
        if path == "-" { return ConvertInput(text: Console.input(), name: "stdin", isStandardInput: true) }
        guard let data = FileManager.default.contents(atPath: path) else { throw Console.unreadable(path) }
        return ConvertInput(text: String(decoding: data, as: UTF8.self), name: path, isStandardInput: false)
    }
}

/// Prints the warnings and the data, or the problems (and exits 65).
func emit(_ body: () throws(ImportError) -> ImportResult) throws {
    let result: ImportResult
    let json: String
    do {
        result = try body()
        json = try result.json()
    } catch {
        throw Console.refused(warnings: error.warnings, problems: error.problems)
    }
    for warning in result.warnings { Console.error("warning: \(warning)") }
    for warning in VersionWarnings.check(result.data) { Console.error("warning: \(warning)") }
    try Console.write(Data(json.utf8))
}

/// A progress line on stderr for long inputs, only when stderr is a terminal.
enum ProgressLine {
    /// How many items an input must have before progress is shown.
    static let threshold = 1000

    /// A reporter for `label` (`releases`, `tags`), or nil when stderr is not a terminal.
    static func reporter(_ label: String) -> (@Sendable (Int, Int) -> Void)? {
        guard isatty(2) != 0 else { return nil }
        return { done, total in
            guard total >= threshold else { return }
            let text = done >= total ? "\r\u{1B}[K" : "\rconverting: \(done)/\(total) \(label)"
            FileHandle.standardError.write(Data(text.utf8))
        }
    }
}

/// `shiplog convert changelog FILE`.
struct ConvertChangelogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "changelog",
        abstract: "Convert a CHANGELOG.md (Keep a Changelog and the variants real projects use)."
    )

    @Argument(help: ArgumentHelp("The changelog ('-' for stdin).", valueName: "file"))
    var file: String

    @OptionGroup var target: ConvertTargetOptions

    @Option(help: ArgumentHelp("A git repository whose tags date undated releases (and give tag and commit).", valueName: "dir"))
    var git: String?

    func run() async throws {
        let target = try target.target()
        let input = try ConvertInput.read(file)
        let tags = try git.map { try Git(directory: $0).tags() }
        // Relative links resolve from the changelog's folder in its repository (SPEC §10); read from
        // stdin, it counts as the CHANGELOG.md at the repository's root.
        let path = input.isStandardInput ? "CHANGELOG.md" : Git.pathInWorkTree(file)
        let converter = ChangelogConverter(file: input.name, target: target, tags: tags, documentPath: path)
        try emit { () throws(ImportError) in try converter.convert(input.text, progress: ProgressLine.reporter("releases")) }
    }
}

/// `shiplog convert github FILE`.
struct ConvertGitHubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "github",
        abstract: "Convert GitHub's \"list releases\" JSON (one page, the pages `gh api --paginate` prints, or release objects one after another)."
    )

    @Argument(help: ArgumentHelp("The JSON file ('-' for stdin).", valueName: "file"))
    var file: String

    @OptionGroup var target: ConvertTargetOptions

    @Option(
        help: ArgumentHelp(
            "Only releases whose tag matches this pattern (fnmatch, e.g. 'api/v*'); the version follows the prefix.",
            valueName: "glob"
        )
    )
    var tags: String?

    func run() async throws {
        let input = try ConvertInput.read(file)
        let target = try target.target(repo: GitHubReleases.repository(in: input.text))
        let converter = GitHubReleases(file: input.name, target: target, tags: tags)
        try emit { () throws(ImportError) in try converter.convert(input.text, progress: ProgressLine.reporter("releases")) }
    }
}

/// `shiplog convert git DIR`.
struct ConvertGitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "git",
        abstract: "Convert the version tags of a git repository (bare ones too)."
    )

    @Argument(help: ArgumentHelp("The repository.", valueName: "dir"))
    var directory: String

    @OptionGroup var target: ConvertTargetOptions

    @Option(help: ArgumentHelp("Only tags matching this pattern (git's fnmatch, e.g. 'v*').", valueName: "glob"))
    var tags: String?

    func run() async throws {
        let target = try target.target()
        let git = Git(directory: directory)
        let tags = try git.tags(matching: tags)
        let converter = GitConverter(directory: directory, target: target, takesPrefixedTags: self.tags != nil)
        try emit { () throws(ImportError) in
            try converter.convert(tags: tags, progress: ProgressLine.reporter("tags")) { from, to in git.commits(from: from, to: to) }
        }
    }
}
