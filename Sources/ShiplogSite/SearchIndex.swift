import ShiplogModel

/// The static search index of a site (see docs/templates.md, "Search").
///
/// `search.json` lists the components and where each one's index is; `components/<slug>/search.json`
/// holds the component's visible releases (newest first, as on its page) and an inverted index of
/// the words of their notes and titles:
///
/// ```json
/// {"v":1,"releases":[["1.2.0","Title"],["1.1.0"]],"terms":{"cache":[0,1],"retry":[1]}}
/// ```
///
/// A term's list holds release positions as deltas (the first as is): `[0,1]` is releases 0 and 1.
/// One index per component keeps an incremental build's work where the component page's already
/// is: a changed release re-renders its component's index only.
enum SearchIndex {
    /// The format version, `v` in both files.
    static let formatVersion = 1
    /// The path of the site-wide index, relative to the site root.
    static let path = "search.json"
    /// Terms longer than this are left out (hashes, long identifiers).
    static let maximumTermLength = 24

    /// The site-wide `search.json`: every component's name, page and index.
    static func root(_ components: [Component]) -> String {
        let list = components.map { component -> JSONValue in
            let base = SitePaths.component(component.slug)
            return .object([
                JSONMember("name", .string(component.displayName)),
                JSONMember("path", .string(base)),
                JSONMember("index", .string(base + path)),
            ])
        }
        return JSONWriter.write(.object([JSONMember("v", .number("\(formatVersion)")), JSONMember("components", .array(list))]), pretty: false)
    }

    /// One component's index of `releases` (in the order given).
    static func component(_ releases: [Release]) -> String {
        var entries: [JSONValue] = []
        entries.reserveCapacity(releases.count)
        var postings: [String: [Int]] = [:]
        for (position, release) in releases.enumerated() {
            var entry: [JSONValue] = [.string(release.version.text)]
            if let title = release.title, !title.isEmpty { entry.append(.string(title)) }
            entries.append(.array(entry))
            var seen = Set<String>()
            for text in [release.title, release.notes] {
                guard let text else { continue }
                for term in terms(of: text) where seen.insert(term).inserted { postings[term, default: []].append(position) }
            }
        }
        let terms = postings.keys.sorted().map { term -> JSONMember in
            var previous = 0
            let deltas = postings[term]!.map { position -> JSONValue in
                defer { previous = position }
                return .number(String(position - previous))
            }
            return JSONMember(term, .array(deltas))
        }
        return JSONWriter.write(
            .object([
                JSONMember("v", .number("\(formatVersion)")), JSONMember("releases", .array(entries)), JSONMember("terms", .object(terms)),
            ]),
            pretty: false
        )
    }

    /// The distinct words of a Markdown text, lowercased, in order of first appearance.
    ///
    /// A word is a run of letters and digits of 2 to ``maximumTermLength`` characters, not all
    /// digits. Link targets (`](…)`, `<…>`) and bare URLs are skipped: their words are noise.
    static func terms(of text: String) -> [String] {
        var result: [String] = []
        var seen = Set<String>()
        var word = String.UnicodeScalarView()
        var allDigits = true
        func flush() {
            defer {
                word = String.UnicodeScalarView()
                allDigits = true
            }
            guard word.count >= 2, word.count <= maximumTermLength, !allDigits else { return }
            let term = String(word).lowercased()
            if seen.insert(term).inserted { result.append(term) }
        }
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            // A link target or an autolink: skip to its end.
            if (scalar == "(" && index > 0 && scalars[index - 1] == "]") || scalar == "<" {
                let close: Unicode.Scalar = scalar == "(" ? ")" : ">"
                var end = index + 1
                while end < scalars.count, scalars[end] != close, scalars[end] != "\n" { end += 1 }
                if end < scalars.count, scalars[end] == close {
                    flush()
                    index = end + 1
                    continue
                }
            }
            // A bare URL: skip to the next space.
            if scalar == ":", index + 2 < scalars.count, scalars[index + 1] == "/", scalars[index + 2] == "/" {
                word = String.UnicodeScalarView()
                allDigits = true
                while index < scalars.count, !scalars[index].properties.isWhitespace { index += 1 }
                continue
            }
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                word.append(scalar)
                if scalar.properties.numericType == nil { allDigits = false }
            } else {
                flush()
            }
            index += 1
        }
        flush()
        return result
    }
}
