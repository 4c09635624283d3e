/// Errors of the GLPK wrapper. Thrown only for a bad model or bad settings (caught before GLPK
/// sees them) and for a GLPK return code that a validated model should never produce.
/// Solver outcomes such as infeasibility or a time limit are *not* errors: see `LinearOutcome`.
public enum GLPKError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The model or settings would make GLPK call `glp_error` (which aborts the process).
    case invalidModel(String)
    case invalidSettings(String)
    /// A GLPK routine returned a code the wrapper has no outcome for.
    case unexpectedReturnCode(function: String, code: Int32)

    public var description: String {
        switch self {
        case .invalidModel(let reason): "invalid linear model: \(reason)"
        case .invalidSettings(let reason): "invalid GLPK settings: \(reason)"
        case .unexpectedReturnCode(let function, let code): "\(function) returned unexpected code \(code)"
        }
    }
}
