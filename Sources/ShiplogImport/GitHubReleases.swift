import ShiplogMacroSupport
import ShiplogModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns GitHub's "list releases" JSON into releases: one page (an array), or several pages one
/// after another as `gh api --paginate` prints them (`][` between arrays, or white space), or
/// in one array of pages (`--slurp`).
///
/// `tag_name` → version and tag, `name` → title, `body` → notes, `draft` → a draft,
/// `prerelease`, `published_at`, `html_url` → url, `author.login` → author, `target_commitish`
/// → commit when it is a full hash, assets with `name`, `browser_download_url`, `size`.
@MemberwiseInit
public struct GitHubReleases: Sendable {
    /// The file name used in problems (`releases.json: [3].tag_name: …`).
    public var file: String
    /// The page and component.
    public var target: ImportTarget
    /// Only releases whose tag matches this pattern (fnmatch, as `git tag -l`: `api/v*`), their
    /// versions the part after the component's prefix (`api/v1.2.0` → `v1.2.0`): a monorepo's
    /// releases of one component. Nil takes every release, its tag the version.
    public var tags: String? = nil

    /// `OWNER/NAME` taken from the first release's `html_url`, for a component given no `--repo`.
    public static func repository(in text: String) -> String? {
        guard let start = Substring(text).caseInsensitiveRange(of: "\"html_url\"") else { return nil }
        let rest = text[start.upperBound...].drop { $0 == " " || $0 == ":" || $0 == "\"" || $0.isWhitespace }
        guard rest.hasPrefix("https://github.com/") else { return nil }
        let parts = rest.dropFirst("https://github.com/".count).split(separator: "/", maxSplits: 3)
        guard parts.count >= 3, parts[2] == "releases" else { return nil }
        let repo = "\(parts[0])/\(parts[1])"
        return ImportTarget.isRepository(repo) ? repo : nil
    }

    /// Converts the JSON `text`.
    public func convert(_ text: String, progress: (@Sendable (Int, Int) -> Void)? = nil) throws(ImportError) -> ImportResult {
        var problems: [ImportProblem] = []
        var warnings: [ImportProblem] = []
        let elements = values(in: text, problems: &problems)
        let base = target.component.url.map { LinkBase(componentURL: $0) }
        var releases: [Release] = []
        var seen: [String: Int] = [:]
        var skipped = 0
        for (index, element) in elements.enumerated() {
            if let progress, index % 256 == 0 { progress(index, elements.count) }
            let path = JSONPath.root.appending(index)
            func problem(_ key: String, _ message: String) {
                problems.append(ImportProblem(location: "\(file): \(path.appending(key))", message: message))
            }
            guard case .object = element else {
                problems.append(ImportProblem(location: "\(file): \(path)", message: "expected a release object, found \(element.typeDescription)"))
                continue
            }
            func string(_ key: String, rule: ((String) -> String?)? = nil) -> String? {
                switch element[key] {
                case nil, .null?: return nil
                case .string(let value)?:
                    if let rule, let message = rule(value) {
                        problem(key, message)
                        return nil
                    }
                    return value
                case let other?:
                    problem(key, "expected a string, found \(other.typeDescription)")
                    return nil
                }
            }
            func bool(_ key: String) -> Bool? {
                switch element[key] {
                case nil, .null?: return nil
                case .bool(let value)?: return value
                case let other?:
                    problem(key, "expected true or false, found \(other.typeDescription)")
                    return nil
                }
            }
            // With --tags, the rule of versions applies to the version part, below.
            let tagRule: ((String) -> String?)? =
                tags != nil
                ? nil
                : { tag in
                    guard let problem = Rules.versionProblem(tag) else { return nil }
                    // A monorepo's tag: say how to take it.
                    let hint = "; a component's tags such as api/v1.2.0 count with --tags 'api/v*'"
                    return GitConverter.versionPart(of: tag) == nil ? problem : problem + hint
                }
            guard let tag = string("tag_name", rule: tagRule) else {
                if element["tag_name"] == nil || element["tag_name"] == .null { problem("tag_name", "missing: every release needs its tag") }
                continue
            }
            var versionText = tag
            if let tags {
                guard fnmatch(tags, tag, 0) == 0 else {
                    skipped += 1
                    continue
                }
                guard let part = GitConverter.versionPart(of: tag) else {
                    problem("tag_name", "\(JSONWriter.quoted(tag)) matches --tags but holds no version (such as api/v1.2.0)")
                    continue
                }
                if let message = Rules.versionProblem(part) {
                    problem("tag_name", message)
                    continue
                }
                versionText = part
            }
            if let first = seen[versionText] {
                problem("tag_name", "\(JSONWriter.quoted(tag)) is given twice (first at [\(first)])")
                continue
            }
            seen[versionText] = index
            let draft = bool("draft") ?? false
            let published = string("published_at", rule: Rules.timestampProblem).flatMap(Timestamp.init(rfc3339:))
            if !draft, published == nil, element["published_at"].map({ $0 == .null }) ?? true {
                problem("published_at", "missing for a release that is not a draft")
            }
            let title = string("name", rule: Rules.nameProblem)
            var notes = string("body").map(Self.normalizedLineBreaks)
            if let body = notes {
                let resolved = LinkBase.resolvingLinks(in: body, base: base)
                notes = resolved.text
                for destination in resolved.left { warnings.append(.relativeLinkLeft(destination, at: "\(file): \(path.appending("body"))")) }
            }
            let commit = string("target_commitish").flatMap { Self.isFullHash($0) ? $0 : nil }
            var author: String? = nil
            if let login = element["author"]?["login"], case .string(let name) = login, Rules.nameProblem(name) == nil { author = name }
            releases.append(
                Release(
                    component: target.component.slug,
                    version: Version(versionText),
                    title: title.flatMap { $0.isEmpty ? nil : $0 },
                    publishedAt: published,
                    author: author,
                    notes: notes.flatMap { $0.isEmpty ? nil : $0 },
                    status: draft ? .draft : .published,
                    prereleaseFlag: bool("prerelease"),
                    commit: commit,
                    tag: Rules.nameProblem(tag) == nil ? tag : nil,
                    url: string("html_url", rule: Rules.urlProblem),
                    assets: assets(element["assets"], at: path.appending("assets"), problems: &problems)
                )
            )
        }
        progress?(elements.count, elements.count)
        if let tags, skipped > 0 {
            let message = "\(skipped) release(s) whose tag does not match \(JSONWriter.quoted(tags)) left out"
            warnings.append(ImportProblem(location: file, message: message))
        }
        guard problems.isEmpty else { throw ImportError(problems: problems, warnings: warnings) }
        return ImportResult(data: ReleaseData(page: target.page, components: [target.component], releases: releases), warnings: warnings)
    }

    private func assets(_ value: JSONValue?, at path: JSONPath, problems: inout [ImportProblem]) -> [Release.Asset] {
        guard let value, value != .null else { return [] }
        guard case .array(let elements) = value else {
            problems.append(ImportProblem(location: "\(file): \(path)", message: "expected an array, found \(value.typeDescription)"))
            return []
        }
        var assets: [Release.Asset] = []
        for (index, element) in elements.enumerated() {
            let at = path.appending(index)
            guard case .string(let url)? = element["browser_download_url"] else {
                problems.append(
                    ImportProblem(location: "\(file): \(at.appending("browser_download_url"))", message: "missing: an asset needs its download URL")
                )
                continue
            }
            if let message = Rules.urlProblem(url) {
                problems.append(ImportProblem(location: "\(file): \(at.appending("browser_download_url"))", message: message))
                continue
            }
            var asset = Release.Asset(url: url)
            if case .string(let name)? = element["name"], Rules.nameProblem(name) == nil { asset.name = name }
            if case .number(let size)? = element["size"], let bytes = Int(size), bytes >= 0 { asset.size = bytes }
            let digestPath = "\(file): \(at.appending("digest"))"
            // GitHub gives `digest` as "sha256:HEX" (null for assets uploaded before it kept them).
            switch element["digest"] {
            case nil, .null?: break
            case .string(let digest)? where digest.hasPrefix("sha256:"):
                let hex = String(digest.dropFirst("sha256:".count)).lowercased()
                if hex.utf8.count == 64, hex.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) {
                    asset.sha256 = hex
                } else {
                    problems.append(ImportProblem(location: digestPath, message: "expected \"sha256:\" and 64 hex digits"))
                }
            case .string?: break  // another algorithm: the data format has no field for it
            case let other?:
                problems.append(ImportProblem(location: digestPath, message: "expected a string, found \(other.typeDescription)"))
            }
            assets.append(asset)
        }
        return assets
    }

    /// The JSON values of `text`: the elements of one array, or of several arrays one after another,
    /// or release objects one after another.
    private func values(in text: String, problems: inout [ImportProblem]) -> [JSONValue] {
        let bytes = Array(text.utf8)
        var result: [JSONValue] = []
        var index = 0
        var line = 1
        var page = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 10 { line += 1 }
            if byte == 32 || byte == 9 || byte == 10 || byte == 13 {
                index += 1
                continue
            }
            let start = index
            let startLine = line
            index = Self.endOfValue(bytes, from: index, line: &line)
            do {
                let value = try JSONParser.parse(bytes[start..<index])
                // One release at a time: `gh api …/releases/latest`, or `gh api --paginate … --jq '.[]'`.
                if case .object = value, value["tag_name"] != nil {
                    result.append(value)
                    page += 1
                    continue
                }
                guard case .array(let elements) = value else {
                    var said = ""
                    if case .string(let message)? = value["message"] { said = " (GitHub answered \(JSONWriter.quoted(message)))" }
                    problems.append(
                        ImportProblem(
                            location: "\(file): line \(startLine)",
                            message: "expected an array of releases, found \(value.typeDescription)\(said)"
                        )
                    )
                    return []
                }
                // `gh api --paginate --slurp` wraps the pages in one more array.
                let pages = elements.compactMap { element -> [JSONValue]? in
                    guard case .array(let inner) = element else { return nil }
                    return inner
                }
                result += !elements.isEmpty && pages.count == elements.count ? pages.flatMap { $0 } : elements
                page += 1
            } catch {
                problems.append(
                    ImportProblem(
                        location: "\(file): line \(startLine + error.line - 1)",
                        message: "invalid JSON (page \(page + 1)), column \(error.column): \(error.message)"
                    )
                )
                return []
            }
        }
        if page == 0 { problems.append(ImportProblem(location: file, message: "no JSON in the file: expected an array of releases")) }
        return result
    }

    /// Where the value that starts at `start` ends: after its closing bracket (strings skipped).
    private static func endOfValue(_ bytes: [UInt8], from start: Int, line: inout Int) -> Int {
        var depth = 0
        var index = start
        var inString = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 10 { line += 1 }
            if inString {
                if byte == UInt8(ascii: "\\") {
                    index += 1
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") {
                depth += 1
            } else if byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") {
                depth -= 1
                if depth <= 0 { return index + 1 }
            } else if depth == 0, byte == 32 || byte == 10 || byte == 9 || byte == 13 {
                return index
            }
            index += 1
        }
        return bytes.count
    }

    static func normalizedLineBreaks(_ text: String) -> String {
        guard text.utf8.contains(13) else { return text }
        return text.split(separator: "\r\n", omittingEmptySubsequences: false).joined(separator: "\n")
    }

    static func isFullHash(_ text: String) -> Bool {
        text.utf8.count == 40
            && text.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
    }
}
