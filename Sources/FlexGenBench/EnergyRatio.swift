import FlexGenNumerics  // SampleSummary

/// How a baseline's energy compares with FlexGen's over the instances where BOTH found a
/// checked feasible solution (instances where either failed are excluded from ratios and
/// counted separately as feasibility).
///
/// - `ratioOfMeans` = mean(E_baseline) / mean(E_flexgen): the saving on the total energy of
///   the whole batch of instances (dominated by the expensive instances).
/// - `meanOfRatios` = mean over instances of E_baseline / E_flexgen, with its 95 % interval:
///   the saving a typical instance sees.
public struct EnergyRatio: Sendable, Hashable {
    public let pairedInstances: Int
    public let ratioOfMeans: Double
    public let meanOfRatios: SampleSummary

    /// `pairs` are (E_baseline, E_flexgen) in joules; pairs with a non-finite or non-positive
    /// FlexGen energy are skipped. nil when no pair remains.
    public init?(pairs: [(baseline: Double, flexgen: Double)]) {
        let usable = pairs.filter { $0.baseline.isFinite && $0.flexgen.isFinite && $0.flexgen > 0 && $0.baseline >= 0 }
        guard let ratios = SampleSummary(usable.map { $0.baseline / $0.flexgen }) else { return nil }
        pairedInstances = usable.count
        ratioOfMeans = usable.map(\.baseline).reduce(0, +) / usable.map(\.flexgen).reduce(0, +)
        meanOfRatios = ratios
    }
}
