import FlexGenModel

/// What the HTTP layer needs from a solver: the variant names it offers and an `async` solve.
///
/// The service holds one and never reaches past it, so that the routes stay independent of the
/// solver's internals and tests can serve a deliberately slow or failing engine through the real
/// HTTP stack. `SolveEngine.library` is the production engine (the FlexGen library's variants).
public struct SolveEngine: Sendable {
    /// Variant names accepted by `?solver=`.
    public var solverNames: [String]
    /// The variant used when the request names none.
    public var defaultSolver: String
    /// Solves `problem` with the named variant, stopping at `timeLimitS` seconds with the best
    /// checked solution (status `time_limit`) or none. Must not block the caller's thread for
    /// the solve's duration; throws only for bad input or cancellation. The service passes only
    /// problems it has validated (`ProblemFile` validates every body it decodes), so an engine
    /// need not validate them again.
    public var solve: @Sendable (_ problem: Problem, _ solver: String, _ timeLimitS: Double) async throws -> Solution

    /// The same in admission mode (`?admission=max-served`): serve the clients of greatest total
    /// priority that fit; the solution carries its `admission` block. nil: the engine has no
    /// admission mode, and such a request is a 422.
    public var solveAdmitting: (@Sendable (_ problem: Problem, _ solver: String, _ timeLimitS: Double,
                                           _ mode: Admission.Mode) async throws -> Solution)?

    public init(solverNames: [String], defaultSolver: String,
                solve: @escaping @Sendable (_ problem: Problem, _ solver: String, _ timeLimitS: Double) async throws -> Solution,
                solveAdmitting: (@Sendable (_ problem: Problem, _ solver: String, _ timeLimitS: Double,
                                            _ mode: Admission.Mode) async throws -> Solution)? = nil) {
        self.solverNames = solverNames
        self.defaultSolver = defaultSolver
        self.solve = solve
        self.solveAdmitting = solveAdmitting
    }
}
