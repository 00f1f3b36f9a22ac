extension Rules {
    /// Ids of releases and deployments: lower-case and URL-safe, `^[a-z0-9][a-z0-9._-]{0,63}$`
    /// (a UUID such as the store gives fits).
    public static func idProblem(_ id: String) -> String? {
        slugProblem(id) == nil
            ? nil : "\(JSONWriter.quoted(id)) is not a valid id: use 1–64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit"
    }

    /// Release channels: `stable`, or a pre-release channel name `^[a-z][a-z0-9-]{0,31}$`.
    public static func channelProblem(_ channel: String) -> String? {
        let bytes = Array(channel.utf8)
        let valid =
            (1...32).contains(bytes.count) && (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[0])
            && bytes.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "-") }
        return valid
            ? nil
            : "\(JSONWriter.quoted(channel)) is not a valid channel: use \"stable\" or 1–32 lowercase letters, digits or '-', starting with a letter"
    }

    /// Build numbers (`"4213"`, `"1.2.3.4"`): 1–100 characters of one line of printable text.
    public static func buildProblem(_ build: String) -> String? {
        if build.isEmpty { return "the build is empty" }
        if build.utf8.count > 100 { return "\(JSONWriter.quoted(build)) is not a valid build: at most 100 characters" }
        return nameProblem(build)
    }

    /// An asset's `sha512`: the base64 (standard alphabet, padded) of 64 bytes, 88 characters.
    public static func sha512Problem(_ text: String) -> String? {
        let message = "\(JSONWriter.quoted(text)) is not a SHA-512 digest: expected the base64 of 64 bytes (88 characters ending in \"==\")"
        let bytes = Array(text.utf8)
        guard bytes.count == 88, bytes[86] == UInt8(ascii: "="), bytes[87] == UInt8(ascii: "=") else { return message }
        guard bytes[..<86].allSatisfy(isBase64), let last = base64Value(bytes[85]), last & 0x0F == 0 else { return message }
        return nil
    }

    /// An asset's `sha256`: 64 hex digits.
    public static func sha256Problem(_ text: String) -> String? {
        hexProblem(text, digits: 64, name: "SHA-256")
    }

    /// An asset's `sha1`: 40 hex digits.
    public static func sha1Problem(_ text: String) -> String? {
        hexProblem(text, digits: 40, name: "SHA-1")
    }

    /// An asset's `minimum_system_version`: one to four numbers joined by dots (`13.0`, `10.15.7`),
    /// as Sparkle compares them with the running system's.
    public static func systemVersionProblem(_ text: String) -> String? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let valid = (1...4).contains(parts.count) && parts.allSatisfy { (1...9).contains($0.utf8.count) && $0.utf8.allSatisfy(isDigit) }
        return valid ? nil : "\(JSONWriter.quoted(text)) is not a system version: use one to four numbers joined by dots, such as 13.0 or 10.15.7"
    }

    private static func hexProblem(_ text: String, digits: Int, name: String) -> String? {
        let valid = text.utf8.count == digits && text.utf8.allSatisfy { isDigit($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0 | 0x20) }
        return valid ? nil : "\(JSONWriter.quoted(text)) is not a \(name) digest: expected \(digits) hex digits"
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    private static func isBase64(_ byte: UInt8) -> Bool { base64Value(byte) != nil }

    /// The 6-bit value of a base64 character (standard alphabet); nil for any other byte.
    private static func base64Value(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}

extension Rules {
    /// The platforms an asset may name: an operating system and an architecture, as Tauri names them.
    public static let platforms = ["darwin-aarch64", "darwin-x86_64", "windows-x86_64", "windows-aarch64", "linux-x86_64", "linux-aarch64"]
    /// The bundle suffixes Tauri's updater looks for (`<os>-<arch>-<bundle>`).
    public static let platformBundles = ["appimage", "deb", "rpm", "app", "msi", "nsis"]

    /// Every platform name an asset may give.
    static let platformNames: Set<String> = Set(platforms + platforms.flatMap { base in platformBundles.map { base + "-" + $0 } })

    /// An asset's `platform`: one of ``platforms``, optionally followed by `-` and one of ``platformBundles``.
    public static func platformProblem(_ platform: String) -> String? {
        if platformNames.contains(platform) { return nil }
        return "\(JSONWriter.quoted(platform)) is not a known platform: use one of \(platforms.joined(separator: ", ")),"
            + " optionally followed by a bundle (\(platformBundles.map { "-" + $0 }.joined(separator: ", ")))"
    }

    /// An asset's `signature` (Tauri's `.sig` text, Sparkle's EdDSA signature): one line of printable
    /// text, at most 4096 characters.
    public static func signatureProblem(_ signature: String) -> String? {
        if signature.isEmpty { return "the signature is empty" }
        if signature.utf8.count > 4096 { return "the signature is longer than 4096 characters" }
        return nameProblem(signature)
    }
}
