internal import ShiplogMarkdown
import ShiplogModel

/// The relative links of imported notes, the same for every importer (SPEC §10): made absolute
/// against the component's URL, or left as they are, with a warning, when it has none.
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

    /// `notes` (a release's body, a tag's message, commit subjects) with their relative links made
    /// absolute against `base`; without a base, the notes as they are and the relative destinations left.
    static func resolvingLinks(in notes: String, base: LinkBase?) -> (text: String, left: [String]) {
        let links = MarkdownOutline(notes).links
        guard let base else { return (notes, links.map(\.destination).filter(isRelative)) }
        return (MarkdownLinks.replacingDestinations(in: notes, base.replacements(for: links)), [])
    }
}

extension ImportProblem {
    /// The warning for a relative link that stays relative: the component has no URL to resolve it against.
    static func relativeLinkLeft(_ destination: String, at location: String) -> ImportProblem {
        ImportProblem(location: location, message: "relative link \(JSONWriter.quoted(destination)) left as it is: give --repo or --url")
    }
}
