import Dispatch

/// A list cut into contiguous slices that run at once on every core: the one fan-out of the
/// parsing and decoding path (the big JSON array, the releases, the other long lists).
///
/// A slice is a range of neighbouring items, so each thread reads its own stretch of the file,
/// and results are put back together in slice order, which keeps the order of items and of the
/// problems they report whatever the number of cores.
///
/// ```swift
/// let slices = Slices(count: elements.count, parallelFrom: 1024)
/// slices.run { slice in for item in slices.range(slice) { … } }
/// ```
struct Slices: Sendable {
    /// How many slices a long list is cut into: more than the cores of a CI machine, so a slow
    /// slice does not hold the others back for long.
    static let parallel = 8

    /// How many items there are.
    let count: Int
    /// How many slices they are cut into: one when the list is shorter than `parallelFrom`.
    let slices: Int

    init(count: Int, parallelFrom long: Int) {
        self.count = count
        slices = count < long ? 1 : Self.parallel
    }

    /// The items of `slice`.
    func range(_ slice: Int) -> Range<Int> { count * slice / slices..<count * (slice + 1) / slices }

    /// Calls `work` with every slice, on every core; in the calling thread when there is one slice.
    func run(_ work: @Sendable (Int) -> Void) {
        if slices == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: slices, execute: work) }
    }
}
