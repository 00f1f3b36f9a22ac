import ServiceLifecycle

/// The loop of a delivery service (mail, webhooks): runs a step again at once while it makes
/// progress, else waits for a poke or the next second (retries come due, other processes queue
/// work). Stops on graceful shutdown, and at once when its task is cancelled (it never spins).
final class OutboxLoop: Sendable {
    private let wake: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() {
        (wake, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
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
