import FlexGenConcurrency
/// Settings of the allocation layer (`AllocationSolver`): compute, band, power and time for fixed
/// configurations. Every field has a documented default;
/// `validate()` rejects values that make no sense (thrown as `SolverError.invalidSettings`).
public struct AllocationSettings: Sendable, Hashable {
    /// Relative duality gap (energy − lower bound)/energy at or below which a solution is `optimal`.
    /// Default 1e-9: the allocation's dual is smooth and Newton converges quadratically, so the gap
    /// reaches rounding level (~1e-12) long before this; 1e-9 leaves room for large K.
    public var gapTolerance: Double = 1e-9
    /// Relative market-clearing tolerance of the price search: |Σf/F' − 1| and |Σb/B' − 1| where a
    /// budget is priced. Default 1e-13, below `budgetMargin` so a converged allocation fits strictly.
    public var clearingTolerance: Double = 1e-13
    /// Fraction of each budget held back (the price search clears F·(1 − margin) and B·(1 − margin)),
    /// so that rounding in the sums can never push Σf above F or Σb above B. Default 1e-12; its cost
    /// is an energy increase of the same relative order, far below `gapTolerance`.
    public var budgetMargin: Double = 1e-12
    /// Price (outer) iterations allowed. Default 100; a typical solve needs 5–15.
    public var maxPriceIterations: Int = 100
    /// Split (inner, per client) iterations allowed. Default 200; Newton needs 3–8 from a warm start,
    /// bisection on a bracket spanning all doubles needs at most ~130.
    public var maxSplitIterations: Int = 200
    /// Wall-clock limit (s) checked between price iterations. Default +∞ (no limit).
    public var timeLimitS: Double = .infinity
    /// Whether an infeasible problem gets the exact budget-scale diagnosis (a 1-D monotone search
    /// on the compute/bandwidth frontier; roughly 40 extra sweeps over the clients). Default true.
    public var diagnoseInfeasibility: Bool = true
    /// Cooperative cancellation: checked with the time limit between price iterations (and by the
    /// decomposition between its iterations); once stopped, the solve ends as at the time limit.
    /// Default nil (never stopped early). The async entry points (`Async/`) set it.
    public var stopSignal: StopSignal? = nil
    /// Prices to start the search from (warm start), e.g. the previous frame's in `FramePlanner`.
    /// Default nil: the scale-aware cold start. Only where the search starts changes: λ seeds the
    /// phase that tests μ = 0 (which still runs, so a slack compute budget is still found exactly),
    /// and μ seeds Newton when the compute budget binds. The converged prices solve the same
    /// market-clearing equations, so the allocation agrees with a cold start to within the
    /// clearing tolerance (docs/online.md, "Warm start"). A non-positive or non-finite entry is
    /// ignored (that price starts cold).
    public var initialPrices: InitialPrices? = nil
    /// Threads that evaluate the clients of one price sweep (`ClientChunks`). Default 1: the
    /// calling thread alone, as a service that already runs one solve per core wants. The result
    /// does not depend on it, bit for bit: the clients are cut into chunks of a fixed size whatever
    /// the count, and their sums are added in chunk order. `flexgen solve` uses one per core.
    public var threads: Int = 1

    /// Starting prices of the allocation's search (`AllocationSettings.initialPrices`).
    public struct InitialPrices: Sendable, Hashable {
        /// μ (J per FLOP/s).
        public var computePrice: Double
        /// λ (J per Hz).
        public var bandwidthPrice: Double
        public init(computePrice: Double, bandwidthPrice: Double) {
            self.computePrice = computePrice
            self.bandwidthPrice = bandwidthPrice
        }
    }

    /// Whether `stopSignal` asks the solve to stop.
    var stopRequested: Bool { stopSignal?.isStopped == true }

    public init(gapTolerance: Double = 1e-9, clearingTolerance: Double = 1e-13, budgetMargin: Double = 1e-12,
                maxPriceIterations: Int = 100, maxSplitIterations: Int = 200, timeLimitS: Double = .infinity,
                diagnoseInfeasibility: Bool = true) {
        self.gapTolerance = gapTolerance
        self.clearingTolerance = clearingTolerance
        self.budgetMargin = budgetMargin
        self.maxPriceIterations = maxPriceIterations
        self.maxSplitIterations = maxSplitIterations
        self.timeLimitS = timeLimitS
        self.diagnoseInfeasibility = diagnoseInfeasibility
    }

    /// Throws `SolverError.invalidSettings` naming the first bad field.
    public func validate() throws {
        func check(_ ok: Bool, _ field: String, _ reason: String) throws {
            if !ok { throw SolverError.invalidSettings(field: field, reason: reason) }
        }
        try check(gapTolerance >= 0 && gapTolerance.isFinite, "gapTolerance", "must be finite and ≥ 0, got \(gapTolerance)")
        try check(clearingTolerance > 0 && clearingTolerance < 1, "clearingTolerance", "must be in (0, 1), got \(clearingTolerance)")
        try check(budgetMargin >= 0 && budgetMargin < 0.5, "budgetMargin", "must be in [0, 0.5), got \(budgetMargin)")
        try check(maxPriceIterations >= 1, "maxPriceIterations", "must be ≥ 1, got \(maxPriceIterations)")
        try check(maxSplitIterations >= 1, "maxSplitIterations", "must be ≥ 1, got \(maxSplitIterations)")
        try check(timeLimitS > 0, "timeLimitS", "must be > 0, got \(timeLimitS)")
        try check(threads >= 1, "threads", "must be ≥ 1, got \(threads)")
    }
}
