/// What a webhook may not call (SPEC §6.2): loopback, private, link-local, unspecified, multicast,
/// shared (CGNAT), reserved and metadata addresses, in every spelling — unless the server was
/// started with `--allow-private-webhooks`.
extension IPAddress {
    /// Why a webhook may not call this address ("loopback", "private (RFC 1918)" …), or nil for a public one.
    public var privateUse: String? {
        isIPv4 ? Self.ipv4PrivateUse(bytes) : Self.ipv6PrivateUse(bytes)
    }

    static func ipv4PrivateUse(_ b: [UInt8]) -> String? {
        switch (b[0], b[1], b[2]) {
        case (0, _, _): "unspecified (0.0.0.0/8)"
        case (10, _, _): "private (RFC 1918)"
        case (127, _, _): "loopback"
        case (169, 254, _): "link-local (169.254.0.0/16, where cloud metadata lives)"
        case (172, 16...31, _), (192, 168, _): "private (RFC 1918)"
        case (100, 64...127, _): "shared address space (CGNAT, 100.64.0.0/10)"
        case (192, 0, 0): "IETF protocol assignments (192.0.0.0/24)"
        case (192, 0, 2), (198, 51, 100), (203, 0, 113): "documentation"
        case (198, 18...19, _): "benchmarking (198.18.0.0/15)"
        case (224...239, _, _): "multicast"
        case (240...255, _, _): "reserved (240.0.0.0/4 and broadcast)"
        default: nil
        }
    }

    static func ipv6PrivateUse(_ b: [UInt8]) -> String? {
        let embedded = Array(b[12...])
        if b[0..<15].allSatisfy({ $0 == 0 }) {
            return b[15] == 0 ? "unspecified (::)" : b[15] == 1 ? "loopback (::1)" : "IPv4-compatible " + (ipv4PrivateUse(embedded) ?? "(deprecated)")
        }
        if b[0..<10].allSatisfy({ $0 == 0 }), b[10] == 0xFF, b[11] == 0xFF {
            return ipv4PrivateUse(embedded).map { "IPv4-mapped " + $0 }
        }
        if b[0..<12].allSatisfy({ $0 == 0 }) { return "IPv4-compatible " + (ipv4PrivateUse(embedded) ?? "(deprecated)") }
        if b[0..<8].allSatisfy({ $0 == 0 }), b[8] == 0xFF, b[9] == 0xFF, b[10] == 0, b[11] == 0 {
            return ipv4PrivateUse(embedded).map { "IPv4-translated " + $0 }
        }
        if b[0..<12] == [0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0] { return ipv4PrivateUse(embedded).map { "NAT64 " + $0 } }
        if b[0..<6] == [0, 0x64, 0xFF, 0x9B, 0, 1] { return "local-use NAT64 (64:ff9b:1::/48)" }
        if b[0] == 0x20, b[1] == 0x02 { return ipv4PrivateUse(Array(b[2..<6])).map { "6to4 " + $0 } }
        if b[0..<8] == [1, 0, 0, 0, 0, 0, 0, 0] { return "discard-only (100::/64)" }
        if b[0..<4] == [0x20, 0x01, 0x0D, 0xB8] { return "documentation (2001:db8::/32)" }
        switch (b[0], b[1] & 0xC0) {
        case (0xFC...0xFD, _): return "private (unique local, fc00::/7)"
        case (0xFE, 0x80): return "link-local (fe80::/10)"
        case (0xFE, 0xC0): return "site-local (fec0::/10)"
        case (0xFF, _): return "multicast"
        default: return nil
        }
    }
}

/// Host names a webhook may not call whatever they resolve to.
public enum PrivateHostNames {
    /// Cloud metadata services by name.
    public static let metadata: Set<String> = ["metadata", "metadata.google.internal", "metadata.goog", "instance-data", "metadata.azure.com"]

    /// Why a webhook may not call `host` (a name or an address in any form), or nil when only
    /// resolving it can tell. The name is compared without case and without a final dot.
    public static func problem(_ host: String) -> String? {
        if let address = IPAddress(host) ?? (host.hasSuffix(".") ? IPAddress(String(host.dropLast())) : nil) {
            return address.privateUse.map { "\(address) is \(article($0)) address" }
        }
        var name = host.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        if name.isEmpty { return "the host is empty" }
        if name == "localhost" || name.hasSuffix(".localhost") { return "\(name) is a loopback name" }
        if metadata.contains(name) { return "\(name) is a cloud metadata service" }
        if name.hasSuffix(".internal") { return "\(name) is a private name (.internal)" }
        if name.hasSuffix(".local") || name.hasSuffix(".localdomain") { return "\(name) is a local network name" }
        if name.contains("%") { return "the host must not be percent-encoded" }
        return nil
    }

    /// `use` after "a" or "an", as English wants it.
    public static func article(_ use: String) -> String {
        "aeiouAEIOU".contains(use.first ?? "x") ? "an \(use)" : "a \(use)"
    }
}
