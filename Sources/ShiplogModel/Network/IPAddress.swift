/// An IPv4 or IPv6 address as its bytes (4 or 16), read the way resolvers read them.
///
/// ```swift
/// IPAddress("0x7f.1")?.description   // "127.0.0.1"
/// IPAddress("[::ffff:10.0.0.1]")?.privateUse   // "IPv4-mapped private (RFC 1918)"
/// ```
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6, in network order.
    public let bytes: [UInt8]

    /// An address from its bytes; nil unless there are 4 or 16.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Reads IPv4 in every form `inet_aton` (and so `getaddrinfo`) takes — `127.0.0.1`, `2130706433`,
    /// `0x7f.1`, `0177.0.0.01`, `127.1` — and IPv6, with or without brackets and a zone (`%eth0`).
    public init?(_ text: String) {
        var text = Substring(text)
        if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        if text.contains(":") {
            if let percent = text.firstIndex(of: "%") { text = text[..<percent] }
            guard let bytes = Self.ipv6(text) else { return nil }
            self.bytes = bytes
        } else {
            guard let bytes = Self.ipv4(text) else { return nil }
            self.bytes = bytes
        }
    }

    public var isIPv4: Bool { bytes.count == 4 }

    /// `127.0.0.1`, or IPv6 with its longest run of zero groups as `::` (`fe80::1`, `::ffff:a00:1`).
    public var description: String {
        if isIPv4 { return bytes.map(String.init).joined(separator: ".") }
        let groups = stride(from: 0, to: 16, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
        var best = (start: 0, count: 0)
        var index = 0
        while index < 8 {
            var end = index
            while end < 8, groups[end] == 0 { end += 1 }
            if end - index > best.count { best = (index, end - index) }
            index = end + 1
        }
        let text = { (slice: ArraySlice<UInt16>) in slice.map { String($0, radix: 16) }.joined(separator: ":") }
        guard best.count >= 2 else { return text(groups[...]) }
        return text(groups[..<best.start]) + "::" + text(groups[(best.start + best.count)...])
    }

    /// IPv4 as `inet_aton` reads it: one to four parts, each decimal, `0x` hex or `0` octal; the last
    /// part fills the bytes that are left (`127.1` is 127.0.0.1, `2130706433` is 127.0.0.1 too).
    static func ipv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...4).contains(parts.count) else { return nil }
        var values: [UInt64] = []
        for part in parts {
            guard let value = number(part) else { return nil }
            values.append(value)
        }
        let leading = values.dropLast()
        guard leading.allSatisfy({ $0 <= 255 }), let last = values.last, last < (UInt64(1) << (8 * (5 - parts.count))) else { return nil }
        var bytes = leading.map { UInt8($0) }
        for shift in stride(from: 8 * (4 - bytes.count) - 8, through: 0, by: -8) { bytes.append(UInt8((last >> UInt64(shift)) & 0xFF)) }
        return bytes
    }

    private static func number(_ part: Substring) -> UInt64? {
        var digits = part
        var radix: UInt64 = 10
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            radix = 16
            digits = digits.dropFirst(2)
            if digits.isEmpty { return 0 }
        } else if digits.count > 1, digits.hasPrefix("0") {
            radix = 8
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.count <= 32 else { return nil }
        var value: UInt64 = 0
        for character in digits {
            guard let digit = character.hexDigitValue.map(UInt64.init), digit < radix else { return nil }
            value = value * radix + digit
            if value > UInt64(UInt32.max) { return nil }
        }
        return value
    }

    /// IPv6 (RFC 4291 text forms): up to eight hex groups, one `::`, a dotted IPv4 tail.
    static func ipv6(_ text: Substring) -> [UInt8]? {
        var halves = [""]
        var rest = text
        while let first = rest.first {
            if rest.hasPrefix("::") {
                halves.append("")
                rest = rest.dropFirst(2)
            } else {
                halves[halves.count - 1].append(first)
                rest = rest.dropFirst()
            }
        }
        guard halves.count <= 2 else { return nil }
        func groups(_ half: String, allowTail: Bool) -> [UInt8]? {
            guard !half.isEmpty else { return [] }
            var bytes: [UInt8] = []
            let fields = half.split(separator: ":", omittingEmptySubsequences: false)
            for (index, field) in fields.enumerated() {
                if field.contains("."), allowTail, index == fields.count - 1 {
                    guard field.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), field.split(separator: ".").count == 4,
                        let tail = ipv4(field)
                    else { return nil }
                    bytes += tail
                } else {
                    guard (1...4).contains(field.count), let value = UInt16(field, radix: 16) else { return nil }
                    bytes += [UInt8(value >> 8), UInt8(value & 0xFF)]
                }
            }
            return bytes
        }
        guard let head = groups(halves[0], allowTail: halves.count == 1) else { return nil }
        if halves.count == 1 { return head.count == 16 ? head : nil }
        guard let tail = groups(halves[1], allowTail: true), head.count + tail.count <= 14 else { return nil }
        return head + [UInt8](repeating: 0, count: 16 - head.count - tail.count) + tail
    }
}
