import Foundation
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

    /// A one-release rebuild renders a handful of pages: with more than one core they must not
    /// all wait for one worker. Each item here waits until another item has started, so the
    /// list only finishes quickly when two items run at once.
    @Test(.enabled(if: ProcessInfoCores.count > 1)) func fewSlowItemsRunAtOnce() async throws {
        let started = Atomic<Int>(0)
        let overlapped = Atomic<Bool>(false)
        _ = try await Parallel.mapThrowing(0..<8) { index in
            let mine = started.wrappingAdd(1, ordering: .relaxed).newValue
            let deadline = Date().addingTimeInterval(0.5)
            // Another item started after this one, while this one still runs.
            while Date() < deadline {
                if started.load(ordering: .relaxed) > mine {
                    overlapped.store(true, ordering: .relaxed)
                    break
                }
                usleep(200)
            }
            return index
        }
        let didOverlap = overlapped.load(ordering: .relaxed)
        #expect(didOverlap)
    }
}
