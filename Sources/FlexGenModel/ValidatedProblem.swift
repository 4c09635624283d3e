/// A problem that has passed `Problem.validate()`, so that a reader that validated it (the CLI's
/// and the service's) hands it to the solver without the solver validating it again: at 10^5
/// clients one validation is a few percent of `flexgen solve` (docs/architecture.md, "I/O").
public struct ValidatedProblem: Sendable {
    public let problem: Problem

    /// Validates `problem`; throws its `InputError` when it breaks the contract.
    public init(_ problem: Problem) throws {
        try problem.validate()
        self.problem = problem
    }

    /// Wraps a problem the caller has itself validated (as `Range(uncheckedBounds:)` trusts its
    /// caller): for a layer that validated it on reading and passes it on unchanged.
    public init(unchecked problem: Problem) {
        self.problem = problem
    }
}
