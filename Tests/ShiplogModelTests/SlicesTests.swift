import Synchronization
import Testing

@testable import ShiplogModel

/// The one fan-out of parsing and decoding: a list cut into contiguous slices that cover every
/// item once, in order, run at once when the list is long.
@Suite struct SlicesTests {
    @Test(arguments: [0, 1, 7, 8, 9, 1023, 1024, 10_001])
    func slicesCoverEveryItemOnceInOrder(count: Int) {
        let slices = Slices(count: count, parallelFrom: 1024)
        #expect(slices.slices == (count < 1024 ? 1 : Slices.parallel))
        let covered = (0..<slices.slices).flatMap { Array(slices.range($0)) }
        #expect(covered == Array(0..<count))
    }

    @Test func everySliceRunsOnceAndResultsKeepTheirOrder() {
        let slices = Slices(count: 5000, parallelFrom: 1024)
        let parts = Mutex([[Int]](repeating: [], count: slices.slices))
        let calls = Atomic<Int>(0)
        slices.run { slice in
            calls.add(1, ordering: .relaxed)
            let part = slices.range(slice).map { $0 * 2 }
            parts.withLock { $0[slice] = part }
        }
        #expect(calls.load(ordering: .relaxed) == slices.slices)
        #expect(parts.withLock { $0.flatMap { $0 } } == (0..<5000).map { $0 * 2 })
    }

    @Test func aShortListRunsInTheCallingThreadAsOneSlice() {
        let slices = Slices(count: 10, parallelFrom: 1024)
        let ran = Mutex([Int]())
        slices.run { slice in ran.withLock { $0.append(slice) } }
        #expect(ran.withLock { $0 } == [0])
        #expect(slices.range(0) == 0..<10)
    }
}
