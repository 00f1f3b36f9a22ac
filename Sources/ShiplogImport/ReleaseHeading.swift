public import ShiplogModel

/// What a changelog heading says about a release: `## [1.2.0] - 2019-02-15`, `# 0.14.0 (31 July
/// 2022)`, `## v8.1.1 (July 1, 2025)`, `## [0.9.20](https://…)`, `## [Unreleased]`, `## Main`.
public struct ReleaseHeading: Sendable, Hashable {
    /// The version as written (a leading `v` kept), or nil for an unreleased section.
    public var version: String?
    /// The date given in the heading.
    public var date: Timestamp?
    /// Whether the heading says `[YANKED]` (or `(yanked)`, `- YANKED`).
    public var isYanked: Bool
    /// Words left after the version and the date (`## 0.81.2 (Swift 2.3)` → `Swift 2.3`).
    public var title: String?
    /// The destination of a linked heading (`## [1.2.0](URL)`).
    public var link: String?
    /// The label of a reference-style heading (`## [1.2.0]`), to look up among the definitions.
    public var referenceLabel: String?
    /// Whether a versioned heading says the version is not released yet (`## 2.0.0 (Unreleased)`).
    public var isUnreleased = false

    /// Section names that mean "not released yet" (`Unreleased`, `Main`, `master` …).
    static let unreleasedNames: Set<String> = [
        "unreleased", "main", "master", "head", "next", "upcoming", "trunk", "develop", "vnext", "next release", "next version",
        "upcoming release", "not released yet", "not yet released", "in development", "in progress", "work in progress", "wip", "tbd",
    ]

    /// What a versioned heading says after its version when that version is not released yet
    /// (`## 2.0.0 (Unreleased)`, `## [2.0.0] - TBD`), with spaces and punctuation taken out.
    static let unreleasedMarks: Set<String> = [
        "unreleased", "notreleased", "notreleasedyet", "notyetreleased", "tbd", "tba", "upcoming", "indevelopment",
        "inprogress", "wip", "unpublished",
    ]

    /// Reads the text of a heading (without its `#`s); nil when it names no version and no unreleased section.
    public static func parse(_ heading: Substring) -> ReleaseHeading? {
        // Emoji and other symbols before the version (`🚀 v1.5.0`, `🔖 1.2.0` of gitmoji changelogs).
        var text = withoutTags(heading).drop { $0.isWhitespace || (!$0.isASCII && !$0.isLetter) }.trimmingWhitespace()
        // A kramdown or Pandoc attribute list at the end: `## 1.0.0 (2023-11-01) {#v100}`.
        if text.last == "}", let open = text.lastIndex(of: "{"), text[text.index(after: open)...].first.map({ "#:.".contains($0) }) == true {
            text = text[..<open].trimmingWhitespace()
        }
        var yanked = false
        if let range = text.caseInsensitiveRange(of: "[yanked]") {
            yanked = true
            text = Substring(text[..<range.lowerBound] + text[range.upperBound...]).trimmingWhitespace()
        }
        for word in ["version ", "release "] where text.lowercased().hasPrefix(word) {
            text = text.dropFirst(word.count).trimmingWhitespace()
        }
        var name = text
        var rest = Substring("")
        var link: String? = nil
        var label: String? = nil
        if text.first == "[", let close = MarkdownLinks.closingBracket(in: text.dropFirst()) {
            name = text[text.index(after: text.startIndex)..<close]
            rest = text[text.index(after: close)...]
            if rest.first == "(", let end = rest.firstIndex(of: ")") {
                link = String(rest[rest.index(after: rest.startIndex)..<end].trimmingWhitespace())
                rest = rest[rest.index(after: end)...]
            } else if rest.first == "[", let end = MarkdownLinks.closingBracket(in: rest.dropFirst()) {
                let inner = rest[rest.index(after: rest.startIndex)..<end]
                label = String(inner.isEmpty ? name : inner)
                rest = rest[rest.index(after: end)...]
            } else {
                label = String(name)
            }
        }
        name = Substring(name.filter { $0 != "`" && $0 != "*" }).trimmingWhitespace()
        if unreleasedNames.contains(name.lowercased()) || (name.lowercased().hasPrefix("unreleased") && rest.isEmpty && link == nil) {
            return ReleaseHeading(version: nil, date: nil, isYanked: yanked, title: nil, link: link, referenceLabel: label)
        }
        // The version: a run of version characters at the start, dotted-numeric.
        var end = name.startIndex
        while end < name.endIndex, isVersionCharacter(name[end]) { end = name.index(after: end) }
        var token = name[..<end]
        while token.last == "." || token.last == "-" { token = token.dropLast() }
        let version = Version(String(token))
        guard version.isNumeric, token.contains("."), token.first.map({ $0.isNumber || $0 == "v" || $0 == "V" }) == true else { return nil }
        rest = name[token.endIndex...] + rest
        var date: Timestamp? = nil
        var remainder = String(rest)
        if let found = DateText.find(in: rest) {
            date = found.date
            remainder = String(rest[..<found.range.lowerBound] + rest[found.range.upperBound...])
        }
        // A mark alone after the version and date: `(YANKED)`, `- yanked`, `(Unreleased)`, `- TBD`.
        let mark = remainder.lowercased().filter { !$0.isWhitespace && !"-–—:/|()[],.·•*_~".contains($0) }
        let unreleased = unreleasedMarks.contains(mark)
        if mark == "yanked" { yanked = true }
        var heading = ReleaseHeading(
            version: String(token),
            date: date,
            isYanked: yanked,
            title: mark == "yanked" || unreleased ? nil : title(from: remainder),
            link: link,
            referenceLabel: label
        )
        heading.isUnreleased = unreleased
        return heading
    }

    /// What is left of a heading, as a title: separators, brackets and "released" taken away.
    static func title(from remainder: String) -> String? {
        var text = Substring(remainder)
        if let range = text.caseInsensitiveRange(of: "released on") ?? text.caseInsensitiveRange(of: "released") {
            text = text[..<range.lowerBound] + text[range.upperBound...]
        }
        let trim: (Character) -> Bool = { $0.isWhitespace || "-–—:/|()[],.·•*_".contains($0) }
        let start = text.firstIndex { !trim($0) } ?? text.endIndex
        let end = text[start...].lastIndex { !trim($0) }.map { text.index(after: $0) } ?? start
        var title = String(text[start..<end])
        // A bracket opened inside the title keeps its closing one: `(don't use)` → `don't use`.
        if title.contains("("), !title.contains(")") { title += ")" }
        guard !title.isEmpty, title.count <= 200, Rules.nameProblem(title) == nil else { return nil }
        return title
    }

    private static func isVersionCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "." || character == "-" || character == "+")
    }

    /// `text` without HTML tags (`<a name="1.0.0"></a>`, `<small>`).
    static func withoutTags(_ text: Substring) -> Substring {
        guard text.contains("<") else { return text }
        var result = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            if character == "<", next < text.endIndex, text[next].isLetter || text[next] == "/" || text[next] == "!",
                let close = text[next...].firstIndex(of: ">")
            {
                index = text.index(after: close)
                continue
            }
            result.append(character)
            index = next
        }
        return Substring(result)
    }
}
