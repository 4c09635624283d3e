import FlexGenModel

/// Errors the solver throws: only for input or settings it cannot work with. Every outcome of a
/// valid solve (infeasible, limits, numerical trouble) is a status, not an error.
public enum SolverError: Error, Sendable, CustomStringConvertible {
    /// The problem breaks the contract (the issues carry JSON paths).
    case invalidProblem(InputError)
    /// A setting is out of range.
    case invalidSettings(field: String, reason: String)
    /// Invalid numbers passed to the allocation core directly (not through a `Problem`).
    case invalidInput(String)
    /// The problem uses a feature this solver variant does not handle yet.
    case unsupported(String)

    public var description: String {
        switch self {
        case .invalidProblem(let error): "invalid problem:\n\(error)"
        case .invalidSettings(let field, let reason): "invalid solver setting \(field): \(reason)"
        case .invalidInput(let reason): "invalid allocation input: \(reason)"
        case .unsupported(let reason): "unsupported: \(reason)"
        }
    }
}
