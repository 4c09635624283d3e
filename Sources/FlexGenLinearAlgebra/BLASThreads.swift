import CLAPACK
import Foundation  // NSLock

extension BLAS {
    /// The number of threads OpenBLAS uses inside one BLAS call (process-wide). Debian's
    /// `libopenblas0-pthread` starts with one per core unless `OPENBLAS_NUM_THREADS` says otherwise.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// Runs `body` with OpenBLAS limited to `threads` threads per call; when the last such scope
    /// ends, the count it found is restored (also when `body` throws).
    ///
    /// Why: a caller that runs BLAS from several threads of its own (the calibration's worker pool)
    /// wants one core per worker; letting each call fan out over every core as well
    /// oversubscribes them. The setting is process-wide, so scopes that overlap in time (two
    /// calibrations in one process, e.g. parallel tests) share one: the first sets it, the last
    /// restores it, and none restores it under another that is still running (which would let
    /// that one's products switch to another thread split half-way, and with it their rounding).
    /// An overlapping scope that asks for another count gets the first scope's. Precondition: `threads ≥ 1`.
    public static func withThreadCount<T>(_ threads: Int, _ body: () throws -> T) rethrows -> T {
        try openBLASThreads.withValue(threads, body)
    }

    private static let openBLASThreads = ScopedSetting(get: { Int(openblas_get_num_threads()) },
                                                       set: { openblas_set_num_threads(Int32($0)) })
}

/// A process-wide setting changed for the duration of possibly overlapping scopes: the first scope
/// to enter saves the current value and sets its own, later overlapping scopes keep it, and the
/// last to leave restores the saved value. Tests drive it with a fake setting.
final class ScopedSetting: @unchecked Sendable {
    private let lock = NSLock()
    private let get: () -> Int
    private let set: (Int) -> Void
    private var depth = 0
    private var saved = 0

    init(get: @escaping () -> Int, set: @escaping (Int) -> Void) {
        self.get = get
        self.set = set
    }

    func withValue<T>(_ value: Int, _ body: () throws -> T) rethrows -> T {
        precondition(value >= 1, "BLAS.withThreadCount: threads must be ≥ 1")
        lock.lock()
        if depth == 0 {
            saved = get()
            set(value)
        }
        depth += 1
        lock.unlock()
        defer {
            lock.lock()
            depth -= 1
            if depth == 0 { set(saved) }
            lock.unlock()
        }
        return try body()
    }
}
