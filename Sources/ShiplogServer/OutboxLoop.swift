import Foundation
import ServiceLifecycle
import ShiplogStore

/// The loop of a delivery service (mail, webhooks): runs a step again at once while it makes
/// progress, else waits for a poke or the next second (retries come due, other processes queue
/// work). Stops on graceful shutdown, and at once when its task is cancelled (it never spins).
///
/// Replicas on one store share its outbox (SPEC §8): each step claims what it delivers for
/// ``lease`` seconds, and starts a delivery only while at least half of the lease is left, so a
/// delivery has that half to finish before another replica may take the item over.
final class OutboxLoop: Sendable {
    /// Seconds a claim lasts.
    let lease: Int64
    private let wake: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init(lease: Int64 = ServerConfiguration.defaultOutboxLease) {
        self.lease = lease
        (wake, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// A lease that starts now.
    func newLease() -> OutboxLease {
        OutboxLease(owner: Replica.current.description, until: Int64(Date().timeIntervalSince1970) + lease)
    }

    /// Whether a delivery may still start under `claim`: at least half of the lease is left.
    func mayStart(under claim: OutboxLease) -> Bool {
        Date().timeIntervalSince1970 < Double(claim.until) - Double(lease) / 2
    }

    /// Looks at the outbox now rather than at the next tick.
    func poke() { continuation.yield() }

    /// Runs `step` (true: there may be more to do at once) until shutdown.
    func run(_ step: () async -> Bool) async {
        let continuation = self.continuation
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                continuation.yield()
            }
        }
        defer { ticker.cancel() }
        await withGracefulShutdownHandler {
            var iterator = wake.makeAsyncIterator()
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                if await !step() { _ = await iterator.next() }
            }
        } onGracefulShutdown: {
            continuation.finish()
        }
    }
}
