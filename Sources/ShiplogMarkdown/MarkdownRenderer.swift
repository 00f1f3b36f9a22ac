/// Renders CommonMark to HTML with libcmark in its safe mode.
///
/// Raw HTML becomes `<!-- raw HTML omitted -->` and `javascript:`, `vbscript:`, `file:` and `data:` link
/// URLs are dropped (images may still use `data:image/png`, `gif`, `jpeg` and `webp`). With `links`,
/// `#123` and `@name` in text become links to the repository's issues and to user profiles;
/// code, raw HTML and existing links are left alone.
///
/// ```swift
/// let renderer = MarkdownRenderer(links: RepositoryLinks(repositoryURL: "https://github.com/acme/api"))
/// renderer.html("Fixes #12, thanks @octocat")
/// // <p>Fixes <a href="https://github.com/acme/api/issues/12">#12</a>, thanks <a href="https://github.com/octocat">@octocat</a></p>\n
/// ```
///
/// A renderer is a small value: share one across tasks or make one per component.
public struct MarkdownRenderer: Sendable {
    /// The autolink pass, present when the renderer was given repository links.
    private let autolinker: Autolinker?
    private let options: CmarkOptions = .default

    /// Creates a renderer; pass `links` to turn `#123` and `@name` into links.
    public init(links: RepositoryLinks? = nil) {
        self.autolinker = links.map(Autolinker.init(links:))
    }

    /// Renders `markdown` to an HTML fragment (empty for empty input, otherwise ending in a newline).
    public func html(_ markdown: String) -> String {
        var markdown = markdown
        return markdown.withUTF8 { bytes in
            guard let autolinker, Self.mayHoldReferences(bytes) else {
                return Cmark.html(markdown: bytes, options: options)
            }
            return Cmark.html(markdown: bytes, options: options) { document in
                autolinker.apply(to: document)
            }
        }
    }

    /// Whether the text holds a `#` or `@` byte; without one there is nothing to link and no tree to walk.
    private static func mayHoldReferences(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.contains { $0 == UInt8(ascii: "#") || $0 == UInt8(ascii: "@") }
    }
}
