/// A release's version string and its place in shiplog's version order (SPEC §2).
///
/// SemVer 2.0.0 precedence, extended: a leading `v`/`V` is ignored for order, missing minor and
/// patch count as 0 (`1.2` = `1.2.0`), `rc2 < rc10`, build metadata is ignored, and a version
/// that is not dotted-numeric (`spring-24`) sorts below every numeric one.
///
/// ```swift
/// Version("v1.0.0-rc2").precedes(Version("1.0.0-rc10"))  // true
/// ```
public struct Version: Sendable, Hashable, CustomStringConvertible {
    /// The version exactly as written, used for display, paths and identity.
    public let text: String
    /// The numeric core (`[1, 2, 3]` for `v1.2.3`), nil when the version is not dotted-numeric.
    public let numbers: [Number]?
    /// The pre-release identifiers (`["rc", "1"]` for `1.0.0-rc.1`), empty for a final release.
    public let prerelease: [Identifier]

    /// Parses a version; any string is accepted (see ``VersionRules`` for what a release may use).
    public init(_ text: String) {
        self.text = text
        // Bytes are characters in ASCII text, which almost every version is; the rest is read by character.
        var body = Substring(text)
        let isASCII = text.utf8.withContiguousStorageIfAvailable { $0.allSatisfy { $0 < 0x80 } } ?? text.utf8.allSatisfy { $0 < 0x80 }
        if let first = body.utf8.first, first == UInt8(ascii: "v") || (first == UInt8(ascii: "V")), isASCII || body.first!.utf8.count == 1 {
            body = body.dropFirst()
        }
        if let plus = isASCII ? body.utf8.firstIndex(of: UInt8(ascii: "+")) : body.firstIndex(of: "+") { body = body[..<plus] }
        var core = body
        var pre: Substring? = nil
        if let dash = isASCII ? body.utf8.firstIndex(of: UInt8(ascii: "-")) : body.firstIndex(of: "-") {
            core = body[..<dash]
            pre = body[body.utf8.index(after: dash)...]
        }
        let parts = Self.dotted(core, isASCII: isASCII)
        let numeric = !parts.isEmpty && parts.allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy(isDigit) }
        let identifiers = pre.map { Self.dotted($0, isASCII: isASCII) } ?? []
        if numeric, identifiers.allSatisfy({ !$0.isEmpty }), pre.map({ !$0.isEmpty }) ?? true {
            numbers = parts.map { Number($0) }
            prerelease = identifiers.map { Identifier($0) }
        } else {
            numbers = nil
            prerelease = []
        }
    }

    /// The dot-separated parts of `text`, empty ones included.
    private static func dotted(_ text: Substring, isASCII: Bool) -> [Substring] {
        guard isASCII else { return text.split(separator: ".", omittingEmptySubsequences: false) }
        var parts: [Substring] = []
        var start = text.startIndex
        var index = text.utf8.startIndex
        while index < text.utf8.endIndex {
            if text.utf8[index] == UInt8(ascii: ".") {
                parts.append(text[start..<index])
                start = text.utf8.index(after: index)
            }
            index = text.utf8.index(after: index)
        }
        parts.append(text[start...])
        return parts
    }

    /// True when the version is dotted-numeric (`1`, `1.2`, `v1.2.3-rc.1+build`).
    public var isNumeric: Bool { numbers != nil }

    /// True for a numeric version with a pre-release part (`1.2.0-rc.1`).
    public var hasPrereleasePart: Bool { !prerelease.isEmpty }

    /// The version without a leading `v` or `V`, used to match versions across components.
    public var withoutPrefix: String {
        if let first = text.first, first == "v" || first == "V" { return String(text.dropFirst()) }
        return text
    }

    /// The first three numbers, missing ones as 0, for bump kinds.
    public var majorMinorPatch: (Number, Number, Number)? {
        guard let numbers else { return nil }
        return (numbers[0], numbers.count > 1 ? numbers[1] : Number.zero, numbers.count > 2 ? numbers[2] : Number.zero)
    }

    public var description: String { text }

    /// Orders two versions: negative when `self` comes before `other`, 0 when they rank the same.
    public func compare(_ other: Version) -> Int {
        switch (numbers, other.numbers) {
        case (nil, nil): return 0
        case (nil, _): return -1
        case (_, nil): return 1
        case (let lhs?, let rhs?):
            for i in 0..<max(lhs.count, rhs.count) {
                let a = i < lhs.count ? lhs[i] : Number.zero
                let b = i < rhs.count ? rhs[i] : Number.zero
                let order = a.compare(b)
                if order != 0 { return order }
            }
        }
        // A version without a pre-release part ranks above one with.
        switch (prerelease.isEmpty, other.prerelease.isEmpty) {
        case (true, true): return 0
        case (true, false): return 1
        case (false, true): return -1
        case (false, false): break
        }
        for (a, b) in zip(prerelease, other.prerelease) {
            let order = a.compare(b)
            if order != 0 { return order }
        }
        return prerelease.count < other.prerelease.count ? -1 : (prerelease.count > other.prerelease.count ? 1 : 0)
    }

    /// True when `self` ranks strictly below `other`.
    public func precedes(_ other: Version) -> Bool { compare(other) < 0 }

    /// A version's place in the order as plain numbers, for the versions almost every release has:
    /// not numeric, or up to four numbers of 64 bits without a pre-release part. Comparing two
    /// such keys copies nothing; others are compared as versions.
    struct OrderKey: Sendable {
        /// The numbers, missing ones as 0.
        private var numbers: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        private var kind: Kind

        private enum Kind: UInt8 {
            /// Not dotted-numeric: below every numeric version, level with the others.
            case text
            /// Up to four numbers that fit in 64 bits, no pre-release part.
            case plain
            /// Anything else: compared by ``Version/compare(_:)``.
            case other
        }

        init(_ version: Version) {
            guard let parts = version.numbers else {
                kind = .text
                return
            }
            guard parts.count <= 4, version.prerelease.isEmpty, parts.allSatisfy({ $0.value != nil }) else {
                kind = .other
                return
            }
            kind = .plain
            let value = { (index: Int) in index < parts.count ? parts[index].value! : 0 }
            numbers = (value(0), value(1), value(2), value(3))
        }

        /// As ``Version/compare(_:)`` orders the versions; nil when it must be asked.
        static func compare(_ a: OrderKey, _ b: OrderKey) -> Int? {
            switch (a.kind, b.kind) {
            case (.other, _), (_, .other): return nil
            case (.text, .text): return 0
            case (.text, .plain): return -1
            case (.plain, .text): return 1
            case (.plain, .plain):
                let (x, y) = (a.numbers, b.numbers)
                if x.0 != y.0 { return x.0 < y.0 ? -1 : 1 }
                if x.1 != y.1 { return x.1 < y.1 ? -1 : 1 }
                if x.2 != y.2 { return x.2 < y.2 ? -1 : 1 }
                return x.3 == y.3 ? 0 : (x.3 < y.3 ? -1 : 1)
            }
        }

        /// As `Catalog.bump(from:to:)` classifies the step between the versions; nil when it must be asked.
        static func bump(from previous: OrderKey?, to next: OrderKey) -> BumpKind? {
            guard let previous else { return .major }
            switch (previous.kind, next.kind) {
            case (.other, _), (_, .other): return nil
            case (.text, _), (_, .text): return .major
            case (.plain, .plain):
                if previous.numbers.0 != next.numbers.0 { return .major }
                return previous.numbers.1 != next.numbers.1 ? .minor : .patch
            }
        }
    }

    /// A non-negative whole number of any size, compared by value.
    public struct Number: Sendable, Hashable, CustomStringConvertible {
        /// The digits without leading zeros ("0" for zero).
        public let digits: Substring
        /// The value, when it fits in 64 bits (almost always): compared without looking at text.
        let value: UInt64?

        static let zero = Number("0")

        /// `text` is made of digits only.
        init(_ text: Substring) {
            let start = text.utf8.firstIndex { $0 != UInt8(ascii: "0") } ?? text.endIndex
            digits = start == text.endIndex ? "0" : text[start...]
            var value: UInt64 = 0
            for byte in digits.utf8 { value = value &* 10 &+ UInt64(byte &- UInt8(ascii: "0")) }
            self.value = digits.utf8.count <= 18 ? value : nil
        }

        public var description: String { String(digits) }

        func compare(_ other: Number) -> Int {
            if let a = value, let b = other.value { return a == b ? 0 : (a < b ? -1 : 1) }
            let (x, y) = (digits.utf8.count, other.digits.utf8.count)
            if x != y { return x < y ? -1 : 1 }
            return asciiCompare(digits, other.digits)
        }
    }

    /// One dot-separated pre-release identifier.
    public enum Identifier: Sendable, Hashable, CustomStringConvertible {
        /// All digits: compared as a number.
        case numeric(Number)
        /// Letters, then optionally digits (`rc`, `rc10`, `beta2`): letters first, then the number.
        case lettered(Substring, Number?)
        /// Anything else: compared as ASCII text.
        case text(Substring)

        init(_ text: Substring) {
            if text.utf8.allSatisfy(isDigit) {
                self = .numeric(Number(text))
                return
            }
            // ASCII letters; a byte of a longer character is none, and what follows it no digit.
            let end = text.utf8.firstIndex { !(UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0 | 0x20) } ?? text.endIndex
            let letters = text[..<end]
            let rest = text[end...]
            if !letters.isEmpty, rest.utf8.allSatisfy(isDigit) {
                self = .lettered(letters, rest.isEmpty ? nil : Number(rest))
            } else {
                self = .text(text)
            }
        }

        public var description: String {
            switch self {
            case .numeric(let number): number.description
            case .lettered(let letters, let number): String(letters) + (number?.description ?? "")
            case .text(let text): String(text)
            }
        }

        func compare(_ other: Identifier) -> Int {
            switch (self, other) {
            case (.numeric(let a), .numeric(let b)): return a.compare(b)
            case (.numeric, _): return -1
            case (_, .numeric): return 1
            case (.lettered(let a, let x), .lettered(let b, let y)):
                if a != b { return asciiCompare(a, b) }
                switch (x, y) {
                case (nil, nil): return 0
                case (nil, _): return -1
                case (_, nil): return 1
                case (let x?, let y?): return x.compare(y)
                }
            default:
                return asciiCompare(Substring(description), Substring(other.description))
            }
        }
    }
}

private func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

private func asciiCompare(_ a: Substring, _ b: Substring) -> Int {
    for (x, y) in zip(a.utf8, b.utf8) where x != y { return x < y ? -1 : 1 }
    return a.utf8.count == b.utf8.count ? 0 : (a.utf8.count < b.utf8.count ? -1 : 1)
}
