import FlexGenModel

/// What `FlexGenSolver.solveWithInfo` returns besides the solution.
public struct SolveInfo: Sendable {
    /// The written solution (`flexgen-solution/1`), re-checked.
    public var solution: Solution
    /// Per problem client, the index into `problem.profile.configs` of its configuration (nil for
    /// a client without a decision: no solution, or rejected under admission).
    public var configurationIndices: [Int?]
    /// The final allocation's full result (prices, KKT residuals, iterations) when the solve ended
    /// in one (FlexGen and the decomposition-based variants); nil otherwise (no solution reached
    /// the allocation, or a variant such as `equal-share` that does not solve one).
    public var allocation: AllocationResult?
    /// The final `Evaluation` of the solution against the problem (the admitted problem under
    /// admission); nil when the solution carries no allocation.
    public var evaluation: Evaluation?
    /// Wall time of that final check (s), included in `solution.solveTimeS`.
    public var checkTimeS: Double
}
