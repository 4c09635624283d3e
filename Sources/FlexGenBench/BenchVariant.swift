import FlexGenModel

/// A solver under test: a variant name (`flexgen`, `full-model`, …) and the function that solves
/// a problem with it. The harness never looks inside: it times the call and re-checks the answer
/// with `Evaluation`.
public struct BenchVariant: Sendable {
    public let name: String
    public let solve: @Sendable (Problem) throws -> Solution

    public init(name: String, solve: @escaping @Sendable (Problem) throws -> Solution) {
        self.name = name
        self.solve = solve
    }
}

/// What became of one (instance, variant) run. Every run has exactly one outcome; none is dropped.
public enum RunOutcome: String, Sendable, Hashable, CaseIterable {
    /// The solver returned an allocation and `Evaluation` found every constraint holding.
    case feasible
    /// The solver said `infeasible` (with diagnostics) and returned no allocation.
    case infeasible
    /// Stopped at a time or iteration limit without any allocation.
    case limitWithoutSolution = "limit_without_solution"
    /// The solver reported `numerical_error`.
    case numericalError = "numerical_error"
    /// The solver returned an allocation that `Evaluation` REJECTS: a bug, reported loudly.
    case checkFailed = "check_failed"
    /// The solver threw (bad input or settings, or a bug): reported loudly.
    case error

    /// Outcomes that indicate a defect in a solver rather than a property of the instance. A
    /// `numerical_error` counts: the variants report a solution that failed their own check that way.
    public var isFailure: Bool { self == .checkFailed || self == .error || self == .numericalError }
}
