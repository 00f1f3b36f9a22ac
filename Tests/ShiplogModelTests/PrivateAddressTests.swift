import ShiplogModel
import Testing

/// The webhook address rules of SPEC §6.2: every spelling of a private address is one.
@Suite struct PrivateAddressTests {
    @Test(arguments: [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0x7F000001", "127.0.0.1"),
        ("0177.0.0.01", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("10.0.1", "10.0.0.1"),
        ("169.254.43518", "169.254.169.254"),
        ("0", "0.0.0.0"),
        ("[::1]", "::1"),
        ("::ffff:127.0.0.1", "::ffff:7f00:1"),
        ("[fe80::1%25eth0]", "fe80::1"),
        ("fe80::1%eth0", "fe80::1"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("1::", "1::"),
    ])
    func readsResolverForms(text: String, address: String) throws {
        #expect(try #require(IPAddress(text)).description == address)
    }

    @Test(arguments: [
        "256.0.0.1", "1.2.3.4.5", "0x100000000", "4294967296", "08.0.0.1", "1..2", "", "a.b", "1:2:3", ":::", "1::2::3", "[::1", "::ffff:1.2.3",
    ])
    func notAnAddress(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test(arguments: [
        "127.0.0.1", "127.255.255.254", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1",
        "100.127.255.255", "0.0.0.0", "224.0.0.1", "239.255.255.250", "255.255.255.255", "240.0.0.1", "192.0.0.192", "198.18.0.1",
        "::", "::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::127.0.0.1", "fc00::1", "fd00:ec2::254",
        "fe80::1", "febf::1", "fec0::1", "ff02::1", "64:ff9b::10.0.0.1", "64:ff9b:1::1", "2002:7f00:1::", "2002:a9fe:a9fe::1",
        "2001:db8::1", "100::1", "::ffff:0:127.0.0.1",
    ])
    func privateAddresses(text: String) throws {
        #expect(try #require(IPAddress(text)).privateUse != nil)
    }

    @Test(arguments: [
        "93.184.216.34", "8.8.8.8", "1.1.1.1", "172.15.255.255", "172.32.0.1", "100.63.255.255", "100.128.0.1", "169.253.1.1",
        "192.169.0.1", "2606:4700:4700::1111", "2a00:1450:4001:80e::200e", "::ffff:8.8.8.8", "64:ff9b::8.8.8.8", "2002:808:808::1",
    ])
    func publicAddresses(text: String) throws {
        #expect(try #require(IPAddress(text)).privateUse == nil)
    }

    @Test(arguments: [
        ("localhost", "localhost is a loopback name"),
        ("LOCALHOST.", "localhost is a loopback name"),
        ("api.localhost", "api.localhost is a loopback name"),
        ("metadata.google.internal", "metadata.google.internal is a cloud metadata service"),
        ("metadata", "metadata is a cloud metadata service"),
        ("db.corp.internal", "db.corp.internal is a private name (.internal)"),
        ("printer.local", "printer.local is a local network name"),
        ("2130706433", "127.0.0.1 is a loopback address"),
        ("0x7f.1", "127.0.0.1 is a loopback address"),
        ("10.0.0.1", "10.0.0.1 is a private (RFC 1918) address"),
        ("169.254.169.254", "169.254.169.254 is a link-local (169.254.0.0/16, where cloud metadata lives) address"),
        ("::1", "::1 is a loopback (::1) address"),
        ("::ffff:10.0.0.1", "::ffff:a00:1 is an IPv4-mapped private (RFC 1918) address"),
        ("127.0.0.1.", "127.0.0.1 is a loopback address"),
    ])
    func privateHosts(host: String, problem: String) {
        #expect(PrivateHostNames.problem(host) == problem)
    }

    @Test(arguments: ["hooks.example.com", "example.com.", "8.8.8.8", "2606:4700:4700::1111", "internal.example.com", "localhost.example.com"])
    func hostsLeftToResolution(host: String) {
        #expect(PrivateHostNames.problem(host) == nil)
    }
}
