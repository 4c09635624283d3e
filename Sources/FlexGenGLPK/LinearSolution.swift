/// How a GLPK solve ended. An outcome, not an error: callers branch on it.
public enum LinearOutcome: String, Sendable, Hashable, CaseIterable {
    /// Proven optimal (for a MILP: within `GLPKSettings.relativeMIPGap`).
    case optimal
    /// A feasible point without an optimality proof (a MILP stopped early with an incumbent).
    case feasible
    /// No point satisfies the constraints (for a MILP: no integer point).
    case infeasible
    /// The objective is unbounded in the optimisation direction.
    case unbounded
    case timeLimit
    case iterationLimit
    /// GLPK gave up (singular/ill-conditioned basis, no convergence, instability).
    case numericalError

    /// Whether `LinearSolution.values` holds a usable point.
    public var hasPoint: Bool { self == .optimal || self == .feasible }
}

/// The result of `GLPK.solve`.
public struct LinearSolution: Sendable, Hashable {
    public var outcome: LinearOutcome
    /// Objective value including the model's constant (nil without a point).
    public var objective: Double?
    /// Variable values, one per model variable: the optimum, or the best point found when a MILP
    /// stops at a limit with an incumbent; empty when there is no point.
    public var values: [Double]
    /// Row duals (shadow prices ∂objective/∂row bound) of an LP solve; empty for a MILP or without
    /// a point. For a minimisation, a `≤` row that binds has dual ≤ 0, a `≥` row dual ≥ 0.
    public var rowDuals: [Double]
    /// Reduced costs of the variables of an LP solve; empty for a MILP or without a point.
    public var reducedCosts: [Double]
    /// Which algorithm produced it (`simplex`, `interior`, `branch-and-bound`).
    public var method: String
    /// The GLPK return code of the main call (0 when it succeeded), for logs.
    public var returnCode: Int32

    public init(outcome: LinearOutcome, objective: Double?, values: [Double], rowDuals: [Double],
                reducedCosts: [Double], method: String, returnCode: Int32) {
        self.outcome = outcome
        self.objective = objective
        self.values = values
        self.rowDuals = rowDuals
        self.reducedCosts = reducedCosts
        self.method = method
        self.returnCode = returnCode
    }
}
