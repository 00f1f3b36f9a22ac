internal import ShiplogMarkdown

/// The relative links of imported notes, the same for every importer (SPEC §10): made absolute
/// against the component's URL.
extension LinkBase {
    /// The absolute form of each relative destination of `links`, to replace in their text.
    ///
    /// An image goes under `raw/HEAD/`, which serves the file's bytes. So does a destination that
    /// both an image and a link use: a link to `raw/HEAD/` still opens the file, while an image of
    /// `blob/HEAD/` (a page) shows nothing.
    func replacements(for links: some Sequence<MarkdownOutline.Link>) -> [String: String] {
        var result: [String: String] = [:]
        var images: Set<String> = []
        for link in links where link.isImage || !images.contains(link.destination) {
            guard let absolute = absolute(link.destination, isImage: link.isImage) else { continue }
            result[link.destination] = absolute
            if link.isImage { images.insert(link.destination) }
        }
        return result
    }
}
