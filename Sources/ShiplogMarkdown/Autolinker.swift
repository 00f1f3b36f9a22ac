internal import CCmark

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// A syntax-tree pass that turns `#123` and `@name` in text into links.
///
/// Text inside code spans, code blocks, raw HTML, links and images is never touched: code and HTML
/// hold their content as a literal rather than as text children, and text under a link or image
/// is skipped by looking at its ancestors.
struct Autolinker: Sendable {
    private let scanner: ReferenceScanner
    /// `issueURL("")` and `profileURL("")` as bytes: a link's URL is the prefix plus the number or name.
    private let issuePrefix: [UInt8]
    private let profilePrefix: [UInt8]

    init(links: RepositoryLinks) {
        scanner = ReferenceScanner(host: links.host)
        issuePrefix = Array(links.issueURL("").utf8)
        profilePrefix = Array(links.profileURL("").utf8)
    }

    /// Rewrites `document` in place.
    func apply(to document: OpaquePointer) {
        // Adjacent text nodes (e.g. "a", "_", "#12" around an unmatched delimiter) must be one node so the
        // character before a reference is seen. cmark 0.30 already merges them; this keeps that true for
        // other versions and costs one cheap pass.
        cmark_consolidate_text_nodes(document)
        for (node, references) in collect(in: document) {
            split(node, at: references)
        }
    }

    /// Walks the tree and returns every eligible text node holding references; the tree is not changed.
    private func collect(in document: OpaquePointer) -> [(node: OpaquePointer, references: [Reference])] {
        guard let iterator = cmark_iter_new(document) else { return [] }
        defer { cmark_iter_free(iterator) }
        var found: [(node: OpaquePointer, references: [Reference])] = []
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator),
                cmark_node_get_type(node) == CMARK_NODE_TEXT
            else { continue }
            let references = Self.withLiteral(of: node) { scanner.references(in: $0) }
            if !references.isEmpty, !Self.isInsideOpaqueNode(node) {
                found.append((node, references))
            }
        }
        return found
    }

    /// Replaces text `node` by text and link nodes, then frees it.
    private func split(_ node: OpaquePointer, at references: [Reference]) {
        Self.withLiteral(of: node) { text in
            // cmark copies every string it is given, so one NUL-terminated scratch buffer serves all pieces.
            let capacity = text.count + Swift.max(issuePrefix.count, profilePrefix.count) + 1
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { scratch in
                var cursor = 0
                for reference in references {
                    if cursor < reference.range.lowerBound {
                        insert(Self.textNode(scratch, text[cursor..<reference.range.lowerBound]), before: node)
                    }
                    insert(linkNode(scratch, text, reference), before: node)
                    cursor = reference.range.upperBound
                }
                if cursor < text.count {
                    insert(Self.textNode(scratch, text[cursor...]), before: node)
                }
            }
        }
        cmark_node_unlink(node)
        cmark_node_free(node)
    }

    private func insert(_ new: OpaquePointer?, before node: OpaquePointer) {
        guard let new else { return }
        if cmark_node_insert_before(node, new) == 0 { cmark_node_free(new) }
    }

    /// A link to the issue or profile of `reference`, labelled with the reference as written.
    private func linkNode(
        _ scratch: UnsafeMutableBufferPointer<UInt8>,
        _ text: UnsafeBufferPointer<UInt8>,
        _ reference: Reference
    ) -> OpaquePointer? {
        let prefix = reference.kind == .issue ? issuePrefix : profilePrefix
        let name = text[(reference.range.lowerBound + 1)..<reference.range.upperBound]
        guard let link = Cmark.newNode(CMARK_NODE_LINK) else { return nil }
        let urlSet = prefix.withUnsafeBufferPointer { prefix in
            Self.withNulTerminated(scratch, prefix[...], name) { cmark_node_set_url(link, $0) == 1 }
        }
        guard urlSet, let label = Self.textNode(scratch, text[reference.range]), cmark_node_append_child(link, label) == 1 else {
            cmark_node_free(link)
            return nil
        }
        return link
    }

    private static func textNode(_ scratch: UnsafeMutableBufferPointer<UInt8>, _ literal: Slice<UnsafeBufferPointer<UInt8>>) -> OpaquePointer? {
        guard let node = Cmark.newNode(CMARK_NODE_TEXT) else { return nil }
        let literalSet = withNulTerminated(scratch, literal) { cmark_node_set_literal(node, $0) == 1 }
        guard literalSet else {
            cmark_node_free(node)
            return nil
        }
        return node
    }

    /// Writes `parts` and a NUL into `scratch` (large enough by construction) and calls `body` with the C string.
    private static func withNulTerminated<Result>(
        _ scratch: UnsafeMutableBufferPointer<UInt8>,
        _ parts: Slice<UnsafeBufferPointer<UInt8>>...,
        body: (UnsafePointer<CChar>) -> Result
    ) -> Result {
        var end = 0
        for part in parts {
            _ = UnsafeMutableBufferPointer(rebasing: scratch[end...]).initialize(fromContentsOf: part)
            end += part.count
        }
        scratch[end] = 0
        return UnsafeRawPointer(scratch.baseAddress!).withMemoryRebound(to: CChar.self, capacity: end + 1, body)
    }

    /// Calls `body` with the UTF-8 bytes of a text node's literal (valid until the node changes).
    private static func withLiteral<Result>(of node: OpaquePointer, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        guard let literal = cmark_node_get_literal(node) else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        let count = strlen(literal)
        return literal.withMemoryRebound(to: UInt8.self, capacity: count) { bytes in
            body(UnsafeBufferPointer(start: bytes, count: count))
        }
    }

    /// Whether `node` has an ancestor whose text must stay as written: a link, an image, code or raw HTML.
    private static func isInsideOpaqueNode(_ node: OpaquePointer) -> Bool {
        var ancestor = cmark_node_parent(node)
        while let current = ancestor {
            switch cmark_node_get_type(current) {
            case CMARK_NODE_LINK, CMARK_NODE_IMAGE, CMARK_NODE_CODE, CMARK_NODE_CODE_BLOCK, CMARK_NODE_HTML_INLINE, CMARK_NODE_HTML_BLOCK:
                return true
            default:
                ancestor = cmark_node_parent(current)
            }
        }
        return false
    }
}
