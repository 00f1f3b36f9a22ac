import ShiplogMacroSupport

/// A link reference definition: `[label]: destination "title"`.
@MemberwiseInit
public struct LinkDefinition: Sendable, Hashable {
    /// The label as written.
    public var label: String
    /// The destination (without angle brackets).
    public var destination: String
    /// The title with its quotes, as written, or empty.
    public var title: String = ""

    /// Parses one line that holds a whole definition; nil when it is none.
    ///
    /// Read byte by byte: a changelog may hold tens of thousands of definitions.
    public init?(line: Substring) {
        let bytes = line.utf8
        var index = bytes.startIndex
        func isBlank(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 }
        var spaces = 0
        while index < bytes.endIndex, bytes[index] == 32 {
            index = bytes.index(after: index)
            spaces += 1
        }
        guard spaces <= 3, index < bytes.endIndex, bytes[index] == UInt8(ascii: "[") else { return nil }
        let labelStart = bytes.index(after: index)
        guard let close = MarkdownLinks.closingBracket(in: line[labelStart...]) else { return nil }
        let label = line[labelStart..<close]
        index = bytes.index(after: close)
        guard index < bytes.endIndex, bytes[index] == UInt8(ascii: ":"), label.utf8.contains(where: { !isBlank($0) }) else { return nil }
        index = bytes.index(after: index)
        while index < bytes.endIndex, isBlank(bytes[index]) { index = bytes.index(after: index) }
        let destination: Substring
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "<") {
            let start = bytes.index(after: index)
            guard let end = bytes[start...].firstIndex(of: UInt8(ascii: ">")) else { return nil }
            destination = line[start..<end]
            index = bytes.index(after: end)
        } else {
            let end = bytes[index...].firstIndex(where: isBlank) ?? bytes.endIndex
            destination = line[index..<end]
            index = end
            guard !destination.isEmpty else { return nil }
        }
        let title = line[index...].trimmingWhitespace()
        if !title.isEmpty {
            guard let open = title.utf8.first, let last = title.utf8.last, title.utf8.count >= 2,
                (open == UInt8(ascii: "\"") && last == UInt8(ascii: "\"")) || (open == UInt8(ascii: "'") && last == UInt8(ascii: "'"))
                    || (open == UInt8(ascii: "(") && last == UInt8(ascii: ")"))
            else { return nil }
        }
        self.label = String(label)
        self.destination = String(destination)
        self.title = String(title)
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
        if label.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) { return label.lowercased() }
        return label.split(whereSeparator: \.isWhitespace).joined(separator: " ").lowercased()
    }

    /// The index of the `]` that closes a bracket whose content starts `text` (escapes skipped).
    static func closingBracket(in text: Substring) -> Substring.Index? {
        let bytes = text.utf8
        var index = bytes.startIndex
        var count = 0
        while index < bytes.endIndex, count < 1000 {
            switch bytes[index] {
            case UInt8(ascii: "\\"):
                index = bytes.index(after: index)
                if index == bytes.endIndex { return nil }
            case UInt8(ascii: "]"): return index
            case UInt8(ascii: "["): return nil
            default: break
            }
            index = bytes.index(after: index)
            count += 1
        }
        return nil
    }

    /// Every bracketed text (`[label]`) of `text`, normalized, in order of first appearance.
    public static func bracketedLabels(in text: String) -> [String] {
        var labels: [String] = []
        var seen: Set<String> = []
        let all = Substring(text)
        let bytes = all.utf8
        var index = bytes.startIndex
        while let open = bytes[index...].firstIndex(of: UInt8(ascii: "[")) {
            let contentStart = bytes.index(after: open)
            if let close = closingBracket(in: all[contentStart...]) {
                let label = normalizedLabel(all[contentStart..<close])
                if !label.isEmpty, seen.insert(label).inserted { labels.append(label) }
            }
            index = contentStart
        }
        return labels
    }

    /// `text` with each link destination found in `replacements` (after `](`, or after `]:` in a
    /// definition) replaced by its value.
    public static func replacingDestinations(in text: String, _ replacements: [String: String]) -> String {
        guard !replacements.isEmpty else { return text }
        let all = Substring(text)
        let bytes = all.utf8
        var result = ""
        var copied = bytes.startIndex
        var index = bytes.startIndex
        while let bracket = bytes[index...].firstIndex(of: UInt8(ascii: "]")) {
            index = bytes.index(after: bracket)
            guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "(") || bytes[index] == UInt8(ascii: ":") else { continue }
            let inline = bytes[index] == UInt8(ascii: "(")
            var start = bytes.index(after: index)
            while start < bytes.endIndex, bytes[start] == 32 || bytes[start] == 9 || (inline && bytes[start] == 10) {
                start = bytes.index(after: start)
            }
            var angled = false
            if start < bytes.endIndex, bytes[start] == UInt8(ascii: "<") {
                angled = true
                start = bytes.index(after: start)
            }
            var end = start
            while end < bytes.endIndex {
                let byte = bytes[end]
                if angled ? byte == UInt8(ascii: ">") : (byte == 32 || byte == 10 || byte == 9 || (inline && byte == UInt8(ascii: ")"))) {
                    break
                }
                end = bytes.index(after: end)
            }
            guard let replacement = replacements[String(all[start..<end])] else { continue }
            result += all[copied..<start]
            result += angled || !replacement.contains(" ") ? replacement : "<\(replacement)>"
            copied = end
            index = end
        }
        if copied == bytes.startIndex { return text }
        result += all[copied...]
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
