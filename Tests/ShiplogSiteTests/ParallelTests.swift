import Synchronization
import Testing

@testable import ShiplogSite

/// The fan-out of a build's pages: every item once, results in input order, and a short list
/// spread over the cores instead of run in one chunk.
@Suite struct ParallelTests {
    @Test func everyItemOnceInInputOrder() async throws {
        for count in [0, 1, 7, 8, 65, 1000, 10_245] {
            let calls = Mutex([Int](repeating: 0, count: count))
            let results = try await Parallel.mapThrowing(0..<count) { index in
                calls.withLock { $0[index] += 1 }
                return index * 3
            }
            #expect(results == (0..<count).map { $0 * 3 })
            #expect(calls.withLock { $0 }.allSatisfy { $0 == 1 })
        }
    }

    @Test func chunksShrinkForShortListsOnly() {
        #expect(Parallel.chunk(of: 1) == 1)
        #expect(Parallel.chunk(of: 4 * ProcessInfoCores.count) == 1)
        #expect(Parallel.chunk(of: 10_245) == Parallel.chunk)
    }

    /// Two workers start far apart (in different folders of the site), each keeps to its own
    /// stretch, and one whose stretch is done takes from the other's: every offset once.
    @Test func workersStartOnStretchesOfTheirOwnAndHelpEachOther() {
        let claims = Parallel.Claims(count: 100, stretches: 2)
        #expect(claims.claim(16, startingWith: 0) == 0..<16)
        #expect(claims.claim(16, startingWith: 1) == 50..<66)
        #expect(claims.claim(16, startingWith: 1) == 66..<82)
        #expect(claims.claim(16, startingWith: 1) == 82..<98)
        #expect(claims.claim(16, startingWith: 1) == 98..<100)
        // Worker 1's stretch is done: it helps with worker 0's.
        #expect(claims.claim(16, startingWith: 1) == 16..<32)
        var rest: [Range<Int>] = []
        while let range = claims.claim(16, startingWith: 0) { rest.append(range) }
        #expect(rest == [32..<48, 48..<50])
        #expect(claims.claim(16, startingWith: 1) == nil)
    }
}
