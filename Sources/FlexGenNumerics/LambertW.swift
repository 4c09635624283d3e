import Foundation  // exp, expm1, log, log1p, fma

/// The Lambert W function: the inverse of w ↦ w·eʷ.
///
/// Two real branches: the principal branch W₀ on [−1/e, ∞) with values in [−1, ∞), and the lower
/// branch W₋₁ on [−1/e, 0) with values in (−∞, −1].
///
/// Method: a branch-specific initial guess (the branch-point series in p = ±√(2(e·x + 1)) near
/// −1/e, the Taylor series near 0, the asymptotic series log x − log log x + … for large |log|),
/// then Halley iterations on w·eʷ − x (Newton on w + log|w| − log|x| where eʷ could overflow or
/// underflow). `e·x + 1` is formed with e split into two doubles and an `fma`, so the distance to
/// the branch point is exact to rounding even when x is within a few ulps of −1/e, and near the
/// branch point the polish solves 1 − eᵛ(1 − v) = e·x + 1 for v = 1 + W, which has no cancellation.
///
/// Tolerance: a few ulps (relative) away from the branch point. Near −1/e the condition number
/// 1/(1+W) is unbounded, so there the result is accurate to a few ulps of the input's distance to
/// the branch point, which is the best a double-precision input allows.
public enum LambertW {
    /// e = eHigh + eLow to about 32 digits.
    @usableFromInline static let eHigh = 2.718281828459045
    @usableFromInline static let eLow = 1.4456468917292502e-16

    /// e·x + 1, accurate even when x ≈ −1/e.
    @inlinable
    public static func branchDistance(_ x: Double) -> Double {
        fma(eHigh, x, 1) + eLow * x
    }

    /// W₀(x), the principal branch.
    ///
    /// - Edge cases: NaN → NaN; x < −1/e beyond rounding → NaN; x at −1/e (the double nearest −1/e
    ///   lies a fraction of an ulp below it, so within 4 ulps of distance) → −1; ±0 → ±0 (sign kept);
    ///   tiny |x| → x·(1 − x) (exact to rounding); +∞ → +∞; huge finite x (up to the largest double)
    ///   → finite, no overflow.
    /// - Postconditions: W₀(x)·e^{W₀(x)} = x to a few ulps; W₀ is increasing; W₀(x) ≥ −1.
    public static func w0(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        if x == .infinity { return .infinity }
        if x == 0 { return x }
        if abs(x) < 1e-8 {
            // W₀(x) = x − x² + 3/2·x³ − 8/3·x⁴ …; the x⁴ term is below an ulp of x here.
            return x * (1 - x * (1 - 1.5 * x))
        }
        let d = branchDistance(x)
        if d <= 0 { return d > -4 * Double.ulpOfOne ? -1 : .nan }
        if x < -0.25 {
            let w = branchSeries((2 * d).squareRoot())
            return d < 1e-3 ? polishNearBranch(w, d: d) : halley(w, x: x)
        }
        if x < 3 {
            let w = x < 0.5 ? x * (1 - x * (1 - 1.5 * x)) : log1p(x) * (1 - log1p(log1p(x)) / (2 + log1p(x)))
            return halley(w, x: x)
        }
        let l1 = log(x)
        let l2 = log(l1)
        return newtonOnLog(l1 - l2 + l2 / l1 + l2 * (l2 - 2) / (2 * l1 * l1), logAbsX: l1)
    }

    /// W₋₁(x), the lower branch.
    ///
    /// - Edge cases: NaN → NaN; x < −1/e beyond rounding, or x > 0 → NaN; x at −1/e → −1;
    ///   x = ±0 → −∞; x → 0⁻ gives large negative values (W₋₁(−1e−300) ≈ −697.8) without underflow.
    /// - Postconditions: W₋₁(x)·e^{W₋₁(x)} = x to a few ulps; W₋₁ is decreasing; W₋₁(x) ≤ −1.
    public static func wMinus1(_ x: Double) -> Double {
        if x.isNaN || x > 0 { return .nan }
        if x == 0 { return -.infinity }
        let d = branchDistance(x)
        if d <= 0 { return d > -4 * Double.ulpOfOne ? -1 : .nan }
        if x < -0.25 {
            let w = branchSeries(-(2 * d).squareRoot())
            return d < 1e-3 ? polishNearBranch(w, d: d) : halley(w, x: x)
        }
        let l1 = log(-x)
        let l2 = log(-l1)
        return newtonOnLog(l1 - l2 + l2 / l1, logAbsX: l1)
    }

    /// The series of W about the branch point in p = ±√(2(e·x+1)) (the sign selects the branch);
    /// coefficients from Corless et al. (1996), "On the Lambert W function", eq. 4.22.
    @usableFromInline
    static func branchSeries(_ p: Double) -> Double {
        // Horner form written out: an array literal here would allocate on every call.
        let c9 = 226287557.0 / 37623398400, c8 = -1963.0 / 204120, c7 = 680863.0 / 43545600
        let c6 = -221.0 / 8505, c5 = 769.0 / 17280, c4 = -43.0 / 540, c3 = 11.0 / 72, c2 = -1.0 / 3
        var s = c9
        s = s * p + c8; s = s * p + c7; s = s * p + c6; s = s * p + c5
        s = s * p + c4; s = s * p + c3; s = s * p + c2; s = s * p + 1; s = s * p - 1
        return s
    }

    /// Near the branch point, solve d = 1 − eᵛ(1 − v) for v = 1 + w by Newton (g'(v) = v·eᵛ):
    /// both sides are formed without cancellation, unlike w·eʷ − x.
    static func polishNearBranch(_ w: Double, d: Double) -> Double {
        var v = w + 1
        for _ in 0..<8 {
            let slope = v * exp(v)
            if slope == 0 { break }
            let step = (oneMinusExpTimesOneMinus(v) - d) / slope
            v -= step
            if abs(step) <= 2 * Double.ulpOfOne * abs(v) { break }
        }
        return v - 1
    }

    /// h(v) = 1 − eᵛ(1 − v) = v·eᵛ − expm1(v), accurate for every v (series for |v| < 0.1, where the
    /// direct form cancels). h(0) = 0, h'(v) = v·eᵛ, h(v) ~ v²/2 near 0.
    /// Exposed because the allocation oracle solves h(y) = c for its spectral efficiency.
    public static func oneMinusExpTimesOneMinus(_ v: Double) -> Double {
        if abs(v) < 0.1 {
            // Σ_{n≥2} (n−1)/n! vⁿ, truncated after n = 11 (next term < 1e-18 relative).
            var s = 1.0 / 3991680
            s = s * v + 1.0 / 403200; s = s * v + 1.0 / 45360; s = s * v + 1.0 / 5760
            s = s * v + 1.0 / 840; s = s * v + 1.0 / 144; s = s * v + 1.0 / 30
            s = s * v + 1.0 / 8; s = s * v + 1.0 / 3; s = s * v + 1.0 / 2
            return s * v * v
        }
        if v >= 1 {
            // No cancellation here: 1 + eᵛ(v − 1) with both terms positive (and one exp, not two).
            return 1 + exp(v) * (v - 1)
        }
        return v * exp(v) - expm1(v)
    }

    static func halley(_ start: Double, x: Double) -> Double {
        var w = start
        for _ in 0..<30 {
            let ew = exp(w)
            let f = w * ew - x
            let wp1 = w + 1
            if wp1 == 0 || f == 0 { break }
            let denominator = ew * wp1 - (w + 2) * f / (2 * wp1)
            if denominator == 0 || !denominator.isFinite { break }
            let step = f / denominator
            w -= step
            if abs(step) <= 2 * Double.ulpOfOne * abs(w) { break }
        }
        return w
    }

    /// Newton on w + log|w| − log|x| = 0 (|w| ≥ 1 and large): eʷ is never formed.
    static func newtonOnLog(_ start: Double, logAbsX: Double) -> Double {
        var w = start
        for _ in 0..<30 {
            let f = w + log(abs(w)) - logAbsX
            let step = f * w / (w + 1)
            w -= step
            if abs(step) <= 2 * Double.ulpOfOne * abs(w) { break }
        }
        return w
    }
}
