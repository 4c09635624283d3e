import FlexGenModel

/// The optimality certificate of an allocation: the residuals of the KKT conditions at the
/// returned primal point and prices. All are relative (dimensionless).
public struct KKTResiduals: Sendable, Hashable {
    /// max over clients of |J'(τ)|·τ relative to the magnitudes of its terms (per-client stationarity).
    public var stationarity: Double
    /// μ·(F − Σf)/E: compute complementary slackness relative to the energy E.
    public var computeComplementarity: Double
    /// λ·(B − Σb)/E.
    public var bandwidthComplementarity: Double
    /// max(0, Σf/F − 1, Σb/B − 1, p/P_max − 1, latency/T − 1) over the budgets and clients.
    public var primalFeasibility: Double

    public init(stationarity: Double, computeComplementarity: Double, bandwidthComplementarity: Double,
                primalFeasibility: Double) {
        self.stationarity = stationarity
        self.computeComplementarity = computeComplementarity
        self.bandwidthComplementarity = bandwidthComplementarity
        self.primalFeasibility = primalFeasibility
    }
}

/// One price iteration of the allocation, for logs and tests.
public struct AllocationIteration: Sendable, Hashable {
    public var computePrice: Double
    public var bandwidthPrice: Double
    /// Σf/F' − 1 and Σb/B' − 1 at these prices (F', B': the budgets less the margin).
    public var computeExcess: Double
    public var bandwidthExcess: Double
    /// The Lagrangian (dual) value at these prices (J).
    public var dualValue: Double
    /// Step length taken (1: a full Newton step).
    public var stepLength: Double
}

/// The outcome of `AllocationSolver.solve`.
public struct AllocationResult: Sendable {
    /// `.optimal` (gap ≤ tolerance), `.feasible` (strictly feasible, gap above tolerance),
    /// `.infeasible` (see `diagnostics`), `.iterationLimit` / `.timeLimit` (stopped early; the
    /// allocation is present only if strictly feasible), `.numericalError`.
    public var status: SolutionStatus
    /// Per task, in input order: the allocation (primal point). Empty when there is none.
    public var clients: [ClientResponse]
    /// Whether the result carries an allocation (one response per task; for no tasks, the empty
    /// allocation of a solved result). A `time_limit` or `iteration_limit` result may carry one
    /// (the best strictly feasible sweep); the status alone (`certifiesSolution`) does not say.
    public var hasAllocation: Bool { status.certifiesSolution || !clients.isEmpty }
    /// μ (J per FLOP/s) and λ (J per Hz) at the end.
    public var computePrice: Double
    public var bandwidthPrice: Double
    /// Σ energies of `clients` (J); nil without an allocation.
    public var energyJ: Double?
    /// The Lagrangian at the final prices with exact per-client minimisation: a valid lower bound
    /// on the optimal energy of this fixed-configuration problem (J).
    public var lowerBoundJ: Double?
    /// (energy − lower bound)/energy.
    public var gap: Double?
    public var residuals: KKTResiduals?
    /// Σf and Σb of the allocation.
    public var computeRateUsed: Double
    public var bandwidthUsed: Double
    public var iterations: [AllocationIteration]
    /// Total split (inner) iterations over all clients and price iterations: the oracle's work.
    public var innerIterations: Int
    /// Sweeps over all clients (oracle calls per client), including rejected line-search trials.
    public var sweeps: Int
    public var diagnostics: [Diagnostic]
    public var solveTimeS: Double
}
