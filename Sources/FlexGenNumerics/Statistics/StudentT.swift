import Foundation  // exp, log, log1p, lgamma

/// Student's t distribution with ν degrees of freedom: its CDF and its quantile, the factor of
/// every confidence interval in the toolkit (benchmark summaries, sampler calibration). One
/// implementation for all callers; method and checks in docs/statistics.md.
///
/// ν is real and positive (an integer n − 1 for a sample of n, a fractional ν for Welch-type
/// intervals).
public enum StudentT {
    /// Above this ν the quantile uses the Cornish–Fisher expansion around the normal quantile:
    /// its truncation error, O(ν⁻⁵), is far below double precision there, while the incomplete
    /// beta's log-gamma prefactor would start losing digits (≈ 1e-16·ν·log ν relative).
    static let largeDegreesOfFreedom = 1e5

    /// P(T ≤ t).
    ///
    /// Formula: for t ≥ 0, 1 − ½·I_{ν/(ν+t²)}(ν/2, ½); by symmetry P(T ≤ −t) = 1 − P(T ≤ t). The
    /// tail ½·I is computed directly, so a tiny tail keeps its relative accuracy.
    /// Tolerance: relative 1e-12 on the smaller of the two tails up to ν = 10³, about 1e-10 towards
    /// ν = 10⁵ (the incomplete beta's continued fraction converges to 1e-15; its log-gamma
    /// prefactor's cancellation grows like 1e-16·ν·log ν).
    /// Edge cases: t = ±∞ → 1 or 0; NaN t → NaN. Precondition: ν > 0.
    public static func cdf(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        precondition(nu > 0, "Student t: degrees of freedom must be > 0")
        if t.isNaN { return .nan }
        return t >= 0 ? 1 - upperTail(t, nu) : upperTail(-t, nu)
    }

    /// The p-quantile t_{p, ν}: the t with P(T ≤ t) = p.
    ///
    /// Method: by symmetry solve P(T > t) = q for q = min(p, 1 − p) and t > 0 (the small tail is
    /// taken directly from p, so p = 1e-20 is as accurate as p = 0.3), by safeguarded Newton on
    /// log P(T > t) − log q (`SafeguardedRoot`; the derivative is −density/tail), started from
    /// the Cornish–Fisher value and bracketed by growing the upper end 16-fold until the tail is
    /// below q. For ν > 10⁵ the four-term Cornish–Fisher expansion (Abramowitz & Stegun 26.7.5)
    /// around the exact normal quantile is returned directly.
    /// Tolerance: relative 1e-11 against the closed forms at ν = 1, 2 (1e-9 at ν = 4, whose closed
    /// form loses digits near p = ½) and 1e-9 against a brute-force inversion of the integrated
    /// density (tests); published tables are matched to their rounding. The tail P(T > t) at the
    /// returned t is within 1e-12 of q (relative) up to ν = 10³ and 1e-10 towards ν = 10⁵, where
    /// the log-gamma prefactor loses digits. For p near 1, 1 − p itself carries the rounding of p
    /// (unavoidable from the input).
    /// Edge cases: p = ½ → 0 exactly; t_{1−p} = −t_p exactly; ±∞ only when the quantile is beyond
    /// the largest double (ν ≈ 1 and min(p, 1 − p) below about 1e-300).
    /// Preconditions: 0 < p < 1, ν > 0 (a quantile of 0 or 1 is infinite: callers ask for a level).
    public static func quantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
        precondition(p > 0 && p < 1, "Student t: quantile level must be in (0, 1), got \(p)")
        precondition(nu > 0, "Student t: degrees of freedom must be > 0")
        if p == 0.5 { return 0 }
        let q = min(p, 1 - p)
        let sign: Double = p > 0.5 ? 1 : -1
        let z = StandardNormal.upperQuantile(q)
        let expansion = cornishFisher(z: z, nu)
        if nu > largeDegreesOfFreedom { return sign * expansion }
        let logQ = log(q)
        var upper = max(expansion, 1.0)
        while upperTail(upper, nu) >= q && upper.isFinite { upper *= 16 }
        // Only for ν ≲ 1 and q below ~1e-300: the quantile is beyond the largest double.
        guard upper.isFinite else { return sign * .infinity }
        let root = SafeguardedRoot.increasing(in: 0, upper, start: expansion, relativeTolerance: 1e-14) { t in
            let tail = upperTail(t, nu)
            return (logQ - log(tail), density(t, nu) / tail)
        }
        return sign * root.x
    }

    /// t_{0.975, ν}, the factor of a two-sided 95 % interval, for an integer ν (n − 1 of a sample
    /// of n). ν < 1 is treated as 1 (the widest interval), so a caller that forgot to guard n = 1
    /// gets a finite, conservative number rather than a trap.
    public static func quantile975(degreesOfFreedom nu: Int) -> Double {
        quantile(0.975, degreesOfFreedom: Double(max(nu, 1)))
    }

    /// P(T > t) for t ≥ 0: ½·I_{ν/(ν+t²)}(ν/2, ½), with 1 − x = t²/(ν + t²) formed directly.
    static func upperTail(_ t: Double, _ nu: Double) -> Double {
        if t == .infinity { return 0 }
        let t2 = t * t
        // x = ν/(ν + t²) and 1 − x = t²/(ν + t²); for huge t, t² overflows and x → 0.
        let x = t2.isFinite ? nu / (nu + t2) : 0
        let y = t2.isFinite ? t2 / (nu + t2) : 1
        return 0.5 * IncompleteBeta.regularized(x: x, y: y, a: nu / 2, b: 0.5)
    }

    /// The density Γ((ν+1)/2) / (√(νπ)·Γ(ν/2)) · (1 + t²/ν)^(−(ν+1)/2), in logs.
    static func density(_ t: Double, _ nu: Double) -> Double {
        let logNorm = lgamma((nu + 1) / 2) - lgamma(nu / 2) - 0.5 * log(nu * Double.pi)
        return exp(logNorm - (nu + 1) / 2 * log1p(t * t / nu))
    }

    /// t ≈ z + g₁/ν + g₂/ν² + g₃/ν³ + g₄/ν⁴ (Abramowitz & Stegun 26.7.5), z the normal quantile
    /// of the same level.
    static func cornishFisher(z: Double, _ nu: Double) -> Double {
        let z2 = z * z
        let g1 = (z2 + 1) * z / 4
        let g2 = ((5 * z2 + 16) * z2 + 3) * z / 96
        let g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384
        let g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160
        return z + (g1 + (g2 + (g3 + g4 / nu) / nu) / nu) / nu
    }
}
