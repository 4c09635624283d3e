import FlexGenModel

/// One row of `runs.csv`: one variant on one seeded instance of one sweep point.
public struct RunRecord: Sendable, Hashable {
    public var sweep: String
    public var value: Double
    public var seed: UInt64
    public var variant: String
    public var clients: Int
    /// The status the solver reported (nil when it threw).
    public var status: SolutionStatus?
    public var outcome: RunOutcome
    /// Energies recomputed by `Evaluation` (J); nil unless `outcome == .feasible`.
    public var energyJ: Double?
    public var computeEnergyJ: Double?
    public var txEnergyJ: Double?
    /// The instance's idle energy over its frame (`IdleEnergy`), the same for every variant (J).
    public var idleEnergyJ: Double?
    /// The mean over clients of the delivered quality (profile metric); nil unless feasible.
    public var meanQuality: Double?
    /// The solver's own lower bound and gap, when it reports them.
    public var lowerBoundJ: Double?
    public var gap: Double?
    /// Wall-clock time of the solve call measured by the harness (s).
    public var solveTimeS: Double
    /// Violations found by the check, or the error / diagnostics text.
    public var note: String

    public init(sweep: String, value: Double, seed: UInt64, variant: String, clients: Int,
                status: SolutionStatus?, outcome: RunOutcome, energyJ: Double? = nil,
                computeEnergyJ: Double? = nil, txEnergyJ: Double? = nil, meanQuality: Double? = nil,
                lowerBoundJ: Double? = nil, gap: Double? = nil, solveTimeS: Double, note: String = "") {
        self.sweep = sweep; self.value = value; self.seed = seed; self.variant = variant
        self.clients = clients; self.status = status; self.outcome = outcome; self.energyJ = energyJ
        self.computeEnergyJ = computeEnergyJ; self.txEnergyJ = txEnergyJ; self.meanQuality = meanQuality
        self.lowerBoundJ = lowerBoundJ; self.gap = gap; self.solveTimeS = solveTimeS; self.note = note
    }

    public static let csvHeader = ["sweep", "value", "seed", "variant", "clients", "status", "outcome",
                                   "energy_j", "compute_energy_j", "tx_energy_j", "idle_energy_j", "mean_quality",
                                   "lower_bound_j", "gap", "solve_time_s", "note"]

    public var csvRow: [String] {
        [sweep, CSVTable.number(value), "\(seed)", variant, "\(clients)", status?.rawValue ?? "", outcome.rawValue,
         CSVTable.number(energyJ), CSVTable.number(computeEnergyJ), CSVTable.number(txEnergyJ), CSVTable.number(idleEnergyJ),
         CSVTable.number(meanQuality), CSVTable.number(lowerBoundJ), CSVTable.number(gap),
         CSVTable.number(solveTimeS), note]
    }
}

/// How many clients of one quality tier got one configuration (for the width/steps figure).
public struct ChoiceCount: Sendable, Hashable {
    public var sweep: String
    public var value: Double
    public var variant: String
    /// The tier: the clients' quality requirement (nil: none stated).
    public var requirement: Double?
    public var width: Double
    public var steps: Int
    public var count: Int

    public static let csvHeader = ["sweep", "value", "variant", "quality_requirement", "width", "steps", "clients"]
    public var csvRow: [String] {
        [sweep, CSVTable.number(value), variant, CSVTable.number(requirement), CSVTable.number(width), "\(steps)", "\(count)"]
    }
}
