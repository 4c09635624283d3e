/// Mean, spread and a 95 % confidence interval of a sample of independent measurements
/// (one per seeded instance), for tables that must never print NaN.
///
/// Contract:
/// - `mean`, `standardDeviation` and `confidenceHalfWidth95` are `Statistics.mean`,
///   `Statistics.standardDeviation` (sample, two-pass) and `Statistics.confidenceHalfWidth95`
///   (t_{0.975, n−1} · s / √n) of the values.
/// - Edge cases: n = 0 gives nil from `init?`; n = 1 gives a zero standard deviation and a nil
///   half-width (one measurement says nothing about spread, and we never print NaN).
///   Non-finite values are rejected by `init?` (returns nil): a caller must filter them first,
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
        count = values.count
        mean = Statistics.mean(values)
        standardDeviation = Statistics.standardDeviation(values)
        confidenceHalfWidth95 = values.count >= 2 ? Statistics.confidenceHalfWidth95(values) : nil
        minimum = values.min()!
        maximum = values.max()!
    }
}
