import FlexGenModel

/// Settings of `FlexGenSolver`, the one entry point: the variant-independent choices and the
/// settings of each layer below it. Every default documented; `validate()` checks them all.
///
/// Layers: `SolverSettings` → `DecompositionSettings` (configuration choice) → `AssignmentSettings`
/// (the knapsack step) and `AllocationSettings` (compute, band, power, time for fixed configurations).
public struct SolverSettings: Sendable, Hashable {
    /// The decomposition's settings, with the allocation's inside (`decomposition.allocation`).
    public var decomposition: DecompositionSettings = DecompositionSettings()
    /// Largest number of assignments `exhaustive` will enumerate (the product of the menu sizes).
    /// Default 20 000: each costs an allocation solve.
    public var exhaustiveLimit: Int = 20_000
    /// Relative tolerance of the final `Evaluation` check every returned solution passes through.
    /// Default 1e-6, the contract's.
    public var checkTolerance: Double = 1e-6
    /// Admission control (docs/model.md, "Admission"). Default nil: every client must be served,
    /// and an overloaded problem is `infeasible`. `.maxServed`: serve the set of clients of
    /// greatest total priority that fits, at least energy; the solution gains an `admission` block.
    public var admission: Admission.Mode? = nil
    /// Admission: the largest number of candidate sets the exact search may examine. When the
    /// clients that are not rejected outright are few enough that every subset fits within this
    /// (2^n ≤ limit), the admission is exact (every subset of the best priority is solved and the
    /// least energy kept); otherwise the relaxation-guided search runs. Default 4 096 (n ≤ 12).
    public var admissionEnumerationLimit: Int = 4_096

    public init() {}

    /// The wall-clock limit (s) of the whole solve: the decomposition's and the allocation's.
    /// Setting it caps both. Default +∞.
    public var timeLimitS: Double {
        get { min(decomposition.timeLimitS, decomposition.allocation.timeLimitS) }
        set {
            decomposition.timeLimitS = newValue
            decomposition.allocation.timeLimitS = newValue
        }
    }

    /// Throws `SolverError.invalidSettings` naming the first bad field (of any layer).
    public func validate() throws {
        func check(_ ok: Bool, _ field: String, _ reason: String) throws {
            if !ok { throw SolverError.invalidSettings(field: field, reason: reason) }
        }
        try check(exhaustiveLimit >= 1, "exhaustiveLimit", "must be ≥ 1, got \(exhaustiveLimit)")
        try check(checkTolerance >= 0 && checkTolerance.isFinite, "checkTolerance",
                  "must be finite and ≥ 0, got \(checkTolerance)")
        try check(admissionEnumerationLimit >= 0, "admissionEnumerationLimit",
                  "must be ≥ 0, got \(admissionEnumerationLimit)")
        try decomposition.validate()
    }
}
