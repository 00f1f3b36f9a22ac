internal import ShiplogMarkdown

/// Where a changelog's releases start: its heading candidates, and the sections of the release level.
extension ChangelogDocument {
    /// A heading candidate: an ATX or setext heading, or a paragraph that starts `###4.0.0`.
    private struct Candidate {
        var level: Int
        var line: Int
        var bodyStart: Int
        var text: Substring
        var isParagraph: Bool
    }

    private func candidates() -> [Candidate] {
        var result: [Candidate] = []
        for block in outline.blocks where block.startLine > 0 {
            let first = line(block.startLine)
            switch block.kind {
            case .heading(let level):
                let trimmed = first.drop { $0 == " " }
                if trimmed.first == "#" {
                    var text = trimmed.drop { $0 == "#" }.trimmingWhitespace()
                    // An optional closing sequence: `## 1.0.0 ##`.
                    let closing = text.reversed().prefix { $0 == "#" }.count
                    if closing > 0, closing < text.count, text.dropLast(closing).last == " " { text = text.dropLast(closing).trimmingWhitespace() }
                    result.append(Candidate(level: level, line: block.startLine, bodyStart: block.startLine + 1, text: text, isParagraph: false))
                } else {
                    let underline = setextUnderline(of: block)
                    let text = (block.startLine..<underline).map { line($0).trimmingWhitespace() }.joined(separator: " ")
                    result.append(
                        Candidate(level: level, line: block.startLine, bodyStart: underline + 1, text: Substring(text), isParagraph: false)
                    )
                }
            case .paragraph:
                // `###4.0.0`: not a heading to CommonMark, but one to its author.
                let trimmed = first.drop { $0 == " " }
                let hashes = trimmed.prefix { $0 == "#" }.count
                guard first.count - trimmed.count <= 3, (1...3).contains(hashes), let next = trimmed.dropFirst(hashes).first,
                    next.isNumber || next == "[" || next == "v"
                else { continue }
                result.append(
                    Candidate(
                        level: hashes,
                        line: block.startLine,
                        bodyStart: block.startLine + 1,
                        text: trimmed.dropFirst(hashes).trimmingWhitespace(),
                        isParagraph: true
                    )
                )
            default: continue
            }
        }
        return result
    }

    /// The sections of the release level: the shallowest level (1–3) with a release heading; a deeper
    /// one (to 3) with a version and a date too (conventional-changelog's `### [1.0.1](…) (2024-01-01)`).
    func sections() -> [Section] {
        let all = candidates().filter { $0.level <= 3 }
        var parsed = all.map { ReleaseHeading.parse($0.text) }
        // `## Rails 7.0.8` without a date is a release once a dated heading shows the name (`## Rails 7.1.0 (…)`).
        let names = Set(parsed.compactMap { $0?.name?.lowercased() })
        if !names.isEmpty {
            for index in parsed.indices where parsed[index] == nil { parsed[index] = ReleaseHeading.parse(all[index].text, names: names) }
        }
        guard let level = zip(all, parsed).filter({ $0.1 != nil }).map(\.0.level).min() else { return [] }
        var bounds: [(Candidate, ReleaseHeading?)] = []
        for (candidate, heading) in zip(all, parsed) {
            if candidate.level > level {
                if let heading, heading.version != nil, heading.date != nil { bounds.append((candidate, heading)) }
                continue
            }
            if candidate.isParagraph && heading == nil { continue }
            bounds.append((candidate, candidate.level == level ? heading : nil))
        }
        var sections: [Section] = []
        for (index, (candidate, heading)) in bounds.enumerated() {
            let end = index + 1 < bounds.count ? bounds[index + 1].0.line : lines.count + 1
            let section = Section(
                heading: heading,
                headingLine: candidate.line,
                level: candidate.level,
                body: candidate.bodyStart..<max(candidate.bodyStart, end)
            )
            // `## 0.7.2` straight followed by `## Enhancements`: a section of that release, one level too high.
            if heading == nil, let previous = sections.last, previous.heading != nil, !hasContent(previous) {
                sections[sections.count - 1].body = previous.body.lowerBound..<section.body.upperBound
                continue
            }
            sections.append(section)
        }
        return sections
    }
}
