internal import CCmark

/// The block structure of a Markdown document as libcmark parses it: its top-level blocks with
/// their lines, and the destination of every link and image.
///
/// Importers use it to find headings and definitions without taking a line in a code block or an
/// HTML comment for one.
///
/// ```swift
/// let outline = MarkdownOutline("## 1.0.0\n\n- [Docs](docs/a.md)\n")
/// outline.blocks[0].kind    // .heading(level: 2)
/// outline.links[0].destination  // "docs/a.md"
/// ```
public struct MarkdownOutline: Sendable {
    /// What a top-level block is.
    public enum Kind: Sendable, Hashable {
        /// An ATX (`## …`) or setext heading.
        case heading(level: Int)
        /// A paragraph (which a link reference definition may open).
        case paragraph
        /// A fenced or indented code block.
        case codeBlock
        /// An HTML block, such as a `<!-- comment -->`.
        case htmlBlock
        /// A `---` rule.
        case thematicBreak
        /// A bullet or ordered list.
        case list
        /// A `>` quote.
        case blockQuote
        /// Anything else.
        case other
    }

    /// One top-level block; lines count from 1 and include both ends.
    public struct Block: Sendable, Hashable {
        /// What the block is.
        public var kind: Kind
        /// Its first line.
        public var startLine: Int
        /// Its last line.
        public var endLine: Int
    }

    /// A link or image of the document (references resolved by libcmark).
    public struct Link: Sendable, Hashable {
        /// The destination as the document gives it.
        public var destination: String
        /// True for an image.
        public var isImage: Bool
        /// The line of the link, or of its block when libcmark does not know it.
        public var line: Int
    }

    /// The top-level blocks in document order.
    public let blocks: [Block]
    /// Every link and image, in document order.
    public let links: [Link]

    /// Parses `markdown` (CommonMark, libcmark's safe defaults).
    public init(_ markdown: String) {
        var blocks: [Block] = []
        var links: [Link] = []
        var text = markdown
        text.withUTF8 { bytes in
            guard let base = bytes.baseAddress, !bytes.isEmpty, let parser = cmark_parser_new(CMARK_OPT_DEFAULT) else { return }
            defer { cmark_parser_free(parser) }
            base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { cmark_parser_feed(parser, $0, bytes.count) }
            guard let document = cmark_parser_finish(parser) else { return }
            defer { cmark_node_free(document) }
            var child = cmark_node_first_child(document)
            while let node = child {
                blocks.append(
                    Block(kind: Self.kind(of: node), startLine: Int(cmark_node_get_start_line(node)), endLine: Int(cmark_node_get_end_line(node)))
                )
                child = cmark_node_next(node)
            }
            guard let iterator = cmark_iter_new(document) else { return }
            defer { cmark_iter_free(iterator) }
            while true {
                let event = cmark_iter_next(iterator)
                if event == CMARK_EVENT_DONE { break }
                guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) else { continue }
                let type = cmark_node_get_type(node)
                guard type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE, let url = cmark_node_get_url(node) else { continue }
                links.append(Link(destination: String(cString: url), isImage: type == CMARK_NODE_IMAGE, line: Self.line(of: node)))
            }
        }
        self.blocks = blocks
        self.links = links
    }

    private static func kind(of node: OpaquePointer) -> Kind {
        switch cmark_node_get_type(node) {
        case CMARK_NODE_HEADING: .heading(level: Int(cmark_node_get_heading_level(node)))
        case CMARK_NODE_PARAGRAPH: .paragraph
        case CMARK_NODE_CODE_BLOCK: .codeBlock
        case CMARK_NODE_HTML_BLOCK: .htmlBlock
        case CMARK_NODE_THEMATIC_BREAK: .thematicBreak
        case CMARK_NODE_LIST: .list
        case CMARK_NODE_BLOCK_QUOTE: .blockQuote
        default: .other
        }
    }

    /// The node's start line, else that of the nearest ancestor that knows its own.
    private static func line(of node: OpaquePointer) -> Int {
        var current: OpaquePointer? = node
        while let each = current {
            let line = Int(cmark_node_get_start_line(each))
            if line > 0 { return line }
            current = cmark_node_parent(each)
        }
        return 0
    }
}
