import Testing

@testable import ShiplogServer

/// Rate limits count an IPv6 client by its /64 (SPEC §6.2): one host can take a fresh address of its
/// /64 for every request, so counting addresses would not limit it at all.
@Suite struct ClientAddressTests {
    @Test(arguments: [
        ("192.0.2.7", "192.0.2.7"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
        ("2001:0db8:0001:0002:ffff:0:0:1", "2001:db8:1:2::/64"),
        ("::1", "0:0:0:0::/64"),
        ("::ffff:192.0.2.7", "192.0.2.7"),
        ("fe80::1%eth0", "fe80::1%eth0"),
        ("unknown", "unknown"),
    ])
    func key(address: String, expected: String) {
        #expect(ClientAddress.rateLimitKey(address) == expected)
    }

    @Test func addressesOfOneSlash64ShareAWindow() {
        let limiter = RateLimiter(limit: 2)
        let now = 1_800_000_000
        let first = ClientAddress.rateLimitKey("2001:db8:5:6::1")
        let second = ClientAddress.rateLimitKey("2001:db8:5:6::2")
        let third = ClientAddress.rateLimitKey("2001:db8:5:6:1234:5678:9abc:def0")
        let neighbour = ClientAddress.rateLimitKey("2001:db8:5:7::1")
        #expect(limiter.take(first, now: now).allowed)
        #expect(limiter.take(second, now: now).allowed)
        #expect(!limiter.take(third, now: now).allowed)
        #expect(limiter.take(neighbour, now: now).allowed)
    }
}
