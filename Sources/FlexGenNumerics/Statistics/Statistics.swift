/// Small-sample statistics of repeated measurements (one value per seed or per instance): the
/// formulas every report in the toolkit uses, written once (docs/statistics.md).
///
/// Conventions: an empty sample has no mean (NaN, documented so callers guard before printing);
/// spread needs two values, so a single value has standard deviation 0 and interval half-width 0
/// (the sampler's reports print "± 0" for one seed; `SampleSummary` says nil instead).
public enum Statistics {
    /// Σx / n; NaN for an empty sample.
    public static func mean(_ x: [Double]) -> Double {
        x.isEmpty ? .nan : x.reduce(0, +) / Double(x.count)
    }

    /// The middle value (mean of the two middle values for an even count); NaN when empty.
    public static func median(_ x: [Double]) -> Double {
        guard !x.isEmpty else { return .nan }
        let s = x.sorted(), n = s.count
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2])
    }

    /// The sample (unbiased-variance) standard deviation √(Σ(x − x̄)² / (n − 1)), in two passes so
    /// that large equal-magnitude values do not cancel (the one-pass Σx² − n·x̄² would); 0 for
    /// fewer than 2 values.
    public static func standardDeviation(_ x: [Double]) -> Double {
        guard x.count >= 2 else { return 0 }
        let m = mean(x)
        return (x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1)).squareRoot()
    }

    /// Half-width of the two-sided 95 % Student-t confidence interval of the mean,
    /// t_{0.975, n−1} · s / √n: exact for a normal sample, and a fair large-sample interval for
    /// other shapes with ≥ 20 values. 0 for fewer than 2 values (no spread can be estimated).
    public static func confidenceHalfWidth95(_ x: [Double]) -> Double {
        guard x.count >= 2 else { return 0 }
        return StudentT.quantile975(degreesOfFreedom: x.count - 1) * standardDeviation(x) / Double(x.count).squareRoot()
    }

    /// Pearson correlation of paired values; NaN when either side is constant or n < 2.
    /// Precondition: equal lengths.
    public static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count, "pearson: lengths differ")
        guard x.count >= 2 else { return .nan }
        let mx = mean(x), my = mean(y)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(x, y) {
            sxy += (a - mx) * (b - my)
            sxx += (a - mx) * (a - mx)
            syy += (b - my) * (b - my)
        }
        guard sxx > 0, syy > 0 else { return .nan }
        return sxy / (sxx * syy).squareRoot()
    }
}
