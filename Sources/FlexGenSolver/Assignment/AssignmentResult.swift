import FlexGenConcurrency
import FlexGenModel

/// The outcome of the assignment step.
struct AssignmentResult: Sendable, Hashable {
    /// `optimal`: `choice` is optimal for the knapsack (within `AssignmentSettings.relativeGap`);
    /// `feasible`: `choice` meets the targets but a limit stopped the proof; `infeasible`: no choice
    /// meets the targets (`choice` is empty; see `bestReachableQuality`); `numericalError`: GLPK
    /// failed numerically (`choice` is empty). No other status occurs.
    var status: SolutionStatus
    /// Per client, the index of the chosen candidate in its menu (`AssignmentProblem.candidates[k]`).
    var choice: [Int]
    /// Σ_k φ_k,choice_k.
    var cost: Double
    /// The LP-relaxation value: a lower bound on every choice that meets the targets.
    var relaxationBound: Double
    /// A lower bound on the knapsack's integer optimum: `relaxationBound`, raised to
    /// (cost − tolerance) when branch-and-bound proved the choice optimal. At least as strong
    /// as the relaxation; the decomposition uses whichever is larger.
    var integerBound: Double
    /// ν_j ≥ 0 per target: the LP dual price of target j's row, in cost per unit of mean quality
    /// (0 for a target that does not bind).
    var targetPrices: [Double]
    /// Clients the LP relaxation split between configurations (at most the number of targets
    /// at a basic optimum).
    var fractionalClients: Int
    /// Per target, the best mean quality any choice reaches (its members' best candidates).
    var bestReachableQuality: [Double]
    /// The LP relaxation's solution per client: the candidates it uses and their weights (sum 1).
    /// A supergradient of the relaxation's value with respect to the costs φ. Empty when infeasible.
    var relaxation: [[WeightedCandidate]]

    struct WeightedCandidate: Sendable, Hashable {
        var candidate: Int
        var weight: Double
    }
}

/// Settings of the assignment step; every default documented.
public struct AssignmentSettings: Sendable, Hashable {
    /// Relative gap at which the integer search stops, (cost − bound)/|cost| on the whole cost
    /// Σ φ. Default 1e-9 (exact for practical purposes); the decomposition driver sets it to a
    /// tenth of its own gap tolerance, since finer assignments cannot change its certificate.
    public var relativeGap: Double = 1e-9
    /// Wall-clock limit for GLPK's branch-and-bound (s), the fallback when the knapsack DP gives up
    /// (the DP itself is bounded by `dynamicProgramWorkLimit`). Default 2: the reduced MILP is
    /// usually tiny; on a limit the best point found (at worst the rounded LP solution, always
    /// target-feasible) is returned as `feasible`.
    public var integerTimeLimitS: Double = 2
    /// Run stage 4 (reduced-cost fixing + GLPK branch-and-bound) when the rounded LP choice is
    /// not within `relativeGap`. Default true; false returns the rounded choice as `feasible`
    /// (the bounds are then the LP relaxation's), for callers that only need the bound fast.
    public var branchAndBound: Bool = true
    /// States the exact knapsack DP (`KnapsackDynamicProgram`) may keep after any client before
    /// stage 4 falls back to GLPK's branch-and-bound. Default 50 000. 0: GLPK only.
    public var dynamicProgramStateLimit: Int = 50_000
    /// State expansions (state × option) the DP may spend in all before falling back. Default
    /// 2 000 000 (about 0.1 s on this machine): on the decomposition's knapsacks the bound-pruned Pareto sets
    /// stay in the hundreds to thousands, so the DP finishes far below this.
    public var dynamicProgramWorkLimit: Int = 2_000_000
    /// Cooperative cancellation, checked by the DP between clients; once stopped, the GLPK fallback
    /// is skipped and the rounded LP choice is returned. Default nil. The decomposition passes its
    /// own (`AllocationSettings.stopSignal`).
    public var stopSignal: StopSignal? = nil
    /// Solve the LP relaxation by column generation (`HullStepProgram.solveByColumnGeneration`:
    /// GLPK sees only the hull steps near each client's price) rather than all steps at once, when
    /// it has more than `HullStepProgram.wholeStepLimit` (10 000) steps.
    /// Default true; both reach the same LP optimum (docs/model.md, "The assignment LP and
    /// column generation"), possibly at a different optimal vertex when it is degenerate. At 10^5
    /// clients GLPK's copy of the whole LP was most of the solve's peak memory.
    public var columnGeneration: Bool = true
    /// Tolerance on the target rows when checking a choice (relative to the target). Default 1e-9.
    public var targetTolerance: Double = 1e-9
    public init() {}
}
