internal import ShiplogMarkdown
import ShiplogModel

/// Turns a CHANGELOG (Keep a Changelog 1.1 and the variants real projects use) into releases.
///
/// Release headings are found at the shallowest level (1–3) whose headings name versions;
/// each release's notes are the Markdown under its heading, with their headings moved so the
/// shallowest is `###`, the link reference definitions they use appended, and relative links
/// made absolute against ``ImportTarget``'s component URL. Every problem is reported at once.
///
/// ```swift
/// let converter = ChangelogConverter(file: "CHANGELOG.md", target: target)
/// let result = try converter.convert(text)
/// print(try result.json())
/// ```
public struct ChangelogConverter: Sendable {
    /// The file name used in problems (`CHANGELOG.md:12: …`).
    public var file: String
    /// The page and component.
    public var target: ImportTarget
    /// Tags (from `--git`) by version: they date undated releases and give `tag` and `commit`;
    /// nil when no repository was given.
    public var tags: GitTagsByVersion?
    /// The changelog's path in the repository, for `#anchor` links (defaults to the file's name).
    public var documentPath: String

    /// Creates a converter.
    public init(file: String, target: ImportTarget, tags: [GitTag]? = nil, documentPath: String? = nil) {
        self.file = file
        self.target = target
        self.tags = tags.map(GitTagsByVersion.init)
        self.documentPath = documentPath ?? String(file.split(separator: "/").last ?? Substring(file))
    }

    /// The version given to a non-empty `Unreleased`/`Main` section, which becomes a draft.
    public static let unreleasedVersion = "unreleased"

    /// Converts the changelog `text`; `progress` hears (releases done, releases in all) now and then.
    public func convert(_ text: String, progress: (@Sendable (Int, Int) -> Void)? = nil) throws(ImportError) -> ImportResult {
        let document = ChangelogDocument(text)
        var problems: [ImportProblem] = []
        var warnings: [ImportProblem] = []
        func at(_ line: Int) -> String { "\(file):\(line)" }
        let sections = document.sections()
        guard sections.contains(where: { $0.heading != nil }) else {
            throw ImportError(
                problems: [
                    ImportProblem(
                        location: at(1),
                        message: "no release heading found (such as \"## [1.2.0] - 2019-02-15\" or \"# 0.14.0 (31 July 2022)\")"
                    )
                ]
            )
        }
        let base = target.component.url.map { LinkBase(componentURL: $0, document: documentPath) }
        var releases: [Release] = []
        var firstLine: [String: Int] = [:]
        var sawRelease = false
        let total = sections.count
        for (offset, section) in sections.enumerated() {
            if let progress, offset % 256 == 0 { progress(offset, total) }
            guard let heading = section.heading else {
                if sawRelease, document.hasContent(section) {
                    warnings.append(
                        ImportProblem(
                            location: at(section.headingLine),
                            message: "this section names no version, so it is not a release; it is left out"
                        )
                    )
                }
                continue
            }
            sawRelease = true
            let notes = document.notes(of: section, base: base)
            for link in notes.unresolvedRelativeLinks { warnings.append(.relativeLinkLeft(link.destination, at: at(link.line))) }
            let version = heading.version ?? Self.unreleasedVersion
            // An empty `## 2.0.0 (Unreleased)`, like an empty `## [Unreleased]`, announces nothing yet.
            if heading.isUnreleased, notes.text.isEmpty { continue }
            if heading.version == nil {
                guard !notes.text.isEmpty else { continue }
                if let first = firstLine[version] {
                    problems.append(
                        ImportProblem(location: at(section.headingLine), message: "a second unreleased section (the first is at line \(first))")
                    )
                    continue
                }
            }
            if let problem = Rules.versionProblem(version) {
                problems.append(ImportProblem(location: at(section.headingLine), message: problem))
                continue
            }
            if let first = firstLine[version] {
                problems.append(
                    ImportProblem(location: at(section.headingLine), message: "version \(version) is given twice (first at line \(first)); keep one")
                )
                continue
            }
            firstLine[version] = section.headingLine
            let tag = heading.version.flatMap { tags?.tag(for: Version($0)) }
            let date = heading.date ?? notes.date ?? tag?.date
            let status: Release.Status =
                heading.version == nil || heading.isUnreleased ? .draft : (heading.isYanked ? .yanked : .published)
            if status == .published, date == nil {
                problems.append(ImportProblem(location: at(section.headingLine), message: undated(version, level: section.level, tag: tag)))
            }
            var url: String? = nil
            if let link = heading.link
                ?? heading.referenceLabel.flatMap({ document.definitions[MarkdownLinks.normalizedLabel(Substring($0))]?.destination })
            {
                let absolute = LinkBase.isRelative(link) ? base?.absolute(link, isImage: false) : link
                if let absolute, Rules.urlProblem(absolute) == nil { url = absolute }
            }
            releases.append(
                Release(
                    component: target.component.slug,
                    version: Version(version),
                    title: heading.version == nil ? "Unreleased" : heading.title,
                    publishedAt: status == .draft ? nil : date,
                    author: heading.author.flatMap { Rules.nameProblem($0) == nil ? $0 : nil },
                    notes: notes.text.isEmpty ? nil : notes.text,
                    status: status,
                    commit: tag?.commit,
                    tag: tag?.name,
                    url: url
                )
            )
        }
        progress?(total, total)
        guard problems.isEmpty else { throw ImportError(problems: problems, warnings: warnings) }
        return ImportResult(data: ReleaseData(page: target.page, components: [target.component], releases: releases), warnings: warnings)
    }

    /// What a published release without a date is told: where to write one, and what `--git` did
    /// (or that it could be given).
    private func undated(_ version: String, level: Int, tag: GitTag?) -> String {
        let advice = "write one in the heading (\(String(repeating: "#", count: level)) \(version) - 2024-05-01) or on a \"Released …\" line below it"
        guard tags != nil else { return "release \(version) has no date: \(advice), or give --git DIR to take its tag's date" }
        let git = tag.map { "its tag \($0.name) has no date" } ?? "the --git repository has no tag of this version"
        return "release \(version) has no date: \(advice); \(git)"
    }
}
