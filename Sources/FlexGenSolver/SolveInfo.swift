import FlexGenModel

/// What `FlexGenSolver.solveWithInfo` returns besides the solution: the certificate and the
/// per-iteration record of the allocation, and the configurations it chose.
public struct SolveInfo: Sendable {
    /// The written solution (`flexgen-solution/1`).
    public var solution: Solution
    /// Index into `problem.profile.configs` per client (nil for a client with no admissible one).
    public var configurationIndices: [Int?]
    /// The allocation's full result (prices, KKT residuals, iterations); nil when the solve stopped
    /// before the allocation (e.g. a client without an admissible configuration).
    public var allocation: AllocationResult?
}
