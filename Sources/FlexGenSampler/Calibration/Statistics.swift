import Foundation

/// Small-sample statistics for repeated-seed measurements.
public enum Statistics {
    public static func mean(_ x: [Double]) -> Double {
        x.isEmpty ? .nan : x.reduce(0, +) / Double(x.count)
    }

    /// The middle value (mean of the two middle values for an even count); nan when empty.
    public static func median(_ x: [Double]) -> Double {
        guard !x.isEmpty else { return .nan }
        let s = x.sorted(), n = s.count
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2])
    }

    /// Unbiased sample standard deviation (0 for fewer than 2 values).
    public static func standardDeviation(_ x: [Double]) -> Double {
        guard x.count >= 2 else { return 0 }
        let m = mean(x)
        return (x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1)).squareRoot()
    }

    /// Half-width of the two-sided 95 % Student-t confidence interval of the mean:
    /// t_{0.975, n−1} · s / √n. 0 for a single value (no spread can be estimated; reports say so).
    public static func confidenceHalfWidth95(_ x: [Double]) -> Double {
        guard x.count >= 2 else { return 0 }
        return studentT975(degreesOfFreedom: x.count - 1) * standardDeviation(x) / Double(x.count).squareRoot()
    }

    /// t_{0.975, ν}: the tabulated values for ν ≤ 30 (to 3 decimals), then the normal 1.96 plus
    /// the first-order correction 2.4/ν (error < 0.003 for ν > 30).
    public static func studentT975(degreesOfFreedom nu: Int) -> Double {
        precondition(nu >= 1, "degrees of freedom must be ≥ 1")
        let table = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                     2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                     2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]
        return nu <= table.count ? table[nu - 1] : 1.96 + 2.4 / Double(nu)
    }

    /// Pearson correlation of paired values; nan when either side is constant or n < 2.
    public static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count, "pearson: lengths differ")
        guard x.count >= 2 else { return .nan }
        let mx = mean(x), my = mean(y)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(x, y) { sxy += (a - mx) * (b - my); sxx += (a - mx) * (a - mx); syy += (b - my) * (b - my) }
        guard sxx > 0, syy > 0 else { return .nan }
        return sxy / (sxx * syy).squareRoot()
    }
}
