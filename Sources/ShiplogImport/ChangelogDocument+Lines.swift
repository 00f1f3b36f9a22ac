internal import ShiplogMarkdown

/// Line-level readings of a changelog that cmark's outline does not give.
extension ChangelogDocument {
    /// The line of a setext heading's `===` or `---` underline (cmark's end line may be the one after it).
    func setextUnderline(of block: MarkdownOutline.Block) -> Int {
        let last = max(block.startLine + 1, min(block.endLine, lines.count))
        return (block.startLine + 1...last).first { number in
            let text = number <= lines.count ? lines[number - 1].trimmingWhitespace() : ""
            return !text.isEmpty && (text.allSatisfy { $0 == "=" } || text.allSatisfy { $0 == "-" })
        } ?? block.endLine
    }

    /// Whether a block at the end of a release is none of its notes: a rule (`---`), an HTML comment,
    /// or tags without text (`<a name="1.2.0"></a>`, an anchor for the next release's heading).
    func belongsToNoRelease(_ block: MarkdownOutline.Block) -> Bool {
        let first = block.startLine <= lines.count ? lines[block.startLine - 1].trimmingWhitespace() : ""
        if block.kind == .thematicBreak || (block.kind == .htmlBlock && first.hasPrefix("<!--")) { return true }
        guard block.kind == .htmlBlock || block.kind == .paragraph else { return false }
        return (block.startLine...max(block.startLine, min(block.endLine, lines.count))).allSatisfy { number in
            ReleaseHeading.withoutTags(lines[number - 1]).allSatisfy(\.isWhitespace)
        }
    }

    /// A definition's title on the lines after it (`[x]: URL` then `  "Title"`, perhaps over a few
    /// lines): its text, joined on one line, and how many lines it takes.
    func titleLines(after line: Int) -> (text: String, count: Int)? {
        guard line < lines.count, let open = lines[line].trimmingWhitespace().first, "\"'(".contains(open) else { return nil }
        let close: Character = open == "(" ? ")" : open
        var parts: [Substring] = []
        for number in line + 1...min(lines.count, line + 4) {
            let text = lines[number - 1].trimmingWhitespace()
            if text.isEmpty { return nil }
            parts.append(text)
            let joined = parts.joined(separator: " ")
            // The title closes only at its end (`"a" b "c"` is no title).
            if joined.dropFirst().dropLast().contains(close) { return nil }
            if joined.count >= 2, joined.last == close { return (joined, parts.count) }
        }
        return nil
    }
}
