import Synchronization

/// Holds one page load, once armed with `holdNext`, until `release` lets it answer: the tests that
/// race a reload against a write hold it between what it read and what it installs.
final class LoadGate: Sendable {
    private let armed = Mutex(false)
    private let held = Mutex<CheckedContinuation<Void, Never>?>(nil)

    /// Makes the next load that passes the gate wait there.
    func holdNext() { armed.withLock { $0 = true } }

    /// Passes at once, or (the first time after `holdNext`) waits for `release`.
    func pass() async {
        if armed.withLock({ armed in
            defer { armed = false }
            return armed
        }) {
            await withCheckedContinuation { continuation in held.withLock { $0 = continuation } }
        }
    }

    /// Whether a load waits at the gate.
    var isHolding: Bool { held.withLock { $0 != nil } }

    /// Waits until a load is held, then lets it answer.
    func release() async {
        while true {
            if let continuation = held.withLock({ held in
                defer { held = nil }
                return held
            }) {
                continuation.resume()
                return
            }
            await Task.yield()
        }
    }
}
