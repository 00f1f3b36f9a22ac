/// The first lines of a release's notes as plain text, for the home page's "what changed" list.
///
/// Markdown markers, inline HTML and link targets are dropped; the text is escaped by the template.
enum Excerpt {
    /// At most `lines` non-empty lines of `markdown`, plain, cut at a word near `limit` characters.
    static func firstLines(of markdown: String?, lines: Int = 3, limit: Int = 220) -> String {
        guard let markdown, !markdown.isEmpty else { return "" }
        var kept: [String] = []
        var inFence = false
        // Line by line, stopping once enough are kept: splitting whole notes into lines first
        // (by Characters) cost a tenth of the 10k corpus's build.
        var rest = Substring(markdown)
        while !rest.isEmpty {
            let end = rest.utf8.firstIndex { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") } ?? rest.endIndex
            let line = rest[..<end].trimmingSpaces()
            rest = end < rest.endIndex ? rest[rest.utf8.index(after: end)...] : ""
            if line.hasPrefix("```") || line.hasPrefix("~~~") {
                inFence.toggle()
                continue
            }
            if inFence || line.isEmpty || line.allSatisfy({ "-=*_|: ".contains($0) }) { continue }
            let text = inline(blockMarkerless(line))
            if !text.isEmpty { kept.append(text) }
            if kept.count == lines { break }
        }
        let joined = kept.joined(separator: " · ")
        guard joined.count > limit else { return joined }
        let cut = joined.prefix(limit)
        let atWord = cut.lastIndex(of: " ").map { cut[..<$0] } ?? cut
        return String(atWord.trimmingSpaces()) + "…"
    }

    /// `line` without a heading, list or quote marker.
    private static func blockMarkerless(_ line: Substring) -> Substring {
        var rest = line
        while let first = rest.first, first == "#" || first == ">" { rest = rest.dropFirst().trimmingSpaces() }
        if rest.count > 1, let first = rest.first, "-*+".contains(first), rest.dropFirst().first == " " {
            rest = rest.dropFirst(2).trimmingSpaces()
        }
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, let after = rest.dropFirst(digits.count).first, after == "." || after == ")",
            rest.dropFirst(digits.count + 1).first == " "
        {
            rest = rest.dropFirst(digits.count + 2).trimmingSpaces()
        }
        return rest
    }

    /// The `)` that closes the `(` at `open`, counting nested pairs; nil when none does.
    private static func closingParenthesis(in text: Substring, from open: Substring.Index) -> Substring.Index? {
        var depth = 0
        for index in text[open...].indices {
            switch text[index] {
            case "(": depth += 1
            case ")":
                depth -= 1
                if depth == 0 { return index }
            default: break
            }
        }
        return nil
    }

    /// Inline text: `[text](url)` and `![alt](url)` keep their text, tags and emphasis markers go.
    private static func inline(_ text: Substring) -> String {
        var output = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            switch character {
            case "<":
                // An HTML tag or an autolink: a tag is dropped, an autolink keeps its address.
                if let close = text[index...].firstIndex(of: ">") {
                    let inside = text[text.index(after: index)..<close]
                    if inside.contains("://") || inside.contains("@") && !inside.contains(" ") { output += inside }
                    index = text.index(after: close)
                    continue
                }
                output.append(character)
            case "]":
                // The end of a link's text: skip its `(target)`, whose parentheses may nest (`(…/Foo_(bar))`).
                let next = text.index(after: index)
                if next < text.endIndex, text[next] == "(", let close = closingParenthesis(in: text, from: next) {
                    index = text.index(after: close)
                    continue
                }
            case "!" where text.index(after: index) < text.endIndex && text[text.index(after: index)] == "[": break
            case "[", "*", "`", "\\": break
            case "_" where isEmphasisMark(text, index): break
            default: output.append(character)
            }
            index = text.index(after: index)
        }
        return String(output.trimmingSpaces())
    }

    /// Whether the `_` at `index` opens or closes emphasis (a word boundary on one side), not `snake_case`.
    private static func isEmphasisMark(_ text: Substring, _ index: Substring.Index) -> Bool {
        let before = index > text.startIndex ? text[text.index(before: index)] : " "
        let after = text.index(after: index) < text.endIndex ? text[text.index(after: index)] : " "
        return !(before.isLetter || before.isNumber) || !(after.isLetter || after.isNumber)
    }
}

extension StringProtocol where SubSequence == Substring {
    /// The text without leading and trailing spaces and tabs.
    fileprivate func trimmingSpaces() -> Substring {
        let start = firstIndex { $0 != " " && $0 != "\t" } ?? endIndex
        let end = lastIndex { $0 != " " && $0 != "\t" }.map { index(after: $0) } ?? start
        return start < end ? self[start..<end] : ""
    }
}
