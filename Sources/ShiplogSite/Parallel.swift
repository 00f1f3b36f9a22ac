#if canImport(Glibc)
import Glibc
#endif

/// Spreads CPU-bound work over every core with a task group, keeping results in input order.
///
/// Work is cut into contiguous runs, a few per core: neighbouring items (the pages of one
/// component) stay on one thread, which keeps threads out of each other's directories.
enum Parallel {
    /// How many runs work is cut into: a few per core, so that uneven items even out.
    static var slices: Int { max(1, ProcessInfoCores.count * 4) }

    static func map<T: Sendable>(_ indices: Range<Int>, _ transform: @escaping @Sendable (Int) -> T) async -> [T] {
        guard indices.count > 64 else { return indices.map(transform) }
        let runs = runs(indices)
        return await withTaskGroup(of: (Int, [T]).self) { group in
            for (slice, run) in runs.enumerated() {
                group.addTask { (slice, run.map(transform)) }
            }
            var parts = [[T]](repeating: [], count: runs.count)
            for await (slice, values) in group { parts[slice] = values }
            return parts.flatMap { $0 }
        }
    }

    static func mapThrowing<T: Sendable>(
        _ indices: Range<Int>,
        _ transform: @escaping @Sendable (Int) throws(SiteError) -> T
    ) async throws(SiteError) -> [T] {
        let runs = runs(indices)
        let outcome = await withTaskGroup(of: (Int, Result<[T], SiteError>).self) { group in
            for (slice, run) in runs.enumerated() {
                group.addTask {
                    var results: [T] = []
                    results.reserveCapacity(run.count)
                    for index in run {
                        do throws(SiteError) {
                            results.append(try transform(index))
                        } catch {
                            return (slice, .failure(error))
                        }
                    }
                    return (slice, .success(results))
                }
            }
            var parts = [[T]](repeating: [], count: runs.count)
            var failure: SiteError? = nil
            for await (slice, result) in group {
                switch result {
                case .success(let values): parts[slice] = values
                case .failure(let error): failure = failure ?? error
                }
            }
            return failure.map { Result<[T], SiteError>.failure($0) } ?? .success(parts.flatMap { $0 })
        }
        return try outcome.get()
    }

    /// `indices` cut into up to ``slices`` contiguous runs of nearly equal length.
    private static func runs(_ indices: Range<Int>) -> [Range<Int>] {
        let count = max(1, min(slices, indices.count))
        return (0..<count).map { slice in
            indices.lowerBound + indices.count * slice / count..<indices.lowerBound + indices.count * (slice + 1) / count
        }
    }
}

/// The number of cores this process may use.
enum ProcessInfoCores {
    static let count: Int = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
}
