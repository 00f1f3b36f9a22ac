import Synchronization
import Testing

@testable import ShiplogModel

/// What the callers of a turn queue saw, shared between tasks.
private final class Record: Sendable {
    let log = Mutex<[String]>([])
    let inside = Mutex(0)
}

/// The turn queue that the SMTP connection and sender and the server's write path share.
@Suite struct TurnQueueTests {
    @Test func oneTurnAtATimeInArrivalOrder() async throws {
        let turns = TurnQueue()
        let record = Record()
        await turns.acquire()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<20 {
                group.addTask {
                    await turns.acquire()
                    defer { turns.release() }
                    let holders = record.inside.withLock { count in
                        count += 1
                        return count
                    }
                    #expect(holders == 1)
                    record.log.withLock { $0.append("start \(index)") }
                    await Task.yield()
                    record.log.withLock { $0.append("end \(index)") }
                    record.inside.withLock { $0 -= 1 }
                }
                // Each waiter is queued before the next one is started, so the order is known.
                while turns.waitingCount < index + 1 { await Task.yield() }
            }
            turns.release()
            try await group.waitForAll()
        }
        #expect(record.log.withLock { $0 } == (0..<20).flatMap { ["start \($0)", "end \($0)"] })
    }

    @Test func aFreeTurnIsTakenAtOnce() async {
        let turns = TurnQueue()
        await turns.acquire()
        turns.release()
        await turns.acquire()
        #expect(turns.waitingCount == 0)
        turns.release()
    }
}
