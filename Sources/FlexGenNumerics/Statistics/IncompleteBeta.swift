import Foundation  // exp, log, lgamma

/// The regularized incomplete beta function I_x(a, b) = B(x; a, b) / B(a, b), the CDF of the
/// Beta(a, b) distribution; the Student-t tail is built on it (docs/statistics.md).
///
/// Method: the continued fraction
///
///     I_x(a, b) = xᵃ(1 − x)ᵇ / (a·B(a, b)) · 1/(1 + d₁/(1 + d₂/(1 + …)))
///     d₂ₘ₊₁ = −(a + m)(a + b + m)·x / ((a + 2m)(a + 2m + 1))
///     d₂ₘ   = m(b − m)·x / ((a + 2m − 1)(a + 2m))
///
/// evaluated by the modified Lentz method. It converges fast for x < (a + 1)/(a + b + 2); above
/// that the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) is used. Both x and 1 − x are taken as inputs
/// so that a caller who knows 1 − x exactly (the t tail does: t²/(ν + t²)) loses nothing to the
/// subtraction, and the smaller of I and 1 − I is always computed directly (no cancellation in a
/// small tail).
///
/// Tolerance: relative 1e-15 on the continued fraction; the prefactor's log-gamma terms add an
/// absolute error of a few ulps of lgamma(a + b), i.e. about 1e-16·(a + b)·log(a + b) relative,
/// which is why callers keep a + b moderate (the t quantile switches to its large-ν expansion
/// above ν = 10⁵, where this is ≈ 1e-10).
///
/// Edge cases: x ≤ 0 → 0, x ≥ 1 → 1. Preconditions (internal use): a > 0, b > 0, x + y = 1.
enum IncompleteBeta {
    /// I_x(a, b) with y = 1 − x supplied by the caller; `complement` true returns 1 − I_x(a, b)
    /// computed without cancellation.
    static func regularized(x: Double, y: Double, a: Double, b: Double, complement: Bool = false) -> Double {
        if x <= 0 { return complement ? 1 : 0 }
        if y <= 0 { return complement ? 0 : 1 }
        if x < (a + 1) / (a + b + 2) {
            let direct = prefactor(x: x, y: y, a: a, b: b) * continuedFraction(x: x, a: a, b: b) / a
            return complement ? 1 - direct : direct
        }
        // 1 − I_x(a, b) = I_y(b, a), evaluated directly.
        let swapped = prefactor(x: y, y: x, a: b, b: a) * continuedFraction(x: y, a: b, b: a) / b
        return complement ? swapped : 1 - swapped
    }

    /// xᵃ(1 − x)ᵇ / B(a, b), in logs (each factor alone can under- or overflow).
    private static func prefactor(x: Double, y: Double, a: Double, b: Double) -> Double {
        exp(a * log(x) + b * log(y) + lgamma(a + b) - lgamma(a) - lgamma(b))
    }

    /// 1/(1 + d₁/(1 + d₂/(1 + …))) by the modified Lentz method (tiny = 1e-300 guards zero
    /// denominators); stops when a factor is within 1e-15 of 1, at most 10 000 terms (enough for
    /// a, b ≤ 10⁵: the number of terms grows like √max(a, b)).
    private static func continuedFraction(x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var result = d
        for m in 1...10_000 {
            let mm = Double(m)
            let even = mm * (b - mm) * x / ((a + 2 * mm - 1) * (a + 2 * mm))
            d = 1 + even * d
            if abs(d) < tiny { d = tiny }
            c = 1 + even / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            result *= d * c
            let odd = -(a + mm) * (a + b + mm) * x / ((a + 2 * mm) * (a + 2 * mm + 1))
            d = 1 + odd * d
            if abs(d) < tiny { d = tiny }
            c = 1 + odd / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let factor = d * c
            result *= factor
            if abs(factor - 1) < 1e-15 { break }
        }
        return result
    }
}
