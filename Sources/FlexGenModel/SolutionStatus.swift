/// The outcome of a solve, as written in `flexgen-solution/1`.
public enum SolutionStatus: String, Codable, Sendable, Hashable, CaseIterable, NamedCase {
    /// A checked solution within the requested gap (certified by the lower bound).
    case optimal
    /// A checked solution without that certificate.
    case feasible
    /// No solution satisfies the constraints; `diagnostics` says which and why.
    case infeasible
    /// Stopped at the time limit, with the best checked solution if any.
    case timeLimit = "time_limit"
    /// Stopped at the iteration limit, with the best checked solution if any.
    case iterationLimit = "iteration_limit"
    /// The numerics failed; no solution is claimed.
    case numericalError = "numerical_error"

    /// Whether the status itself vouches for a checked solution (`optimal` or `feasible`). A result
    /// stopped at a limit may still carry one: ask the result (`Solution.hasAllocation`,
    /// `AllocationResult.hasAllocation`), not the status.
    public var certifiesSolution: Bool { self == .optimal || self == .feasible }
}
