/// The field rules of the data format (SPEC §1), shared by the file loader and the API.
///
/// Each returns nil when the value is fine, else a message that says what is wrong.
public enum Rules {
    /// Page ids, component and site slugs: `^[a-z0-9][a-z0-9._-]{0,63}$`, never `.` or `..`.
    public static func slugProblem(_ slug: String) -> String? {
        // On the UTF-8 view in place: the update endpoint checks two slugs a request.
        isNameLike(slug.utf8, isLowerAlnum)
            ? nil
            : "\(JSONWriter.quoted(slug)) is not a valid slug: use 1–64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit"
    }

    /// Versions: 1–100 characters, no `/`, `\`, whitespace, control or bidi control characters, not `.`/`..`, no `..` inside.
    public static func versionProblem(_ version: String) -> String? {
        // Quoted only for a message: a valid version (every update request has one) needs no copy.
        var quoted: String { JSONWriter.quoted(version) }
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
        if !plainASCII, let bidi = version.unicodeScalars.first(where: isBidiControl) {
            return "\(quoted) is not a valid version: no bidi control characters (\(codePoint(bidi)))"
        }
        // Bytes suffice: a '.' never stands inside a multi-byte UTF-8 sequence.
        let dot = UInt8(ascii: ".")
        if version.utf8.first == dot || zip(version.utf8, version.utf8.dropFirst()).contains(where: { $0 == dot && $1 == dot }) {
            return "\(quoted) is not a valid version: it must not start with '.' nor contain '..'"
        }
        if reservedNames.contains(version) {
            return "\(quoted) is not a valid version: a component's \(version) has that name in the site"
        }
        return nil
    }

    /// Names and titles (page title, component and site names, release and group titles, authors,
    /// tags…): no control characters (C0 with tab and line breaks, DEL, C1) and no bidi controls
    /// (U+202A–U+202E, U+2066–U+2069), which could break a mail header or reorder what a reader sees.
    public static func nameProblem(_ text: String) -> String? {
        // The common case, printable ASCII, needs no look at scalars.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return nil }
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                return "\(JSONWriter.quoted(text)) contains a control character (\(codePoint(scalar))); use a single line of printable text"
            }
            if isBidiControl(scalar) {
                return "\(JSONWriter.quoted(text)) contains a bidi control character (\(codePoint(scalar))), which can reorder what readers see"
            }
        }
        return nil
    }

    /// C0 controls (tab and line breaks too), DEL and C1 controls.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F..<0xA0).contains(scalar.value)
    }

    /// The bidi embedding, override and isolate controls: U+202A–U+202E, U+2066–U+2069.
    public static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }

    /// `U+202E`.
    static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// File names every component folder of the site has, which a version folder must not take.
    public static let reservedNames: Set<String> = [
        "index.html", "latest.json", "feed.json", "atom.xml", "search.json", "appcast.xml", "badge.svg", "badge.json",
    ]

    /// An address that `paths` are appended to (the site's paths to `page.base_url`, the API's to
    /// `--server`, mail links' to `serve --public-url` …): a URL of ``urlProblem(_:)`` without a query
    /// or fragment, which would end up in the middle of every link (`https://x.example/?a=1/feed.json`).
    /// The message names what is appended; callers add which flag or field holds the URL.
    public static func baseURLProblem(_ url: String, appended paths: String) -> String? {
        if let problem = urlProblem(url) { return problem }
        guard url.contains("?") || url.contains("#") else { return nil }
        return "\(JSONWriter.quoted(url)) is not a base URL: \(paths) are appended to it, so it has no query (?…) or fragment (#…)"
    }

    /// URLs: absolute `http` or `https` with a host, no whitespace or control characters.
    public static func urlProblem(_ url: String) -> String? {
        // The message is made only for a URL that has a problem: most have none, and a data file
        // may hold tens of thousands (every asset has one).
        func message() -> String { "\(JSONWriter.quoted(url)) is not an absolute http or https URL" }
        func hasScheme(_ scheme: String) -> Bool {
            url.utf8.count >= scheme.utf8.count && zip(url.utf8, scheme.utf8).allSatisfy { ($0 | 0x20) == $1 || $0 == $1 }
        }
        let rest: Substring
        if hasScheme("https://") {
            rest = url.dropFirst(8)
        } else if hasScheme("http://") {
            rest = url.dropFirst(7)
        } else {
            return message()
        }
        let authority = URLAuthority(afterScheme: rest)
        guard !authority.host.isEmpty, !authority.host.hasPrefix(":") else { return message() }
        if let problem = hostAndPortProblem(authority) { return message() + " (\(problem))" }
        let refused = { (scalar: Unicode.Scalar) in
            scalar.value <= 0x20 || scalar.value == 0x7F || "<>\"`{}|^".unicodeScalars.contains(scalar)
                || (scalar.value >= 0x80 && scalar.properties.isWhitespace)
        }
        // Printable ASCII, almost every URL, needs no look at scalar properties.
        let isASCII = url.utf8.allSatisfy { $0 < 0x80 }
        if isASCII
            ? url.utf8.contains(where: Self.isRefusedInURL)
            : url.unicodeScalars.contains(where: refused)
        {
            return message() + " (it contains a space, a control character or one of <>\"`{}|^)"
        }
        return nil
    }

    /// What is wrong with the `host[:port]` of a URL: a port that is not a number up to 65535, an
    /// IPv6 literal that is not closed or is no IPv6 address (`[1:2:3]`, `[1.2.3.4]`), or a `[` or `]`
    /// anywhere else in the authority (RFC 3986 §3.2.2: they only enclose an IPv6 address, and
    /// clients such as Python's `urlsplit` refuse the URL). Nil when fine.
    private static func hostAndPortProblem(_ authority: URLAuthority) -> String? {
        if authority.host.hasPrefix("[") {
            guard authority.host.hasSuffix("]") else { return "its IPv6 address has no closing ]" }
            let address = authority.host.dropFirst().dropLast()
            guard address.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }), address.contains(":"), IPAddress(String(address)) != nil
            else { return "\(address) is not an IPv6 address" }
        }
        let brackets = authority.text.utf8.count { $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "]") }
        if brackets != (authority.host.hasPrefix("[") ? 2 : 0) { return "[ and ] may only enclose an IPv6 address" }
        if authority.afterHost.isEmpty { return nil }
        guard authority.afterHost.hasPrefix(":") else { return "only a :port may follow the IPv6 address" }
        let port = authority.afterHost.dropFirst()
        guard port.count <= 5, port.allSatisfy({ $0.isASCII && $0.isNumber }), Int(port).map({ $0 <= 65535 }) ?? port.isEmpty else {
            return "the port \(JSONWriter.quoted(String(port))) is not a number from 0 to 65535"
        }
        return nil
    }

    /// An ASCII byte a URL must not hold: a space, a control character or one of `<>"`{}|^`.
    private static func isRefusedInURL(_ byte: UInt8) -> Bool {
        switch byte {
        case 0...0x20, 0x7F, UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), UInt8(ascii: "`"), UInt8(ascii: "{"), UInt8(ascii: "}"),
            UInt8(ascii: "|"), UInt8(ascii: "^"):
            true
        default: false
        }
    }

    /// Timestamps: RFC 3339.
    public static func timestampProblem(_ text: String) -> String? {
        Timestamp(rfc3339: text) == nil ? "\(JSONWriter.quoted(text)) is not an RFC 3339 timestamp such as 2024-05-01T12:00:00Z" : nil
    }

    /// Environment names: like slugs, upper-case letters allowed (`Production`, as the seed
    /// systems' stages and environments are named); names are compared exactly.
    public static func environmentProblem(_ name: String) -> String? {
        isNameLike(name.utf8, isAlnum)
            ? nil
            : "\(JSONWriter.quoted(name)) is not a valid environment name: use 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit"
    }

    /// 1–64 bytes, each a letter or digit by `isLetterOrDigit` or one of `.`, `_`, `-`, the first a
    /// letter or digit (so never `.` or `..`).
    private static func isNameLike(_ bytes: String.UTF8View, _ isLetterOrDigit: (UInt8) -> Bool) -> Bool {
        bytes.first.map(isLetterOrDigit) == true && bytes.count <= 64
            && bytes.allSatisfy { isLetterOrDigit($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    static func isAlnum(_ byte: UInt8) -> Bool { isLowerAlnum(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) }

    static func isLowerAlnum(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
