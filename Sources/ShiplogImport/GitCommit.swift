import ShiplogMacroSupport

/// One commit as `git log` lists it, read as a Conventional Commit where it is one.
@MemberwiseInit
public struct GitCommit: Sendable, Hashable {
    /// The full hash.
    public var hash: String
    /// The first line of the message.
    public var subject: String
    /// The rest of the message.
    public var body: String = ""

    /// The arguments after `git -C DIR` that list the commits of `range` for ``parse(_:)`` (merges left out).
    public static func logArguments(range: String) -> [String] {
        ["log", "--no-merges", "--format=%H%x1f%s%x1f%b%x1e", range, "--"]
    }

    /// The commits in the output of `git log` run with ``logArguments(range:)``.
    public static func parse(_ output: String) -> [GitCommit] {
        output.split(separator: "\u{1E}").compactMap { record in
            let fields = record.split(separator: "\u{1F}", omittingEmptySubsequences: false)
            guard fields.count >= 3 else { return nil }
            let hash = fields[0].trimmingWhitespace()
            guard !hash.isEmpty else { return nil }
            return GitCommit(hash: String(hash), subject: String(fields[1].trimmingWhitespace()), body: String(fields[2].trimmingWhitespace()))
        }
    }

    /// What a Conventional Commit says about the release it goes into.
    public enum Kind: Int, Sendable, Comparable, CaseIterable {
        /// `docs`, `chore`, a commit that is no Conventional Commit…
        case other
        /// `fix`: a patch release.
        case fix
        /// `feat`: a minor release.
        case feature
        /// `!` or `BREAKING CHANGE:`: a major release.
        case breaking

        public static func < (a: Kind, b: Kind) -> Bool { a.rawValue < b.rawValue }

        /// The notes' heading for commits of this kind.
        public var heading: String {
            switch self {
            case .breaking: "Breaking changes"
            case .feature: "Features"
            case .fix: "Fixes"
            case .other: "Other"
            }
        }
    }

    /// `feat(parser)!: drop Swift 5` → (breaking, "parser", "drop Swift 5"); a subject that is no
    /// Conventional Commit is `other` with the whole subject.
    public var conventional: (kind: Kind, scope: String?, description: String) {
        let breakingFooter = body.split(separator: "\n").contains { $0.hasPrefix("BREAKING CHANGE:") || $0.hasPrefix("BREAKING-CHANGE:") }
        let subject = Substring(self.subject)
        guard let colon = subject.firstIndex(of: ":") else { return (breakingFooter ? .breaking : .other, nil, self.subject) }
        var head = subject[..<colon]
        let description = subject[subject.index(after: colon)...].trimmingWhitespace()
        var bang = false
        if head.last == "!" {
            bang = true
            head = head.dropLast()
        }
        var scope: String? = nil
        if head.last == ")", let open = head.firstIndex(of: "(") {
            scope = String(head[head.index(after: open)..<head.index(before: head.endIndex)])
            head = head[..<open]
        }
        guard !head.isEmpty, head.allSatisfy({ $0.isASCII && ($0.isLetter || $0 == "-") }), !description.isEmpty else {
            return (breakingFooter ? .breaking : .other, nil, self.subject)
        }
        let type = head.lowercased()
        let kind: Kind = bang || breakingFooter ? .breaking : (type == "feat" || type == "feature" ? .feature : (type == "fix" ? .fix : .other))
        return (kind, scope.flatMap { $0.isEmpty ? nil : $0 }, String(description))
    }

    /// Release notes from `commits`: a `###` section per kind (Breaking changes, Features, Fixes,
    /// Other), a line per commit with its scope and short hash; empty subjects are left out.
    public static func notes(_ commits: [GitCommit]) -> String {
        var groups: [Kind: [String]] = [:]
        for commit in commits where !commit.subject.isEmpty {
            let (kind, scope, description) = commit.conventional
            let line = "- " + (scope.map { "**\($0):** " } ?? "") + description + " (\(commit.hash.prefix(7)))"
            groups[kind, default: []].append(line)
        }
        return Kind.allCases.reversed().compactMap { kind in
            groups[kind].map { "### \(kind.heading)\n\n" + $0.joined(separator: "\n") }
        }.joined(separator: "\n\n")
    }
}
