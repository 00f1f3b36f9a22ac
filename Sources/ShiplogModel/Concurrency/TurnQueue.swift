import Synchronization

/// Lets async callers take turns: one holds the turn at a time, the others wait and get it in
/// the order they asked (first come, first served). An actor alone lets another call run while
/// one awaits; this does not. `SMTPConnection` (one exchange of commands at a time),
/// `SMTPSender` (one message at a time) and the server's write path (one store write and
/// snapshot update at a time) use it.
///
/// ```swift
/// await turns.acquire()
/// defer { turns.release() }
/// ```
public final class TurnQueue: Sendable {
    private struct State {
        var busy = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    public init() {}

    /// Returns once the caller holds the turn; every call must be followed by one ``release()``.
    public func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state in
                if state.busy {
                    state.waiting.append(continuation)
                    return false
                }
                state.busy = true
                return true
            }
            if now { continuation.resume() }
        }
    }

    /// How many callers wait for the turn (for tests).
    public var waitingCount: Int { state.withLock { $0.waiting.count } }

    /// Hands the turn to the caller that waited longest, or frees it.
    public func release() {
        let next: CheckedContinuation<Void, Never>? = state.withLock { state in
            guard !state.waiting.isEmpty else {
                state.busy = false
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }

    /// Runs `body` holding the turn.
    public func run<T: Sendable, E: Error>(_ body: () async throws(E) -> T) async throws(E) -> T {
        await acquire()
        defer { release() }
        return try await body()
    }
}
