import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Spreads CPU-bound work over every core with a task group, keeping results in input order.
///
/// One worker a core claims chunks of neighbouring items until none are left: neighbours (the
/// pages of one component) stay on one thread, which keeps threads out of each other's
/// directories, and uneven items even out, so no core waits long for the last one.
enum Parallel {
    /// How many neighbouring items a worker claims at a time, at most.
    static let chunk = 16

    /// How many neighbouring items a worker claims at a time from `count`: ``chunk``, or fewer
    /// when that would leave cores idle. A one-release rebuild of the 10k corpus renders eight
    /// pages (12 ms of CPU, the longest the component's search index with 5.5 ms): in one chunk
    /// of 16 they ran one after another on one core, 13 ms; spread over two cores, 4–5 ms, and the
    /// whole rebuild is 3 ms faster (medians of 50 alternated rebuilds, /dev/shm, 2026-12-07).
    static func chunk(of count: Int) -> Int {
        max(1, min(chunk, count / (ProcessInfoCores.count * 4)))
    }

    static func map<T: Sendable>(_ indices: Range<Int>, _ transform: @escaping @Sendable (Int) -> T) async -> [T] {
        guard indices.count > 64 else { return indices.map(transform) }
        let results = Results<T>(count: indices.count)
        await forEach(indices.count) { offset in
            results.store(transform(indices.lowerBound + offset), at: offset)
            return true
        }
        return results.collect()
    }

    static func mapThrowing<T: Sendable>(
        _ indices: Range<Int>,
        _ transform: @escaping @Sendable (Int) throws(SiteError) -> T
    ) async throws(SiteError) -> [T] {
        let results = Results<T>(count: indices.count)
        let failure = Mutex<SiteError?>(nil)
        await forEach(indices.count) { offset in
            do throws(SiteError) {
                results.store(try transform(indices.lowerBound + offset), at: offset)
                return true
            } catch {
                failure.withLock { $0 = $0 ?? error }
                return false
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        return results.collect()
    }

    /// Calls `body` with every offset below `count`, on every core, until one call returns false.
    ///
    /// Each worker starts on a stretch of the list of its own and claims chunks from it, then
    /// helps with the others' stretches. Taking chunks from one shared counter kept the two
    /// workers of a full build in the same component's folder, where every `mkdir` of one waited
    /// for the other's lock on the folder (4.5 % of an ext4 build's CPU spun there).
    private static func forEach(_ count: Int, _ body: @escaping @Sendable (Int) -> Bool) async {
        let chunk = chunk(of: count)
        let workers = min(ProcessInfoCores.count, (count + chunk - 1) / chunk)
        let claims = Claims(count: count, stretches: workers)
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<workers {
                group.addTask {
                    while !claims.stopped.load(ordering: .relaxed), let range = claims.claim(chunk, startingWith: worker) {
                        for offset in range where !body(offset) {
                            claims.stopped.store(true, ordering: .relaxed)
                            return
                        }
                    }
                }
            }
        }
    }

    /// The unclaimed offsets, as stretches of neighbours, and whether a worker failed.
    final class Claims: Sendable {
        /// One contiguous stretch of the offsets and the next unclaimed one in it.
        final class Stretch: Sendable {
            let next: Atomic<Int>
            let end: Int

            init(_ range: Range<Int>) {
                next = Atomic(range.lowerBound)
                end = range.upperBound
            }
        }

        let stretches: [Stretch]
        let stopped = Atomic<Bool>(false)

        init(count: Int, stretches: Int) {
            let parts = max(1, stretches)
            self.stretches = (0..<parts).map { Stretch(count * $0 / parts..<count * ($0 + 1) / parts) }
        }

        /// Up to `chunk` neighbouring offsets from the stretch `first`, or else from the next
        /// stretch that has any left; nil when none has.
        func claim(_ chunk: Int, startingWith first: Int) -> Range<Int>? {
            for step in stretches.indices {
                let stretch = stretches[(first + step) % stretches.count]
                let start = stretch.next.wrappingAdd(chunk, ordering: .relaxed).oldValue
                if start < stretch.end { return start..<min(start + chunk, stretch.end) }
            }
            return nil
        }
    }

    /// Results written by the workers, each slot by exactly one of them.
    ///
    /// `@unchecked Sendable`: every slot is written once, by the worker that claimed it, and read
    /// only after the task group that wrote it has finished.
    private final class Results<T>: @unchecked Sendable {
        private let slots: UnsafeMutableBufferPointer<T?>

        init(count: Int) {
            slots = .allocate(capacity: count)
            slots.initialize(repeating: nil)
        }

        deinit {
            slots.deinitialize()
            slots.deallocate()
        }

        func store(_ value: T, at offset: Int) { slots[offset] = value }

        /// The values in order; only once every slot was stored.
        func collect() -> [T] { slots.map { $0! } }
    }
}

/// The number of cores this process may use.
enum ProcessInfoCores {
    static let count: Int = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
}
