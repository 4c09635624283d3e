/// Settings of one GLPK solve. Every default is stated and chosen for the small, well-scaled
/// assignment LPs/MILPs this project builds.
public struct GLPKSettings: Sendable, Hashable {
    public enum LPMethod: Sendable, Hashable {
        /// Primal simplex.
        case primalSimplex
        /// Dual simplex, falling back to primal when it fails (GLPK's `GLP_DUALP`).
        case dualSimplex
        /// GLPK's interior-point method (no basis: duals are interior-point duals).
        case interiorPoint
    }

    /// Method for LPs (and never used for MILPs, which always start from a simplex basis).
    /// Default `.dualSimplex`: robust on assignment LPs whose cost vector changes between solves.
    public var lpMethod: LPMethod = .dualSimplex
    /// Use the long-step ("bound flipping") ratio test in the dual simplex (`GLP_RT_FLIP`).
    /// Default true: on LPs with many bounded variables and few rows (a knapsack relaxation) one
    /// dual iteration then flips many variables at once instead of one per iteration.
    public var longStepRatioTest: Bool = true
    /// Wall-clock limit in seconds; nil (default) means none. Must be > 0. GLPK counts milliseconds,
    /// so limits are rounded up to whole milliseconds.
    public var timeLimitS: Double? = nil
    /// Simplex iteration limit; nil (default) means none. Must be ≥ 1.
    public var iterationLimit: Int? = nil
    /// Relative MIP gap at which branch-and-bound stops with `.optimal`, |best − bound| / (|best| + ε).
    /// Default 1e-9: essentially exact for the assignment MILPs; raise it to trade proof for time.
    public var relativeMIPGap: Double = 1e-9
    /// Run GLPK's MIP presolver (default true: it also solves the root LP itself).
    public var mipPresolve: Bool = true
    /// Enable GLPK's cut generators (Gomory, MIR, cover, clique) in branch-and-bound. Default false:
    /// multiple-choice rows are already tight; cuts mostly cost time there.
    public var mipCuts: Bool = false
    /// Scale the problem (`glp_scale_prob`, automatic) before solving. Default true.
    public var scale: Bool = true

    public init() {}

    func validate() throws(GLPKError) {
        if let t = timeLimitS, !(t > 0) { throw .invalidSettings("timeLimitS must be > 0, got \(t)") }
        if let n = iterationLimit, n < 1 { throw .invalidSettings("iterationLimit must be ≥ 1, got \(n)") }
        guard relativeMIPGap >= 0, relativeMIPGap.isFinite else {
            throw .invalidSettings("relativeMIPGap must be finite and ≥ 0, got \(relativeMIPGap)")
        }
    }

    /// The time limit as GLPK's milliseconds (Int32.max: none).
    var timeLimitMilliseconds: Int32 {
        guard let t = timeLimitS else { return Int32.max }
        return Int32(min(Double(Int32.max), (t * 1000).rounded(.up)))
    }
}
