/// A link reference definition: `[label]: destination "title"`.
public struct LinkDefinition: Sendable, Hashable {
    /// The label as written.
    public var label: String
    /// The destination (without angle brackets).
    public var destination: String
    /// The title with its quotes, as written, or empty.
    public var title: String

    /// Parses one line that holds a whole definition; nil when it is none.
    public init?(line: Substring) {
        var rest = line.drop { $0 == " " }
        guard line.count - rest.count <= 3, rest.first == "[" else { return nil }
        rest = rest.dropFirst()
        guard let close = MarkdownLinks.closingBracket(in: rest) else { return nil }
        let label = rest[..<close]
        rest = rest[rest.index(after: close)...]
        guard rest.first == ":", !label.allSatisfy(\.isWhitespace) else { return nil }
        rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" }
        var destination: Substring
        if rest.first == "<" {
            guard let end = rest.firstIndex(of: ">") else { return nil }
            destination = rest[rest.index(after: rest.startIndex)..<end]
            rest = rest[rest.index(after: end)...]
        } else {
            let end = rest.firstIndex { $0 == " " || $0 == "\t" } ?? rest.endIndex
            destination = rest[..<end]
            rest = rest[end...]
        }
        guard !destination.isEmpty || line.contains("<>") else { return nil }
        let title = rest.trimmingWhitespace()
        if !title.isEmpty {
            guard let open = title.first, let last = title.last, title.count >= 2,
                (open == "\"" && last == "\"") || (open == "'" && last == "'") || (open == "(" && last == ")")
            else { return nil }
        }
        self.label = String(label)
        self.destination = String(destination)
        self.title = String(title)
    }

    /// Creates a definition.
    public init(label: String, destination: String, title: String = "") {
        self.label = label
        self.destination = destination
        self.title = title
    }

    /// The definition as a Markdown line.
    public var markdown: String {
        let target = destination.contains(" ") || destination.isEmpty ? "<\(destination)>" : destination
        return "[\(label)]: \(target)" + (title.isEmpty ? "" : " \(title)")
    }
}

/// Small scans of Markdown text that libcmark does not expose: labels used in brackets, and
/// link destinations to replace in the source while keeping the rest of the text as written.
public enum MarkdownLinks {
    /// A label as CommonMark matches it: case-insensitive, inner white space collapsed.
    public static func normalizedLabel(_ label: Substring) -> String {
        label.split(whereSeparator: \.isWhitespace).joined(separator: " ").lowercased()
    }

    /// The index of the `]` that closes a bracket whose content starts `text` (escapes skipped).
    static func closingBracket(in text: Substring) -> Substring.Index? {
        var index = text.startIndex
        var count = 0
        while index < text.endIndex, count < 1000 {
            switch text[index] {
            case "\\":
                index = text.index(after: index)
                if index == text.endIndex { return nil }
            case "]": return index
            case "[": return nil
            default: break
            }
            index = text.index(after: index)
            count += 1
        }
        return nil
    }

    /// Every bracketed text (`[label]`) of `text`, normalized, in order of first appearance.
    public static func bracketedLabels(in text: String) -> [String] {
        var labels: [String] = []
        var seen: Set<String> = []
        var index = text.startIndex
        while let open = text[index...].firstIndex(of: "[") {
            let content = text[text.index(after: open)...]
            if let close = closingBracket(in: content) {
                let label = normalizedLabel(content[..<close])
                if !label.isEmpty, seen.insert(label).inserted { labels.append(label) }
            }
            index = text.index(after: open)
        }
        return labels
    }

    /// `text` with each link destination found in `replacements` (after `](`, or after `]:` in a
    /// definition) replaced by its value.
    public static func replacingDestinations(in text: String, _ replacements: [String: String]) -> String {
        guard !replacements.isEmpty else { return text }
        var result = ""
        var copied = text.startIndex
        var index = text.startIndex
        while let bracket = text[index...].firstIndex(of: "]") {
            index = text.index(after: bracket)
            guard index < text.endIndex, text[index] == "(" || text[index] == ":" else { continue }
            var start = text.index(after: index)
            while start < text.endIndex, text[start] == " " || text[start] == "\t" || (text[index] == "(" && text[start] == "\n") {
                start = text.index(after: start)
            }
            var angled = false
            if start < text.endIndex, text[start] == "<" {
                angled = true
                start = text.index(after: start)
            }
            var end = start
            while end < text.endIndex {
                let character = text[end]
                if angled
                    ? character == ">" : (character == " " || character == "\n" || character == "\t" || (text[index] == "(" && character == ")"))
                {
                    break
                }
                end = text.index(after: end)
            }
            guard let replacement = replacements[String(text[start..<end])] else { continue }
            result += text[copied..<start]
            result += angled || !replacement.contains(" ") ? replacement : "<\(replacement)>"
            copied = end
            index = end
        }
        if copied == text.startIndex { return text }
        result += text[copied...]
        return result
    }
}

extension Substring {
    /// Without white space at either end.
    func trimmingWhitespace() -> Substring {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = self[start...].lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? start
        return self[start..<end]
    }
}

extension Substring {
    /// The first range of `lowercaseNeedle` in this text, ignoring ASCII case.
    func caseInsensitiveRange(of lowercaseNeedle: String) -> Range<Substring.Index>? {
        let needle = Array(lowercaseNeedle.utf8)
        guard !needle.isEmpty else { return nil }
        let bytes = utf8
        var index = bytes.startIndex
        while index < bytes.endIndex {
            do {
                var a = index
                var matched = 0
                while matched < needle.count, a < bytes.endIndex {
                    let byte = bytes[a]
                    let lower = (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
                    guard lower == needle[matched] else { break }
                    matched += 1
                    a = bytes.index(after: a)
                }
                if matched == needle.count { return index..<a }
            }
            index = bytes.index(after: index)
        }
        return nil
    }
}
