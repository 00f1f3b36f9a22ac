import Testing

@testable import ShiplogSite

@Suite struct SitePlanTests {
    /// Picking the first few gives what sorting everything and taking a prefix gives.
    @Test(arguments: [0, 1, 3, 20, 50, 500])
    func firstFewAreThePrefixOfTheSortedList(limit: Int) {
        var generator = SystemRandomNumberGenerator()
        for count in [0, 1, 5, 49, 50, 51, 1000] {
            let values = (0..<count).map { _ in Int.random(in: 0..<40, using: &generator) }
            // Equal values are ordered by position, as the catalog's orders are.
            let precedes = { (a: Int, b: Int) in values[a] != values[b] ? values[a] > values[b] : a < b }
            let indices = Array(values.indices.shuffled(using: &generator))
            #expect(SitePlan.first(limit, of: indices, by: precedes) == Array(indices.sorted(by: precedes).prefix(limit)))
        }
    }
}
