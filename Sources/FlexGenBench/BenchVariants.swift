import FlexGenModel
import FlexGenSolver

/// The one place that says which solvers `flexgen bench` compares and how to call them.
/// The list is data: adding or removing a variant is a one-line change here.
public enum BenchVariants {
    /// FlexGen first: it is the reference every ratio is taken against.
    public static let reference = "flexgen"
    /// The variants compared in the sweeps (issue 6): FlexGen and the "existing generation schemes".
    public static let compared = ["flexgen", "full-model", "steps-only", "width-only", "equal-share", "greedy"]
    /// The exact oracle used for the optimality gap on tiny instances.
    public static let exact = "exhaustive"

    /// The variant with this name (`SolverVariant`'s raw value), or nil when the toolkit does not
    /// provide it. `timeLimitS` caps each solve of the decomposition-based variants (the solver then
    /// returns its best checked solution with status `time_limit`, which the harness records as such).
    public static func make(_ name: String, timeLimitS: Double = .infinity) -> BenchVariant? {
        guard let variant = SolverVariant(rawValue: name) else { return nil }
        var settings = SolverSettings()
        settings.decomposition.timeLimitS = timeLimitS
        // The gap instances have up to 4 clients: up to 24⁴ ≈ 3.3e5 assignments before pruning.
        settings.exhaustiveLimit = 400_000
        let solver = FlexGenSolver(variant, settings: settings)
        return BenchVariant(name: name) { try solver.solve($0) }
    }

    /// The allocation alone (configurations fixed to each client's cheapest admissible one),
    /// for the scaling benchmark; nil when not available.
    public static var allocationOnly: ScalingBenchmark.Target? {
        ScalingBenchmark.Target(name: "allocation (least-work configurations)", serviceTargetTightness: nil,
                                solve: AllocationTarget.solve)
    }
}
