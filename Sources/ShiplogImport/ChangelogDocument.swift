internal import ShiplogMarkdown
import ShiplogModel

/// A changelog split into lines and sections, with its link reference definitions.
struct ChangelogDocument {
    /// The lines, without their line breaks; `lines[0]` is line 1.
    let lines: [Substring]
    let outline: MarkdownOutline
    /// The definitions by normalized label (the first of a label wins, as in CommonMark).
    private(set) var definitions: [String: LinkDefinition] = [:]
    /// The lines (1-based) that hold a definition; notes leave them out and append the ones they use.
    private(set) var definitionLines: Set<Int> = []
    /// The links of the document by line, for relative ones.
    private let linksByLine: [Int: [MarkdownOutline.Link]]

    /// One heading at or above the release level and the lines under it.
    struct Section {
        /// What the heading says; nil for a heading that names no version.
        var heading: ReleaseHeading?
        var headingLine: Int
        /// The heading's level (1–3).
        var level = 2
        /// The body's lines (1-based).
        var body: Range<Int>
    }

    init(_ text: String) {
        var text = text
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        if text.utf8.contains(13) {
            // CRLF (and lone CR) line breaks become LF.
            var bytes: [UInt8] = []
            bytes.reserveCapacity(text.utf8.count)
            var previous: UInt8 = 0
            for byte in text.utf8 {
                if byte == 13 {
                    bytes.append(10)
                } else if !(byte == 10 && previous == 13) {
                    bytes.append(byte)
                }
                previous = byte
            }
            text = String(decoding: bytes, as: UTF8.self)
        }
        lines = text.utf8.split(separator: 10, omittingEmptySubsequences: false).map { Substring($0) }
        outline = MarkdownOutline(text)
        var links: [Int: [MarkdownOutline.Link]] = [:]
        for link in outline.links where LinkBase.isRelative(link.destination) { links[link.line, default: []].append(link) }
        linksByLine = links
        findDefinitions()
    }

    /// Definitions stand on lines that no block covers, or open a paragraph.
    private mutating func findDefinitions() {
        var covered = [Bool](repeating: false, count: lines.count + 2)
        for block in outline.blocks where block.startLine > 0 {
            for line in block.startLine...max(block.startLine, min(block.endLine, lines.count)) { covered[line] = true }
            if block.kind == .paragraph {
                var line = block.startLine
                while line <= lines.count {
                    let taken = take(line)
                    if taken == 0 { break }
                    line += taken
                }
            }
        }
        for line in 1...max(1, lines.count) where line <= lines.count && !covered[line] && !definitionLines.contains(line) {
            _ = take(line)
        }
    }

    /// Takes the definition that starts on `line`; how many lines it holds (0: none).
    private mutating func take(_ line: Int) -> Int {
        // Most lines are no definition: a look at the first byte that is not a space says so.
        guard lines[line - 1].utf8.first(where: { $0 != 32 }) == UInt8(ascii: "[") else { return 0 }
        guard var definition = LinkDefinition(line: lines[line - 1]) else { return 0 }
        var taken = 1
        if definition.title.isEmpty, let title = titleLines(after: line) {
            definition.title = title.text
            taken += title.count
        }
        for number in line..<line + taken { definitionLines.insert(number) }
        let label = MarkdownLinks.normalizedLabel(Substring(definition.label))
        if definitions[label] == nil { definitions[label] = definition }
        return taken
    }

    func line(_ number: Int) -> Substring { number >= 1 && number <= lines.count ? lines[number - 1] : "" }

    /// The top-level blocks that start on `lines` (found by binary search: a changelog has thousands).
    private func blocks(startingOn lines: Range<Int>) -> ArraySlice<MarkdownOutline.Block> {
        func firstIndex(startingAtOrAfter line: Int) -> Int {
            var low = 0
            var high = outline.blocks.count
            while low < high {
                let middle = (low + high) / 2
                if outline.blocks[middle].startLine < line { low = middle + 1 } else { high = middle }
            }
            return low
        }
        let first = firstIndex(startingAtOrAfter: lines.lowerBound)
        return outline.blocks[first..<max(first, firstIndex(startingAtOrAfter: lines.upperBound))]
    }

    /// A line of spaces and tabs only.
    private func isBlank(_ line: Substring) -> Bool {
        line.utf8.allSatisfy { $0 == 32 || $0 == 9 }
    }

    /// Whether a section has anything but blank lines.
    func hasContent(_ section: Section) -> Bool {
        section.body.contains { !isBlank(line($0)) }
    }

    /// A release's notes and what was found on the way.
    struct Notes {
        var text: String
        /// The date of a `Released …` line at the top (which the notes then leave out).
        var date: Timestamp?
        /// Relative links that could not be made absolute (no base).
        var unresolvedRelativeLinks: [MarkdownOutline.Link] = []
    }

    /// The notes of `section`: its Markdown with headings moved under the release, without the
    /// `Released …` line and trailing rules or comments, with the definitions it uses appended.
    func notes(of section: Section, base: LinkBase?) -> Notes {
        var notes = Notes(text: "")
        var end = section.body.upperBound
        let blocks = blocks(startingOn: section.body)
        // Trailing rules, HTML comments and anchors (the next release's `<a name="1.2.0"></a>`) belong to no release.
        for block in blocks.reversed() {
            guard belongsToNoRelease(block) else { break }
            end = block.startLine
        }
        // Headings move so that the shallowest is ###.
        var headings: [Int: (level: Int, underline: Int)] = [:]
        for block in blocks {
            if case .heading(let level) = block.kind { headings[block.startLine] = (level, setextUnderline(of: block)) }
        }
        let shift = 3 - (headings.values.map(\.level).min() ?? 3)
        var out: [Substring] = []
        var number = section.body.lowerBound
        if let first = (section.body.lowerBound..<end).first(where: { !isBlank(line($0)) }), let found = Self.releasedLine(line(first)) {
            notes.date = found.date
            if !found.rest.isEmpty { out.append(found.rest) }
            number = first + 1
        }
        var links: [MarkdownOutline.Link] = []
        while number < end {
            let text = line(number)
            if definitionLines.contains(number) {
                number += 1
                continue
            }
            if let found = linksByLine[number] { links += found }
            if let heading = headings[number], shift != 0 {
                let level = max(1, min(6, heading.level + shift))
                let trimmed = text.drop { $0 == " " }
                if trimmed.first == "#" {
                    out.append(Substring(String(repeating: "#", count: level)) + trimmed.drop { $0 == "#" })
                    number += 1
                } else {
                    let words = (number..<heading.underline).map { line($0).trimmingWhitespace() }.joined(separator: " ")
                    out.append(Substring(String(repeating: "#", count: level) + " " + words))
                    number = heading.underline + 1
                }
                continue
            }
            out.append(text)
            number += 1
        }
        while let last = out.last, isBlank(last) { out.removeLast() }
        while let first = out.first, isBlank(first) { out.removeFirst() }
        var body = out.joined(separator: "\n")
        let replacements = base?.replacements(for: links) ?? [:]
        if base == nil { notes.unresolvedRelativeLinks = links }
        body = MarkdownLinks.replacingDestinations(in: body, replacements)
        var used: [String] = []
        for label in MarkdownLinks.bracketedLabels(in: body) {
            guard var definition = definitions[label] else { continue }
            // The links that use it resolved its destination (`![shot][img]` under raw/HEAD, as an image).
            if let base, let absolute = replacements[definition.destination] ?? base.absolute(definition.destination, isImage: false) {
                definition.destination = absolute
            }
            used.append(definition.markdown)
        }
        notes.text = used.isEmpty ? body : body + "\n\n" + used.joined(separator: "\n")
        return notes
    }

    /// A `Released February 15, 2025` line (or a line that is only a date): the date, and what
    /// follows it (`[diff](…)`), which stays in the notes.
    static func releasedLine(_ text: Substring) -> (date: Timestamp, rest: Substring)? {
        let decoration: (Character) -> Bool = { $0.isWhitespace || "_*>()[]".contains($0) }
        let trimmed = ReleaseHeading.withoutTags(text).drop(while: decoration)
        let lower = trimmed.lowercased()
        let isReleased = ["released", "release date", "date:", "published"].contains { lower.hasPrefix($0) }
        guard let found = DateText.find(in: trimmed) else { return nil }
        if !isReleased {
            // Only a date, in emphasis or brackets at most, perhaps with the period of a sentence.
            guard trimmed[..<found.range.lowerBound].allSatisfy(decoration),
                trimmed[found.range.upperBound...].allSatisfy({ decoration($0) || $0 == "." })
            else { return nil }
            return (found.date, "")
        }
        guard trimmed[..<found.range.lowerBound].count <= 20 else { return nil }
        // `Released on January 2, 2024.`: the sentence's period goes with the date.
        let separators: (Character) -> Bool = { $0.isWhitespace || "_*)•·|,.-–—".contains($0) }
        var rest = trimmed[found.range.upperBound...].drop(while: separators)
        if rest.hasPrefix("&bull;") { rest = rest.dropFirst(6).drop(while: separators) }
        return (found.date, rest)
    }
}
