import Logging
import ServiceLifecycle
import ShiplogMacroSupport
import ShiplogModel
public import ShiplogSite
import Synchronization

/// The static site `serve --site DIR` keeps: which page, and how to build it.
@MemberwiseInit
public struct SiteConfiguration: Sendable {
    /// The page the site shows.
    public var page: String
    /// Build options (output directory, templates …).
    public var options: SiteOptions

    public var output: String { options.output }
}

/// Rebuilds the static site after changes: debounced (a burst of API calls makes one build),
/// incremental, and atomic (files are swapped in whole, so a page is never served half-written).
final class SiteRebuilder: Service, Sendable {
    let configuration: SiteConfiguration
    let snapshots: Snapshots
    let logger: Logger
    /// How long to wait for more changes before building.
    let delay: Duration
    private let pending: AsyncStream<Void>
    private let signal: AsyncStream<Void>.Continuation

    init(configuration: SiteConfiguration, snapshots: Snapshots, logger: Logger, delay: Duration = .milliseconds(200)) {
        self.configuration = configuration
        self.snapshots = snapshots
        self.logger = logger
        self.delay = delay
        (pending, signal) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks for a build when `page` is the site's page.
    func schedule(_ page: String) {
        if page == configuration.page { signal.yield() }
    }

    func scheduleAll() { signal.yield() }

    /// Builds once, now (at start-up).
    func buildNow() async throws {
        guard let snapshot = snapshots[configuration.page] else {
            logger.warning("the site's page \(configuration.page) is not in the store yet; the site is built once it is")
            return
        }
        let report = try await SiteBuilder(options: configuration.options).build(snapshot.data)
        logger.info("site built into \(configuration.output): \(report.files) files, \(report.written) written")
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            for await _ in pending {
                try? await Task.sleep(for: delay)
                do {
                    try await buildNow()
                } catch {
                    logger.error("site build failed (the previous site stays): \(error)")
                }
            }
        } onGracefulShutdown: {
            self.signal.finish()
        }
    }
}
