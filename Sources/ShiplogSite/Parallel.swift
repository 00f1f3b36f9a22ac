/// Spreads CPU-bound work over every core with a task group, keeping results in input order.
enum Parallel {
    /// How many slices work is cut into: a few per core, so that uneven items even out.
    static var slices: Int { max(1, ProcessInfoCores.count * 4) }

    static func map<T: Sendable>(_ indices: Range<Int>, _ transform: @escaping @Sendable (Int) -> T) async -> [T] {
        let count = indices.count
        guard count > 64 else { return indices.map(transform) }
        let slices = min(Self.slices, count)
        return await withTaskGroup(of: (Int, [T]).self) { group in
            for slice in 0..<slices {
                group.addTask {
                    (slice, Array(stride(from: indices.lowerBound + slice, to: indices.upperBound, by: slices)).map(transform))
                }
            }
            var parts: [(Int, [T])] = []
            for await part in group { parts.append(part) }
            return gather(parts, count: count, slices: slices)
        }
    }

    static func mapThrowing<T: Sendable>(_ indices: Range<Int>, _ transform: @escaping @Sendable (Int) throws(SiteError) -> T) async throws(SiteError) -> [T] {
        let count = indices.count
        let slices = max(1, min(Self.slices, count))
        let outcome = await withTaskGroup(of: (Int, Result<[T], SiteError>).self) { group in
            for slice in 0..<slices {
                group.addTask {
                    var results: [T] = []
                    for index in stride(from: indices.lowerBound + slice, to: indices.upperBound, by: slices) {
                        do throws(SiteError) {
                            results.append(try transform(index))
                        } catch {
                            return (slice, .failure(error))
                        }
                    }
                    return (slice, .success(results))
                }
            }
            var parts: [(Int, [T])] = []
            var failure: SiteError? = nil
            for await (slice, result) in group {
                switch result {
                case .success(let values): parts.append((slice, values))
                case .failure(let error): failure = failure ?? error
                }
            }
            return failure.map { Result<[(Int, [T])], SiteError>.failure($0) } ?? .success(parts)
        }
        return gather(try outcome.get(), count: count, slices: slices)
    }

    /// Interleaves the slices back: slice `s` holds items `s`, `s + slices`, ….
    private static func gather<T>(_ parts: [(Int, [T])], count: Int, slices: Int) -> [T] {
        var ordered = [[T]](repeating: [], count: slices)
        for (slice, values) in parts { ordered[slice] = values }
        var result: [T] = []
        result.reserveCapacity(count)
        for position in 0..<count {
            let values = ordered[position % slices]
            result.append(values[position / slices])
        }
        return result
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// The number of cores this process may use.
enum ProcessInfoCores {
    static let count: Int = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
}
