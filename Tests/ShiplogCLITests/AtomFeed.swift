import Foundation
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// An Atom document read with Foundation's `XMLParser`: enough to compare it with the JSON Feed.
struct AtomFeed {
    /// The local name and namespace of the root element.
    var rootName = ""
    var rootNamespace = ""
    /// Per entry, the `href` of its `rel="alternate"` link, in document order.
    var entryLinks: [String] = []
    /// Per entry, the text of its `content` element.
    var contents: [String] = []
    /// The feed's own links: `rel` (default `alternate`) and `href`.
    var feedLinks: [(rel: String, href: String)] = []

    /// Parses `url`; a document that is not well-formed XML fails the test.
    init(_ url: URL) throws {
        let data = try Data(contentsOf: url)
        let reader = AtomReader()
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = true
        parser.delegate = reader
        let parsed = parser.parse()
        try #require(parsed, "\(url.lastPathComponent) is not well-formed XML: \(String(describing: parser.parserError))")
        rootName = reader.rootName
        rootNamespace = reader.rootNamespace
        entryLinks = reader.entryLinks
        contents = reader.contents
        feedLinks = reader.feedLinks
    }
}

private final class AtomReader: NSObject, XMLParserDelegate {
    var rootName = ""
    var rootNamespace = ""
    var entryLinks: [String] = []
    var contents: [String] = []
    var feedLinks: [(rel: String, href: String)] = []
    private var depth = 0
    private var inEntry = false
    private var content: String?

    func parser(
        _ parser: XMLParser,
        didStartElement elementName: String,
        namespaceURI: String?,
        qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        if depth == 0 {
            rootName = elementName
            rootNamespace = namespaceURI ?? ""
        }
        depth += 1
        switch elementName {
        case "entry": inEntry = true
        case "link" where inEntry && (attributes["rel"] ?? "alternate") == "alternate":
            entryLinks.append(attributes["href"] ?? "")
        case "link" where !inEntry && depth == 2:
            feedLinks.append((attributes["rel"] ?? "alternate", attributes["href"] ?? ""))
        case "content" where inEntry: content = ""
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        content? += string
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        depth -= 1
        switch elementName {
        case "entry": inEntry = false
        case "content" where inEntry:
            contents.append(content ?? "")
            content = nil
        default: break
        }
    }
}
