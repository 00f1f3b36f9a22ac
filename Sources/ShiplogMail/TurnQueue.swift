import Synchronization

/// Lets async callers take turns: one holds the turn at a time, the others wait and get it in
/// the order they asked (first come, first served). Both ``SMTPConnection`` (one exchange of
/// commands at a time) and ``SMTPSender`` (one message at a time) use it, because an actor alone
/// lets another call run while one awaits.
///
/// ```swift
/// await turns.acquire()
/// defer { turns.release() }
/// ```
final class TurnQueue: Sendable {
    private struct State {
        var busy = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    init() {}

    /// Returns once the caller holds the turn; every call must be followed by one ``release()``.
    func acquire() async {
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
    var waitingCount: Int { state.withLock { $0.waiting.count } }

    /// Hands the turn to the caller that waited longest, or frees it.
    func release() {
        let next: CheckedContinuation<Void, Never>? = state.withLock { state in
            guard !state.waiting.isEmpty else {
                state.busy = false
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
