import Foundation
import HTTPTypes
import ShiplogMacroSupport
import Synchronization

/// A fixed one-minute window per identity: `limit` requests, then 429 until the window ends.
@MemberwiseInit
final class RateLimiter: Sendable {
    struct Decision {
        var allowed: Bool
        var remaining: Int
        var resetEpochSeconds: Int
        var retryAfterSeconds: Int
    }

    private struct Window {
        var start: Int
        var used: Int
    }

    let limit: Int
    private let windows = Mutex<[String: Window]>([:])

    func take(_ identity: String, now: Int = Int(Date().timeIntervalSince1970)) -> Decision {
        let minute = now - now % 60
        return windows.withLock { windows in
            if windows.count > 100_000 { windows = windows.filter { $0.value.start == minute } }
            var window = windows[identity] ?? Window(start: minute, used: 0)
            if window.start != minute { window = Window(start: minute, used: 0) }
            let allowed = window.used < limit
            if allowed { window.used += 1 }
            windows[identity] = window
            let reset = minute + 60
            return Decision(allowed: allowed, remaining: limit - window.used, resetEpochSeconds: reset, retryAfterSeconds: max(1, reset - now))
        }
    }
}

extension RateLimiter {
    /// The `X-RateLimit-*` headers of a decision.
    func headers(_ decision: Decision) -> HTTPFields {
        [
            .rateLimitLimit: String(limit),
            .rateLimitRemaining: String(decision.remaining),
            .rateLimitReset: String(decision.resetEpochSeconds),
        ]
    }
}

extension HTTPField.Name {
    static let rateLimitLimit = HTTPField.Name("X-RateLimit-Limit")!
    static let rateLimitRemaining = HTTPField.Name("X-RateLimit-Remaining")!
    static let rateLimitReset = HTTPField.Name("X-RateLimit-Reset")!
}
