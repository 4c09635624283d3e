/// The `Evaluation` in machine form, `flexgen-check/1` (an extension of the contract): what
/// `flexgen check --json` writes and `POST /v1/check` answers. Non-finite recomputed values are written as null.
///
/// Over HTTP the status is 200 whenever the inputs are valid, whatever the verdict; the
/// verdict is `passes` (nothing the solution claims is wrong) and `feasible` (it carries an
/// allocation and every constraint holds within `relativeTolerance`), with every `violations`
/// entry naming the constraint kind and the clients. A "no" is an answer, not an HTTP error.
public struct EvaluationReport: Codable, Sendable, Hashable {
    public var format = "flexgen-check/1"
    public var problem: String
    public var solver: String
    public var status: SolutionStatus
    public var relativeTolerance: Double
    public var hasAllocation: Bool
    public var feasible: Bool
    public var passes: Bool
    public var totals: Totals
    public var clients: [ClientEvaluation]
    public var serviceTargets: [ServiceTargetEvaluation]
    public var violatedKinds: [ConstraintKind]
    public var violations: [Violation]

    public struct Totals: Codable, Sendable, Hashable {
        public var totalEnergyJ: Double?
        public var totalComputeEnergyJ: Double?
        public var totalTxEnergyJ: Double?
        public var reportedTotalEnergyJ: Double?
        public var computeRateUsedFlopsPerS: Double?
        public var computeRateBudgetFlopsPerS: Double
        public var bandwidthUsedHz: Double?
        public var bandwidthBudgetHz: Double
    }

    public init(problem: Problem, solution: Solution, evaluation e: Evaluation) {
        func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }
        self.problem = problem.name
        solver = solution.solver
        status = solution.status
        relativeTolerance = e.relativeTolerance
        hasAllocation = e.hasAllocation
        feasible = e.isFeasible
        passes = e.passes
        totals = Totals(totalEnergyJ: finite(e.totalEnergyJ), totalComputeEnergyJ: finite(e.totalComputeEnergyJ),
                        totalTxEnergyJ: finite(e.totalTxEnergyJ),
                        reportedTotalEnergyJ: solution.totalEnergyJ.flatMap(finite),
                        computeRateUsedFlopsPerS: finite(e.computeRateUsed), computeRateBudgetFlopsPerS: e.computeRateBudget,
                        bandwidthUsedHz: finite(e.bandwidthUsed), bandwidthBudgetHz: e.bandwidthBudget)
        clients = e.clients
        serviceTargets = e.serviceTargets
        violatedKinds = e.violatedKinds
        violations = e.violations
    }
}
