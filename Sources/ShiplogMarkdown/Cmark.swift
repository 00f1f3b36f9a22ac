internal import CCmark
internal import CShiplogSupport

/// libcmark options this module may pass. There is deliberately no way to say `CMARK_OPT_UNSAFE`:
/// raw HTML always becomes `<!-- raw HTML omitted -->` and `javascript:`-like link URLs are dropped.
struct CmarkOptions: OptionSet {
    let rawValue: Int32

    /// `CMARK_OPT_DEFAULT`: CommonMark, safe.
    static let `default`: CmarkOptions = []
    /// `CMARK_OPT_VALIDATE_UTF8`: replace invalid UTF-8 with U+FFFD (Swift strings are valid already).
    static let validateUTF8 = CmarkOptions(rawValue: CMARK_OPT_VALIDATE_UTF8)
    /// `CMARK_OPT_SMART`: curly quotes and dashes.
    static let smart = CmarkOptions(rawValue: CMARK_OPT_SMART)
}

/// Thin wrappers around libcmark calls.
///
/// Every document is parsed, edited and rendered in the calling thread's arena (see
/// `shiplog_arena_calloc`), which is reset once the HTML is copied out: libcmark's many small
/// allocations cost a pointer bump each, and nothing is freed node by node. The 10k-release build
/// takes 1.08 s of CPU instead of 1.30 s with libcmark's own allocator (see `arena.c`).
enum Cmark {
    /// The allocator of every node and buffer: the calling thread's arena.
    ///
    /// `nonisolated(unsafe)` is sound because the `cmark_mem` is written once, by this lazy
    /// initializer (which Swift runs once, thread-safely), and only read after; its functions keep
    /// their state in C thread-locals, so no two threads share an arena.
    nonisolated(unsafe) static let arena: UnsafeMutablePointer<cmark_mem> = {
        let allocator = UnsafeMutablePointer<cmark_mem>.allocate(capacity: 1)
        allocator.initialize(to: cmark_mem(calloc: shiplog_arena_calloc, realloc: shiplog_arena_realloc, free: shiplog_arena_free))
        return allocator
    }()

    /// Renders UTF-8 Markdown straight to HTML.
    static func html(markdown: UnsafeBufferPointer<UInt8>, options: CmarkOptions) -> String {
        html(markdown: markdown, options: options) { _ in }
    }

    /// Parses UTF-8 Markdown, lets `body` edit the document, then renders it to HTML.
    ///
    /// Nodes that `body` makes must come from ``newNode(_:)``, in the same arena.
    static func html(
        markdown: UnsafeBufferPointer<UInt8>,
        options: CmarkOptions,
        editing body: (_ document: OpaquePointer) -> Void
    ) -> String {
        guard let base = markdown.baseAddress, !markdown.isEmpty, let parser = cmark_parser_new_with_mem(options.rawValue, arena) else {
            return ""
        }
        defer { shiplog_arena_reset() }
        base.withMemoryRebound(to: CChar.self, capacity: markdown.count) { text in cmark_parser_feed(parser, text, markdown.count) }
        guard let document = cmark_parser_finish(parser) else { return "" }
        body(document)
        guard let html = cmark_render_html(document, options.rawValue) else { return "" }
        return String(cString: html)
    }

    /// A new node of `type` in the arena of the document being rendered.
    static func newNode(_ type: cmark_node_type) -> OpaquePointer? {
        cmark_node_new_with_mem(type, arena)
    }
}
