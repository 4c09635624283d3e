import Foundation  // erfc, exp, log

/// The standard normal distribution's upper tail and its inverse, for the large-ν limit of the
/// Student t quantile (docs/statistics.md).
enum StandardNormal {
    /// P(Z > z) = ½·erfc(z/√2), accurate in relative terms far into the tail (erfc is).
    static func upperTail(_ z: Double) -> Double {
        0.5 * erfc(z / 2.0.squareRoot())
    }

    /// The z > 0 with P(Z > z) = q, for 0 < q < ½ (q = ½ → 0).
    ///
    /// Method: safeguarded Newton on log P(Z > z) − log q (derivative −φ(z)/P(Z > z)), bracket
    /// (0, 40) (P(Z > 40) ≈ 4e-350 is below the smallest double). Tolerance: relative 1e-14.
    static func upperQuantile(_ q: Double) -> Double {
        if q >= 0.5 { return 0 }
        let logQ = log(q)
        // A start from the tail asymptote z ≈ √(−2 log q) (a slight overestimate for small q).
        let start = (-2 * logQ).squareRoot()
        let root = SafeguardedRoot.increasing(in: 0, 40, start: min(start, 39), relativeTolerance: 1e-14) { z in
            let tail = upperTail(z)
            let phi = exp(-0.5 * z * z) / (2 * Double.pi).squareRoot()
            return (logQ - log(tail), phi / tail)
        }
        return root.x
    }
}
