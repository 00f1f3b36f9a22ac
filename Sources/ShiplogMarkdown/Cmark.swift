internal import CCmark

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

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

/// Thin, owning wrappers around libcmark calls. Every pointer returned by cmark is freed here.
enum Cmark {
    /// Renders UTF-8 Markdown straight to HTML, without building a tree we can see.
    static func html(markdown: UnsafeBufferPointer<UInt8>, options: CmarkOptions) -> String {
        guard let base = markdown.baseAddress, !markdown.isEmpty else { return "" }
        let html = base.withMemoryRebound(to: CChar.self, capacity: markdown.count) { text in
            cmark_markdown_to_html(text, markdown.count, options.rawValue)
        }
        return takeString(html)
    }

    /// Parses UTF-8 Markdown, lets `body` edit the document, then renders it to HTML; the tree is freed after.
    static func html(
        markdown: UnsafeBufferPointer<UInt8>,
        options: CmarkOptions,
        editing body: (_ document: OpaquePointer) -> Void
    ) -> String {
        guard let base = markdown.baseAddress, !markdown.isEmpty else { return "" }
        let parsed = base.withMemoryRebound(to: CChar.self, capacity: markdown.count) { text in
            cmark_parse_document(text, markdown.count, options.rawValue)
        }
        guard let document = parsed else { return "" }
        defer { cmark_node_free(document) }
        body(document)
        return takeString(cmark_render_html(document, options.rawValue))
    }

    /// Copies a malloc'ed C string that cmark handed over, then frees it.
    private static func takeString(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}
