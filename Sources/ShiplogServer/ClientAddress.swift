import Foundation
import NIOCore

/// The identity under which rate limits count an anonymous client (SPEC §6.2): an IPv4 address as
/// it is, an IPv6 address by its /64 network, since one host usually holds a whole /64 and could
/// otherwise take a fresh address for every request. IPv4-mapped IPv6 addresses count as IPv4.
enum ClientAddress {
    /// The key of the client at the other end of `channel`.
    static func rateLimitKey(of channel: any Channel) -> String {
        rateLimitKey(channel.remoteAddress?.ipAddress ?? "unknown")
    }

    static func rateLimitKey(_ address: String) -> String {
        guard address.contains(":") else { return address }
        var bytes = in6_addr()
        guard inet_pton(AF_INET6, address, &bytes) == 1 else { return address }
        let octets = withUnsafeBytes(of: &bytes) { Array($0) }
        if octets[0..<10].allSatisfy({ $0 == 0 }) && octets[10] == 0xff && octets[11] == 0xff {
            return octets[12...].map(String.init).joined(separator: ".")
        }
        let groups = stride(from: 0, to: 8, by: 2).map { String(UInt16(octets[$0]) << 8 | UInt16(octets[$0 + 1]), radix: 16) }
        return groups.joined(separator: ":") + "::/64"
    }
}
