public import ShiplogModel

/// What a changelog heading says about a release: `## [1.2.0] - 2019-02-15`, `# 0.14.0 (31 July
/// 2022)`, `## v8.1.1 (July 1, 2025)`, `## [0.9.20](https://…)`, `## [Unreleased]`, `## Main`,
/// `## 2023-05-03, Version 20.1.0 (Current), @targos`, `## Rails 7.1.0 (October 05, 2023) ##`.
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
    /// The GitHub login after the version and date, who made the release (Node.js's `, @targos`).
    public var author: String? = nil
    /// The product's name before the version (`Rails` of `## Rails 7.1.0 (October 05, 2023)`).
    public var name: String? = nil

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
    ///
    /// The version comes first, after a date (Node.js's `2023-05-03, Version 20.1.0 (Current), @targos`)
    /// or after one word that names the product (`Rails 7.1.0 (October 05, 2023)`). Such a word is a
    /// name only when the rest is the version and a date, or when `names` (those of the file's
    /// dated headings) holds it: `Swift 5.6` and `Upgrading to 2.0` are prose.
    public static func parse(_ heading: Substring, names: Set<String> = []) -> ReleaseHeading? {
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
        // The date first, as Node.js writes it; a date alone (or CalVer, `2024.01.15`) falls through.
        if let leading = DateText.leading(in: text) {
            let rest = text[leading.range.upperBound...].drop { $0.isWhitespace || ",-–—:|".contains($0) }
            if var heading = versioned(rest, yanked: yanked, names: names, dated: true), heading.version != nil {
                heading.date = leading.date
                return heading
            }
        }
        return versioned(text, yanked: yanked, names: names, dated: false)
    }

    /// What a heading says from where its version may start (after a date that came first, when `dated`).
    private static func versioned(_ text: Substring, yanked: Bool, names: Set<String>, dated: Bool) -> ReleaseHeading? {
        var text = text
        var yanked = yanked
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
        var product: Substring? = nil
        var token = versionToken(at: name)
        if token == nil, let space = name.firstIndex(where: \.isWhitespace), isProductName(name[..<space]) {
            product = name[..<space]
            token = versionToken(at: name[space...].drop(while: \.isWhitespace))
        }
        guard let token else { return nil }
        rest = name[token.endIndex...] + rest
        var date: Timestamp? = nil
        var remainder = String(rest)
        if let found = DateText.find(in: rest) {
            date = found.date
            remainder = String(rest[..<found.range.lowerBound] + rest[found.range.upperBound...])
        }
        let author = author(in: remainder)
        if let author { remainder = author.rest }
        // A mark alone after the version and date: `(YANKED)`, `- yanked`, `(Unreleased)`, `- TBD`.
        let mark = remainder.lowercased().filter { !$0.isWhitespace && !"-–—:/|()[],.·•*_~".contains($0) }
        let unreleased = unreleasedMarks.contains(mark)
        if mark == "yanked" { yanked = true }
        if let product {
            // A name, not prose: nothing but the version, a date and marks follow it, and the heading or another of the file dates it.
            guard mark.isEmpty || mark == "yanked" || unreleased, date != nil || dated || names.contains(product.lowercased()) else { return nil }
        }
        var heading = ReleaseHeading(
            version: String(token),
            date: date,
            isYanked: yanked,
            title: mark == "yanked" || unreleased ? nil : title(from: remainder),
            link: link,
            referenceLabel: label
        )
        heading.isUnreleased = unreleased
        heading.author = author?.login
        heading.name = product.map(String.init)
        return heading
    }

    /// The version at the start of `text`: a run of version characters, dotted-numeric (`1.2.0`, `v8.1.1`).
    private static func versionToken(at text: Substring) -> Substring? {
        var end = text.startIndex
        while end < text.endIndex, isVersionCharacter(text[end]) { end = text.index(after: end) }
        var token = text[..<end]
        while token.last == "." || token.last == "-" { token = token.dropLast() }
        guard Version(String(token)).isNumeric, token.contains("."), token.first.map({ $0.isNumber || $0 == "v" || $0 == "V" }) == true else {
            return nil
        }
        return token
    }

    /// A word that may name a product before its version (`Rails`, `mypkg`, `Node.js`, `swift-nio`):
    /// a letter first, then letters, digits, `.`, `-` or `_`; no `What's`.
    private static func isProductName(_ word: Substring) -> Bool {
        guard let first = word.first, first.isLetter, word.count <= 50 else { return false }
        return word.allSatisfy { $0.isLetter || $0.isNumber || "._-".contains($0) }
    }

    /// The GitHub login that ends `remainder` after a comma, or alone (Node.js's `(Current), @targos`):
    /// the login, and the remainder without it. `Thanks @ada` keeps its login.
    private static func author(in remainder: String) -> (login: String, rest: String)? {
        guard let at = remainder.lastIndex(of: "@") else { return nil }
        let login = remainder[remainder.index(after: at)...].trimmingWhitespace()
        guard (1...39).contains(login.count), login.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else { return nil }
        let before = remainder[..<at].trimmingWhitespace()
        guard before.last == "," || before.allSatisfy({ $0.isWhitespace || "-–—:/|()[],.·•*_~".contains($0) }) else { return nil }
        return (String(login), String(before))
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
