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
        var table = TermTable()
        var postings: [[Int]] = []
        var lastPosition: [Int] = []
        var json = #"{"v":\#(formatVersion),"releases":["#
        for (position, release) in releases.enumerated() {
            json += position == 0 ? "[" : ",["
            json += JSONWriter.quoted(release.version.text)
            if let title = release.title, !title.isEmpty { json += "," + JSONWriter.quoted(title) }
            json += "]"
            for text in [release.title, release.notes] {
                guard let text else { continue }
                SearchTerms.forEachWord(in: text) { word in
                    let id = table.id(of: word)
                    if id == postings.count {
                        postings.append([])
                        lastPosition.append(-1)
                    }
                    if lastPosition[id] != position {
                        lastPosition[id] = position
                        postings[id].append(position)
                    }
                }
            }
        }
        json += #"],"terms":{"#
        // The terms go out as bytes: appending tens of thousands of short strings to a String was
        // a fifth of the index of a 500-release component (perf), the page that a one-release
        // rebuild of the 10k corpus waits for last.
        var bytes = Array(json.utf8)
        let terms = (0..<table.count).map { table.term($0) }
        for (offset, id) in terms.indices.sorted(by: { terms[$0] < terms[$1] }).enumerated() {
            if offset > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes += JSONWriter.quoted(terms[id]).utf8
            bytes += ":[".utf8
            var previous = 0
            for (number, position) in postings[id].enumerated() {
                if number > 0 { bytes.append(UInt8(ascii: ",")) }
                bytes += String(position - previous).utf8
                previous = position
            }
            bytes.append(UInt8(ascii: "]"))
        }
        bytes += "}}".utf8
        return String(decoding: bytes, as: UTF8.self)
    }
}
