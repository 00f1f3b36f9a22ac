import Foundation
import NIOCore
import ShiplogModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a webhook may connect (SPEC §6.2): never to a loopback, private, link-local, unspecified,
/// multicast, shared or metadata address, whatever the URL spells or its name resolves to. Checked
/// when a webhook is registered and again before each delivery, because DNS can change; a delivery
/// then connects only to the address that was checked.
enum WebhookTarget {
    /// Why a delivery may not go out.
    struct Refusal: Error, CustomStringConvertible {
        var description: String
    }

    /// The host the HTTP client connects to, read from the URL exactly as it does (Foundation's
    /// `URL`, IPv6 brackets trimmed).
    static func host(of url: String) -> String? {
        guard let host = URL(string: url)?.host, !host.isEmpty else { return nil }
        return host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    }

    /// Why a webhook with this URL may not be registered, or nil. A name that does not resolve
    /// now is taken (its DNS may not be set up yet): each delivery checks it again.
    static func registrationProblem(_ url: String) async -> String? {
        guard let host = host(of: url) else { return "\(JSONWriter.quoted(url)) has no host the server can call" }
        if let problem = PrivateHostNames.problem(host) { return problem + Self.hint }
        guard IPAddress(host) == nil else { return nil }
        return privateResolution(host, await resolve(host)).map { $0 + Self.hint }
    }

    /// The host-to-address override that makes the HTTP client connect to a checked address:
    /// empty when the URL holds an address (checked here), else the name mapped to one of its
    /// addresses, every one of which was checked.
    static func connection(for url: String) async throws(Refusal) -> [String: String] {
        guard let host = host(of: url) else { throw Refusal(description: "the URL has no host") }
        if let problem = PrivateHostNames.problem(host) { throw Refusal(description: "refused: " + problem + hint) }
        if (try? SocketAddress(ipAddress: host, port: 0)) != nil { return [:] }
        let addresses = await resolve(host)
        guard let first = addresses.first else { throw Refusal(description: "cannot resolve \(host)") }
        if let problem = privateResolution(host, addresses) { throw Refusal(description: "refused: " + problem + hint) }
        return [host: first.description]
    }

    static let hint = "; webhooks may only call public addresses (serve --allow-private-webhooks lifts this for local setups)"

    private static func privateResolution(_ host: String, _ addresses: [IPAddress]) -> String? {
        for address in addresses {
            if let use = address.privateUse { return "\(host) resolves to \(address), \(PrivateHostNames.article(use)) address" }
        }
        return nil
    }

    /// Every address `getaddrinfo` gives for `host` (empty when it gives none), looked up on a
    /// thread of its own so that a slow DNS server never holds up the server's tasks.
    static func resolve(_ host: String) async -> [IPAddress] {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: lookUp(host)) }
        }
    }

    private static func lookUp(_ host: String) -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0 else { return [] }
        defer { freeaddrinfo(list) }
        var addresses: [IPAddress] = []
        var entry = list
        while let info = entry?.pointee {
            entry = info.ai_next
            guard let socketAddress = info.ai_addr else { continue }
            var bytes: [UInt8] = []
            switch Int32(socketAddress.pointee.sa_family) {
            case AF_INET:
                socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                    var raw = $0.pointee.sin_addr
                    bytes = withUnsafeBytes(of: &raw) { Array($0) }
                }
            case AF_INET6:
                socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    var raw = $0.pointee.sin6_addr
                    bytes = withUnsafeBytes(of: &raw) { Array($0) }
                }
            default: continue
            }
            if let address = IPAddress(bytes: bytes), !addresses.contains(address) { addresses.append(address) }
        }
        return addresses
    }
}
