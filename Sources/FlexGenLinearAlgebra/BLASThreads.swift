import CLAPACK

extension BLAS {
    /// The number of threads OpenBLAS uses inside one BLAS call (process-wide). Debian's
    /// `libopenblas0-pthread` starts with one per core unless `OPENBLAS_NUM_THREADS` says otherwise.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// Runs `body` with OpenBLAS limited to `threads` threads per call, then restores the previous
    /// count (also when `body` throws).
    ///
    /// Why: a caller that runs BLAS from several threads of its own (the calibration's worker pool)
    /// wants one core per worker; letting each call fan out over every core as well
    /// oversubscribes them. The setting is process-wide, so concurrent callers of this function
    /// must agree on `threads`. Precondition: `threads ≥ 1`.
    public static func withThreadCount<T>(_ threads: Int, _ body: () throws -> T) rethrows -> T {
        try scoped(threads, get: { Int(openblas_get_num_threads()) }, set: { openblas_set_num_threads(Int32($0)) }, body)
    }

    /// The save–set–restore of `withThreadCount` over any setting (the tests use a fake one: the
    /// real setting is process-wide and parallel tests would race on it).
    static func scoped<T>(_ value: Int, get: () -> Int, set: (Int) -> Void, _ body: () throws -> T) rethrows -> T {
        precondition(value >= 1, "BLAS.withThreadCount: threads must be ≥ 1")
        let previous = get()
        set(value)
        defer { set(previous) }
        return try body()
    }
}
