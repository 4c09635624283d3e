import Foundation  // sqrt

/// Mean, spread and a 95 % confidence interval of a sample of independent measurements
/// (one per seeded instance).
///
/// Contract:
/// - `mean` = Σx/n; `standardDeviation` is the sample one, √(Σ(x − mean)²/(n − 1)), computed in
///   two passes for accuracy (no catastrophic cancellation of the one-pass formula).
/// - `confidenceHalfWidth95` = t_{0.975, n−1} · s / √n, the Student-t interval for the mean of a
///   normal sample; with ≥ 20 seeds it is also a fair large-sample interval for other shapes.
/// - Edge cases: n = 0 gives nil from `init?`; n = 1 gives a zero standard deviation and a nil
///   half-width (one measurement says nothing about spread, and we never print NaN).
///   Non-finite values are rejected by `init?` (returns nil): a benchmark must filter them first,
///   which forces it to count them.
public struct SampleSummary: Sendable, Hashable {
    public let count: Int
    public let mean: Double
    public let standardDeviation: Double
    /// Half-width of the 95 % confidence interval of the mean; nil when count < 2.
    public let confidenceHalfWidth95: Double?
    public let minimum: Double
    public let maximum: Double

    public init?(_ values: [Double]) {
        guard !values.isEmpty, values.allSatisfy(\.isFinite) else { return nil }
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        count = values.count
        self.mean = mean
        minimum = values.min()!
        maximum = values.max()!
        if values.count >= 2 {
            let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            standardDeviation = (squares / (n - 1)).squareRoot()
            confidenceHalfWidth95 = StudentT.quantile975(degreesOfFreedom: values.count - 1)
                * standardDeviation / n.squareRoot()
        } else {
            standardDeviation = 0
            confidenceHalfWidth95 = nil
        }
    }
}

/// The Student-t distribution's 97.5 % quantile (two-sided 95 % intervals).
public enum StudentT {
    /// t_{0.975, ν} for ν = 1 … 30, rounded to 6 decimals (scipy.stats.t.ppf(0.975, ν)).
    static let table: [Double] = [
        12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157, 2.228139,
        2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905, 2.109816, 2.100922, 2.093024, 2.085963,
        2.079614, 2.073873, 2.068658, 2.063899, 2.059539, 2.055529, 2.051831, 2.048407, 2.045230, 2.042272,
    ]

    /// t_{0.975, ν} for ν ≥ 1.
    ///
    /// ν ≤ 30: the table. ν > 30: the Cornish–Fisher expansion of t in powers of 1/ν around the
    /// normal quantile z = 1.959964 (Abramowitz & Stegun 26.7.5), four terms; its error is below
    /// 1e-6 for ν > 30, far below the sampling error of any interval it is used for.
    /// ν → ∞ gives z. Precondition: ν ≥ 1 (ν < 1 is treated as 1).
    public static func quantile975(degreesOfFreedom nu: Int) -> Double {
        let nu = max(nu, 1)
        if nu <= table.count { return table[nu - 1] }
        let z = 1.959_963_984_540_054
        let v = Double(nu)
        let z2 = z * z
        let g1 = (z2 + 1) * z / 4
        let g2 = ((5 * z2 + 16) * z2 + 3) * z / 96
        let g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384
        let g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160
        return z + g1 / v + g2 / (v * v) + g3 / (v * v * v) + g4 / (v * v * v * v)
    }
}

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
