import FlexGenModel

/// One round of the decomposition, for logs and tests.
public struct DecompositionIteration: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// Prices taken from the previous allocation (primal-dual alternation).
        case alternation
        /// Prices proposed by the cutting-plane model of the Lagrangian dual (bound improvement).
        case cuttingPlane
    }
    public var kind: Kind
    public var computePrice: Double
    public var bandwidthPrice: Double
    public var targetPrices: [Double]
    /// The Lagrangian bound at these prices (J).
    public var lowerBoundJ: Double
    /// Energy of the allocation of this round's assignment (nil: the budgets cannot carry it).
    public var energyJ: Double?
    /// Best energy and best bound so far.
    public var bestEnergyJ: Double?
    public var bestLowerBoundJ: Double
}

/// The outcome of `DecompositionSolver.solve`.
public struct DecompositionResult: Sendable {
    public var status: SolutionStatus
    /// Per client, the index into `problem.profile.configs` of its configuration (empty: none).
    public var configurations: [Int]
    /// The allocation of those configurations (nil: none).
    public var allocation: AllocationResult?
    public var energyJ: Double?
    /// A valid lower bound on the optimal energy of the whole problem (J).
    public var lowerBoundJ: Double?
    public var gap: Double?
    /// Prices at the best bound: μ (J per FLOP/s), λ (J per Hz), ν per service target (J per unit
    /// of mean quality).
    public var computePrice: Double
    public var bandwidthPrice: Double
    public var targetPrices: [Double]
    public var iterations: [DecompositionIteration]
    /// Nodes of the final enumeration and distinct assignments whose allocation was solved.
    public var enumeratedNodes: Int
    public var allocationsSolved: Int
    public var diagnostics: [Diagnostic]
    public var solveTimeS: Double
}
