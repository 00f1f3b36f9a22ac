/// The field rules of the data format (SPEC §1), shared by the file loader and the API.
///
/// Each returns nil when the value is fine, else a message that says what is wrong.
public enum Rules {
    /// Page ids, component and site slugs: `^[a-z0-9][a-z0-9._-]{0,63}$`, never `.` or `..`.
    public static func slugProblem(_ slug: String) -> String? {
        let bytes = Array(slug.utf8)
        let valid =
            !bytes.isEmpty && bytes.count <= 64 && isLowerAlnum(bytes[0])
            && bytes.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
        return valid
            ? nil
            : "\(JSONWriter.quoted(slug)) is not a valid slug: use 1–64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit"
    }

    /// Versions: 1–100 characters, no `/`, `\`, whitespace or control characters, not `.`/`..`, no `..` inside.
    public static func versionProblem(_ version: String) -> String? {
        let quoted = JSONWriter.quoted(version)
        if version.isEmpty { return "the version is empty" }
        if version.utf8.count > 100, version.count > 100 { return "\(quoted) is not a valid version: at most 100 characters" }
        let plainASCII = version.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "\\") }
        if !plainASCII,
            version.unicodeScalars.contains(where: {
                $0 == "/" || $0 == "\\" || $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F || (0x80..<0xA0).contains($0.value)
            })
        {
            return "\(quoted) is not a valid version: no '/', '\\', whitespace or control characters"
        }
        if version.hasPrefix(".") || version.contains("..") {
            return "\(quoted) is not a valid version: it must not start with '.' nor contain '..'"
        }
        if reservedNames.contains(version) {
            return "\(quoted) is not a valid version: a component's \(version) has that name in the site"
        }
        return nil
    }

    /// File names every component folder of the site has, which a version folder must not take.
    public static let reservedNames: Set<String> = ["index.html", "latest.json", "feed.json", "atom.xml"]

    /// URLs: absolute `http` or `https` with a host, no whitespace or control characters.
    public static func urlProblem(_ url: String) -> String? {
        let message = "\(JSONWriter.quoted(url)) is not an absolute http or https URL"
        let lower = url.lowercased()
        let rest: Substring
        if lower.hasPrefix("https://") {
            rest = url.dropFirst(8)
        } else if lower.hasPrefix("http://") {
            rest = url.dropFirst(7)
        } else {
            return message
        }
        let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostname = host.split(separator: "@").last ?? ""
        guard !hostname.isEmpty, !hostname.hasPrefix(":") else { return message }
        if url.unicodeScalars.contains(where: {
            $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F || "<>\"`{}|^".unicodeScalars.contains($0)
        }) {
            return message + " (it contains a space, a control character or one of <>\"`{}|^)"
        }
        return nil
    }

    /// Timestamps: RFC 3339.
    public static func timestampProblem(_ text: String) -> String? {
        Timestamp(rfc3339: text) == nil ? "\(JSONWriter.quoted(text)) is not an RFC 3339 timestamp such as 2024-05-01T12:00:00Z" : nil
    }

    /// Environment names: like slugs.
    public static func environmentProblem(_ name: String) -> String? {
        slugProblem(name) == nil
            ? nil : "\(JSONWriter.quoted(name)) is not a valid environment name: use 1–64 lowercase letters, digits, '.', '_' or '-'"
    }

    private static func isLowerAlnum(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
