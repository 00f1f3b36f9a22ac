import Testing

@testable import ShiplogModel

/// The digest table the release memo finds releases in: what it stores it finds again, whatever
/// the digests' first words, and through its growth.
@Suite struct DigestTableTests {
    static func digest(_ number: Int) -> Digest {
        var fingerprint = Fingerprint("test")
        fingerprint.add(number)
        return fingerprint.finalize()
    }

    @Test func findsWhatItStoresAcrossGrowth() {
        var table = DigestTable()
        for number in 0..<5000 { table.insert(number * 3, for: Self.digest(number)) }
        #expect(table.count == 5000)
        #expect((0..<5000).allSatisfy { table[Self.digest($0)] == $0 * 3 })
        #expect(table[Self.digest(5000)] == nil)
        #expect(Set(table.pairs.map(\.1)) == Set((0..<5000).map { $0 * 3 }))
    }

    @Test func aDigestStoredAgainIsReplacedNotAdded() {
        var table = DigestTable(capacity: 4)
        table.insert(1, for: Self.digest(1))
        table.insert(2, for: Self.digest(1))
        #expect(table.count == 1)
        #expect(table[Self.digest(1)] == 2)
    }

    @Test func digestsThatShareTheirFirstWordAreToldApart() {
        var table = DigestTable()
        let first = Digest(words: (7, 1))
        let second = Digest(words: (7, 2))
        let third = Digest(words: (7 + 16, 3))
        table.insert(10, for: first)
        table.insert(20, for: second)
        table.insert(30, for: third)
        #expect(table[first] == 10)
        #expect(table[second] == 20)
        #expect(table[third] == 30)
        #expect(table[Digest(words: (7, 3))] == nil)
        #expect(table.count == 3)
    }
}
