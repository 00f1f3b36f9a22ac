/// An e-mail address (`local@domain`) with an optional display name, checked when created.
///
/// ```swift
/// let from = try MailAddress("releases@example.com", name: "Example Releases")
/// if let problem = MailAddress.validate(input) { /* answer 400 with `problem` */ }
/// ```
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address itself, such as `ada@example.com`.
    public let address: String
    /// The display name shown before the address, if any.
    public let name: String?

    /// Creates an address, or throws ``SMTPError/Code-swift.struct/invalidMessage`` with the
    /// problem ``validate(_:)`` found, or when the name holds a control character.
    public init(_ address: String, name: String? = nil) throws(SMTPError) {
        if let problem = Self.validate(address) {
            throw SMTPError(.invalidMessage, "invalid address \(Self.quoted(address)): \(problem)", isPermanent: true)
        }
        if let name, let scalar = name.unicodeScalars.first(where: Self.isControl) {
            throw SMTPError(
                .invalidMessage,
                "the display name of \(address) contains the control character U+\(String(scalar.value, radix: 16, uppercase: true))",
                isPermanent: true
            )
        }
        self.address = address
        self.name = name?.isEmpty == true ? nil : name
    }

    /// Reads a mailbox as a command line or a `From` header gives it: `ada@example.com`,
    /// `Ada Lovelace <ada@example.com>` or `"Lovelace, Ada" <ada@example.com>`; the address is
    /// checked as ``init(_:name:)`` does.
    public init(mailbox text: String) throws(SMTPError) {
        guard text.hasSuffix(">"), let open = text.lastIndex(of: "<") else {
            try self.init(text)
            return
        }
        var name = Substring(text[..<open])
        while name.first == " " { name = name.dropFirst() }
        while name.last == " " { name = name.dropLast() }
        var unquoted = ""
        if name.count >= 2, name.first == "\"", name.last == "\"" {
            var escaped = false
            for character in name.dropFirst().dropLast() {
                if !escaped, character == "\\" {
                    escaped = true
                    continue
                }
                unquoted.append(character)
                escaped = false
            }
        } else {
            unquoted = String(name)
        }
        try self.init(String(text[text.index(after: open)..<text.index(before: text.endIndex)]), name: unquoted)
    }

    /// Checks an address with a pragmatic subset of RFC 5321's `Mailbox`: returns what is wrong
    /// with it, or nil when it is acceptable.
    ///
    /// Accepted: an ASCII dot-atom local part of at most 64 characters, `@`, and a domain of at
    /// least two dot-separated labels of letters, digits and inner hyphens (an internationalised
    /// domain must be given in its `xn--` form); 254 characters at most. Rejected: spaces, control
    /// characters (CR and LF among them), quoted local parts, address literals.
    public static func validate(_ address: String) -> String? {
        let bytes = Array(address.utf8)
        if bytes.isEmpty { return "the address is empty" }
        if bytes.count > 254 { return "the address is longer than 254 characters" }
        if let byte = bytes.first(where: { $0 < 0x20 || $0 == 0x7F }) {
            return byte == 0x0D || byte == 0x0A ? "the address contains a line break" : "the address contains a control character"
        }
        if bytes.contains(0x20) { return "the address contains a space" }
        if bytes.contains(where: { $0 >= 0x80 }) { return "the address contains non-ASCII characters (write the domain in its xn-- form)" }
        guard let at = bytes.lastIndex(of: UInt8(ascii: "@")) else { return "the address has no @" }
        let local = bytes[..<at]
        let domain = bytes[(at + 1)...]
        if local.isEmpty { return "the address has nothing before the @" }
        if domain.isEmpty { return "the address has no domain after the @" }
        if local.count > 64 { return "the part before the @ is longer than 64 characters" }
        if local.contains(UInt8(ascii: "@")) { return "the address contains more than one @" }
        if let problem = checkLocalPart(local) { return problem }
        return checkDomain(domain)
    }

    public var description: String { name.map { "\($0) <\(address)>" } ?? address }

    private static func checkLocalPart(_ local: ArraySlice<UInt8>) -> String? {
        if local.first == UInt8(ascii: ".") || local.last == UInt8(ascii: ".") {
            return "the part before the @ starts or ends with a dot"
        }
        if zip(local, local.dropFirst()).contains(where: { $0 == UInt8(ascii: ".") && $1 == UInt8(ascii: ".") }) {
            return "the part before the @ contains two dots in a row"
        }
        if let byte = local.first(where: { !isAtext($0) && $0 != UInt8(ascii: ".") }) {
            return "the part before the @ contains the character \(Self.quoted(String(UnicodeScalar(byte))))"
        }
        return nil
    }

    private static func checkDomain(_ domain: ArraySlice<UInt8>) -> String? {
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        if labels.count < 2 { return "the domain needs at least one dot, as in example.com" }
        for label in labels {
            if label.isEmpty { return "the domain contains an empty label (two dots in a row, or a dot at an end)" }
            if label.count > 63 { return "a label of the domain is longer than 63 characters" }
            if label.first == UInt8(ascii: "-") || label.last == UInt8(ascii: "-") { return "a label of the domain starts or ends with a hyphen" }
            if let byte = label.first(where: { !isLetterOrDigit($0) && $0 != UInt8(ascii: "-") }) {
                return "the domain contains the character \(Self.quoted(String(UnicodeScalar(byte))))"
            }
        }
        if let last = labels.last, last.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) {
            return "the domain ends with a numeric label"
        }
        return nil
    }

    private static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// RFC 5322 `atext`: letters, digits and ``!#$%&'*+-/=?^_`{|}~``.
    private static func isAtext(_ byte: UInt8) -> Bool {
        isLetterOrDigit(byte) || atextSymbols.contains(byte)
    }

    private static let atextSymbols = Set("!#$%&'*+-/=?^_`{|}~".utf8)

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 && scalar != "\t" || scalar.value == 0x7F || scalar == "\u{2028}" || scalar == "\u{2029}" || scalar == "\u{85}"
    }

    static func quoted(_ text: String) -> String {
        "\"" + String(text.unicodeScalars.prefix(80).map { isControl($0) ? "?" : Character($0) }) + "\""
    }
}
