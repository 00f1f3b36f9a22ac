/// Makes the relative links of imported notes absolute against the component's URL.
///
/// Files resolve under `URL/blob/HEAD/` (images under `URL/raw/HEAD/`, which serves the bytes),
/// relative to the folder of the imported document; `/path` starts at the repository's root,
/// `#anchor` points into the document itself and `//host/…` gets `https:`.
///
/// ```swift
/// let base = LinkBase(componentURL: "https://github.com/apple/swift-argument-parser", document: "CHANGELOG.md")
/// base.absolute("Documentation/01 Getting Started.md", isImage: false)
/// // https://github.com/apple/swift-argument-parser/blob/HEAD/Documentation/01%20Getting%20Started.md
/// ```
public struct LinkBase: Sendable, Hashable {
    /// The component's URL without a trailing `/`.
    public var componentURL: String
    /// The imported document's path in the repository (`CHANGELOG.md`); empty for none.
    public var document: String

    /// Creates a base.
    public init(componentURL: String, document: String = "") {
        self.componentURL = componentURL.hasSuffix("/") ? String(componentURL.dropLast()) : componentURL
        self.document = document
    }

    /// True when `destination` has no scheme (`docs/a.md`, `#x`, `/y`, `//host/z`).
    public static func isRelative(_ destination: String) -> Bool {
        guard let first = destination.utf8.first else { return false }
        guard isLetter(first) else { return true }
        for byte in destination.utf8.dropFirst() {
            if byte == UInt8(ascii: ":") { return false }
            if !(isLetter(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "."))
            {
                return true
            }
        }
        return true
    }

    /// The absolute form of a relative `destination`; nil when it is absolute already or empty.
    public func absolute(_ destination: String, isImage: Bool) -> String? {
        guard !destination.isEmpty, Self.isRelative(destination) else { return nil }
        if destination.hasPrefix("//") { return "https:" + destination }
        let tree = componentURL + (isImage ? "/raw/HEAD/" : "/blob/HEAD/")
        if destination.hasPrefix("#") { return document.isEmpty ? componentURL + destination : tree + document + destination }
        // Split off the query and fragment, which take no part in resolving the path.
        let pathEnd = destination.firstIndex { $0 == "?" || $0 == "#" } ?? destination.endIndex
        let path = destination[..<pathEnd]
        var segments: [Substring] = []
        if !path.hasPrefix("/") {
            segments = document.split(separator: "/", omittingEmptySubsequences: true).dropLast()
        }
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == ".." {
                _ = segments.popLast()
                continue
            }
            segments.append(segment)
        }
        let resolved = segments.joined(separator: "/") + (path.hasSuffix("/") && !segments.isEmpty ? "/" : "")
        return tree + Self.escapeSpaces(resolved) + destination[pathEnd...]
    }

    /// Spaces become `%20`, as a URL must not hold one.
    private static func escapeSpaces(_ text: String) -> String {
        text.contains(" ") ? text.split(separator: " ", omittingEmptySubsequences: false).joined(separator: "%20") : text
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
    }
}
