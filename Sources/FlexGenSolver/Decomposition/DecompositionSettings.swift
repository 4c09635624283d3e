/// Settings of the decomposition driver (`DecompositionSolver`). Every default documented.
public struct DecompositionSettings: Sendable, Hashable {
    /// Relative gap (energy − lower bound)/energy at or below which the result is `optimal`.
    /// Default 1e-3, the project's certification target for service-target problems: with the
    /// knapsack solved exactly the Lagrangian bound leaves only the budgets' duality gap, measured
    /// at ≤ 4.3e-4 on generated instances from 20 to 10 000 clients (benchmarks/README.md); tiny
    /// instances close the rest by branch-and-bound and enumeration.
    public var gapTolerance: Double = 1e-3
    /// Price iterations (assignment + allocation rounds, including bound-improvement steps).
    /// Default 40; the alternation typically settles in 3–8.
    public var maxIterations: Int = 40
    /// Wall-clock limit (s) for the whole solve, checked between iterations and nodes. Default +∞.
    public var timeLimitS: Double = .infinity
    /// Passes of primal local search (single and paired option moves, each allocated exactly),
    /// run while the gap exceeds the tolerance. Default 20; a pass stops the search when it finds
    /// nothing better.
    public var localSearchPasses: Int = 20
    /// Exact allocations tried per local-search pass. Default 120.
    public var localSearchMovesPerPass: Int = 120
    /// Node limit of the Lagrangian branch-and-bound (run only while the gap exceeds the
    /// tolerance). Default 150: each node costs a few dual probes (O(K × menu) oracle calls and a
    /// tiny LP each). It runs when the tolerance asks for less than the bound's own duality gap
    /// (tiny instances, or `gapTolerance` far below 1e-3); on tiny instances the tree closes the
    /// gap, on larger ones it raises the bound a little before the enumeration takes over.
    public var branchAndBoundNodeLimit: Int = 150
    /// Dual probes (cutting-plane steps) per branch-and-bound node. Default 6.
    public var branchAndBoundProbesPerNode: Int = 6
    /// Node limit of the final Lagrangian enumeration (run only while the gap exceeds the tolerance).
    /// Default 200 000: instant on tiny instances, a bounded effort on large ones.
    public var enumerationNodeLimit: Int = 200_000
    /// Allocation solves allowed in the enumeration (each is O(K)). Default 5 000.
    public var enumerationAllocationLimit: Int = 5_000
    /// Time (s) each assignment step may spend in GLPK's branch-and-bound, which runs only when the
    /// exact knapsack DP gives up (its state or work limit). Default 0.1: the bound then falls back
    /// to the LP relaxation and the later phases (branch-and-bound, enumeration) take over, so a
    /// long GLPK run buys little. The driver also runs the knapsack to a tenth of `gapTolerance`,
    /// not tighter.
    public var assignmentBranchAndBoundTimeS: Double = 0.1
    /// Settings of every allocation solve (prices, certificate). Default: `AllocationSettings()`.
    public var allocation: AllocationSettings = AllocationSettings()
    /// Settings of every assignment (GLPK) solve. Default: `AssignmentSettings()`.
    public var assignment: AssignmentSettings = AssignmentSettings()

    public init(gapTolerance: Double = 1e-3, maxIterations: Int = 40, timeLimitS: Double = .infinity) {
        self.gapTolerance = gapTolerance
        self.maxIterations = maxIterations
        self.timeLimitS = timeLimitS
    }

    public func validate() throws {
        guard gapTolerance >= 0, gapTolerance.isFinite else {
            throw SolverError.invalidSettings(field: "gapTolerance", reason: "must be finite and ≥ 0, got \(gapTolerance)")
        }
        guard maxIterations >= 1 else {
            throw SolverError.invalidSettings(field: "maxIterations", reason: "must be ≥ 1, got \(maxIterations)")
        }
        guard timeLimitS > 0 else {
            throw SolverError.invalidSettings(field: "timeLimitS", reason: "must be > 0, got \(timeLimitS)")
        }
        guard enumerationNodeLimit >= 0, enumerationAllocationLimit >= 0 else {
            throw SolverError.invalidSettings(field: "enumerationNodeLimit", reason: "limits must be ≥ 0")
        }
        try allocation.validate()
    }
}
