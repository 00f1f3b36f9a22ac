import Foundation
import Logging
import ServiceLifecycle
import ShiplogStore

/// Removes sent mail and delivered webhook deliveries older than `keep` (`serve --keep-delivered`):
/// once at start, then every `interval`. Queued and failed rows always stay.
struct DeliveredPruner: Service {
    let store: any Store
    let keep: Duration
    var interval: Duration = .seconds(3600)
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await prune()
                try await Task.sleep(for: interval)
            }
        }
    }

    /// One pass; a failure is logged and tried again at the next.
    func prune() async {
        let cutoff = Int64(Date().timeIntervalSince1970) - keep.components.seconds
        do {
            let pruned = try await store.pruneDelivered(before: cutoff)
            if pruned.mails > 0 || pruned.webhookDeliveries > 0 {
                logger.notice(
                    "pruned \(pruned.mails) sent mails and \(pruned.webhookDeliveries) delivered webhook deliveries older than \(keep.components.seconds) s"
                )
            }
        } catch {
            // A store call cut short because the server stops is no error worth a line.
            if !Task.isCancelled { logger.error("cannot prune delivered mail and webhook deliveries: \(error)") }
        }
    }
}
