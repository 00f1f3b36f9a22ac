import ShiplogMacroSupport
import ShiplogModel

/// Why running git failed: what git said.
@MemberwiseInit
public struct GitFailure: Error, Sendable {
    /// git's message (its stderr).
    public var message: String
}

/// Turns the version tags of a git repository into releases.
///
/// Each tag that is a dotted-numeric version (a `v` prefix allowed) is a release, dated by the
/// tag, with its commit; its notes are the annotated tag's message, else the Conventional Commits
/// since the previous version tag, grouped. When those commits ask for a larger bump than the
/// version made (a `feat` in a patch release), a warning says so: the data has no bump of its own.
@MemberwiseInit
public struct GitConverter: Sendable {
    /// The repository, as problems name it.
    public var directory: String
    /// The page and component.
    public var target: ImportTarget
    /// Whether a tag may name its version after a component's prefix (`api/v1.2.0`): when `--tags`
    /// chose the component's tags; else such tags (another component's, perhaps) are left out.
    public var takesPrefixedTags: Bool = false

    /// Converts `tags`; `commits(from, to)` lists the commits in `to` and not in `from`.
    public func convert(
        tags: [GitTag],
        progress: (@Sendable (Int, Int) -> Void)? = nil,
        commits: (_ from: String?, _ to: String) -> Result<[GitCommit], GitFailure>
    ) throws(ImportError) -> ImportResult {
        var problems: [ImportProblem] = []
        var warnings: [ImportProblem] = []
        func at(_ tag: GitTag) -> String { "\(directory): tag \(tag.name)" }
        var skipped: [String] = []
        var versions: [(tag: GitTag, version: Version)] = []
        for tag in tags {
            guard let text = Self.versionPart(of: tag.name), takesPrefixedTags || text == tag.name else {
                skipped.append(tag.name)
                continue
            }
            let version = Version(text)
            if let problem = Rules.versionProblem(text) {
                problems.append(ImportProblem(location: at(tag), message: problem))
                continue
            }
            versions.append((tag, version))
        }
        if !skipped.isEmpty {
            let shown = skipped.prefix(5).joined(separator: ", ") + (skipped.count > 5 ? ", …" : "")
            warnings.append(
                ImportProblem(
                    location: directory,
                    message: "\(skipped.count) tag\(skipped.count == 1 ? " is" : "s are") not a version and left out: \(shown)"
                        + (takesPrefixedTags || !skipped.contains { Self.versionPart(of: $0) != nil }
                            ? "" : " (a component's tags such as api/v1.2.0 count with --tags 'api/v*')")
                )
            )
        }
        versions.sort { a, b in
            let order = a.version.compare(b.version)
            return order != 0 ? order < 0 : a.tag.name < b.tag.name
        }
        for (previous, next) in zip(versions, versions.dropFirst()) where previous.version.compare(next.version) == 0 {
            problems.append(
                ImportProblem(
                    location: at(next.tag),
                    message: "the same version as tag \(previous.tag.name); keep one of them with --tags"
                )
            )
        }
        guard problems.isEmpty else { throw ImportError(problems: problems, warnings: warnings) }
        var releases: [Release] = []
        let base = target.component.url.map { LinkBase(componentURL: $0) }
        for (index, entry) in versions.enumerated() {
            if let progress, index % 64 == 0 { progress(index, versions.count) }
            let previous = index > 0 ? versions[index - 1] : nil
            var listed: [GitCommit]
            switch commits(previous.map { "refs/tags/" + $0.tag.name }, "refs/tags/" + entry.tag.name) {
            case .success(let found): listed = found
            case .failure(let failure):
                problems.append(ImportProblem(location: at(entry.tag), message: "git log failed: \(failure.message)"))
                continue
            }
            // A final release tagged on its last pre-release's commit has no commit of its own: its
            // notes are the commits since the previous final release, which its pre-releases shipped.
            if listed.isEmpty, !entry.version.hasPrereleasePart, previous?.version.hasPrereleasePart == true,
                case .success(let found) = commits(
                    versions[..<index].last { !$0.version.hasPrereleasePart }.map { "refs/tags/" + $0.tag.name },
                    "refs/tags/" + entry.tag.name
                )
            {
                listed = found
            }
            if let previous, let warning = bumpWarning(entry, previous, listed) {
                warnings.append(ImportProblem(location: at(entry.tag), message: warning))
            }
            guard let date = entry.tag.date else {
                problems.append(ImportProblem(location: at(entry.tag), message: "git gives no date for this tag"))
                continue
            }
            let message = entry.tag.message.flatMap {
                Self.isTrivial($0, version: entry.version) || Self.isTrivial($0, version: Version(entry.tag.name)) ? nil : $0
            }
            // Relative links (`docs/x.md` in a tag message or a commit subject) point into the repository (SPEC §10).
            let resolved = LinkBase.resolvingLinks(in: message ?? GitCommit.notes(listed), base: base)
            for destination in resolved.left { warnings.append(.relativeLinkLeft(destination, at: at(entry.tag))) }
            let notes = resolved.text
            releases.append(
                Release(
                    component: target.component.slug,
                    version: entry.version,
                    publishedAt: date,
                    author: entry.tag.author.flatMap { Rules.nameProblem($0) == nil ? $0 : nil },
                    notes: notes.isEmpty ? nil : notes,
                    commit: entry.tag.commit,
                    tag: Rules.nameProblem(entry.tag.name) == nil ? entry.tag.name : nil
                )
            )
        }
        progress?(versions.count, versions.count)
        guard problems.isEmpty else { throw ImportError(problems: problems, warnings: warnings) }
        return ImportResult(
            data: ReleaseData(page: target.page, components: [target.component], releases: releases.reversed()),
            warnings: warnings
        )
    }

    /// The version a tag names: the whole tag (`v1.2.0`), or what follows a component's prefix in a
    /// monorepo (`api/v1.2.0`, `web-v1.2.0`, `@acme/cli@1.2.0`); nil for a tag that names none.
    static func versionPart(of name: String) -> String? {
        func isVersion(_ text: Substring) -> Bool { text.contains(".") && Version(String(text)).isNumeric }
        if isVersion(Substring(name)) { return name }
        for index in name.indices where "/@-_".contains(name[index]) {
            let rest = name[name.index(after: index)...]
            if isVersion(rest) { return String(rest) }
        }
        return nil
    }

    /// A tag message that says no more than the version (`v1.2.0`, `Release 1.2.0`).
    static func isTrivial(_ message: String, version: Version) -> Bool {
        let words = message.lowercased().split { $0.isWhitespace || $0 == ":" }
        let noise: Set<Substring> = ["release", "version", "tag", "tagged", "tagging", "bump", "to"]
        return words.allSatisfy {
            noise.contains($0) || $0 == Substring(version.text.lowercased()) || $0 == Substring(version.withoutPrefix.lowercased())
        }
    }

    /// A warning when the commits since the previous final release ask for a larger bump than the version made.
    private func bumpWarning(_ entry: (tag: GitTag, version: Version), _ previous: (tag: GitTag, version: Version), _ commits: [GitCommit]) -> String?
    {
        guard !entry.version.hasPrereleasePart, !previous.version.hasPrereleasePart,
            let (major, minor, _) = entry.version.majorMinorPatch, let (oldMajor, oldMinor, _) = previous.version.majorMinorPatch
        else { return nil }
        let made: GitCommit.Kind = major != oldMajor ? .breaking : (minor != oldMinor ? .feature : .fix)
        guard let strongest = commits.max(by: { $0.conventional.kind < $1.conventional.kind }) else { return nil }
        var asked = strongest.conventional.kind
        // Before 1.0.0 a breaking change may come in a minor release (SemVer item 4).
        if asked == .breaking, oldMajor.description == "0" { asked = .feature }
        guard asked > made, asked != .other else { return nil }
        let names: [GitCommit.Kind: String] = [.breaking: "major", .feature: "minor", .fix: "patch"]
        return
            "the commits since \(previous.tag.name) ask for a \(names[asked]!) release (\(strongest.hash.prefix(7)) \(JSONWriter.quoted(strongest.subject))), but \(entry.version.text) is a \(names[made]!) release"
    }
}
