/// Safeguarded Newton–bisection for the root of an increasing function on a bracket.
///
/// Contract: `function(x)` returns (value, derivative) of a continuous, nondecreasing g on the open
/// interval (lower, upper) with g(lower⁺) < 0 < g(upper⁻) (the ends may be singular: they are never
/// evaluated). Starting at `start` (clamped into the bracket), each Newton step that stays strictly
/// inside the current bracket is taken; otherwise the step bisects (geometrically when the lower
/// end is 0, so roots many decades below `upper` are reached in O(log decades) steps). The bracket
/// shrinks on every evaluation by the sign of g.
///
/// Postconditions: returns x in the bracket with g(x) = 0, or with the bracket narrower than
/// `relativeTolerance`·x, or with a Newton correction below `relativeTolerance`·x once the root is
/// bracketed by evaluations of both signs (a tiny correction alone is not trusted: next to a
/// singular end g and g' are both huge), or the best point after `maxIterations`
/// (flagged `converged = false`).
/// Newton converges quadratically near a simple root; the bisection fallback guarantees at most
/// ~log2((upper − lower)/tolerance) extra steps.
public enum SafeguardedRoot {
    public struct Result: Sendable, Hashable {
        public var x: Double
        public var value: Double
        public var derivative: Double
        public var iterations: Int
        public var converged: Bool

        @inlinable
        public init(x: Double, value: Double, derivative: Double, iterations: Int, converged: Bool) {
            self.x = x; self.value = value; self.derivative = derivative
            self.iterations = iterations; self.converged = converged
        }
    }

    @inlinable
    public static func increasing(in lower: Double, _ upper: Double, start: Double,
                                  relativeTolerance: Double = 4 * Double.ulpOfOne,
                                  maxIterations: Int = 200,
                                  _ function: (Double) -> (value: Double, derivative: Double)) -> Result {
        var lo = lower, hi = upper
        var gLo = -Double.infinity, gHi = Double.infinity
        var x = start
        if !(x > lo && x < hi) { x = midpoint(lo, hi) }
        var best = Result(x: x, value: .nan, derivative: .nan, iterations: 0, converged: false)
        var stepBeforeLast = hi - lo, lastStep = hi - lo
        for iteration in 1...max(1, maxIterations) {
            let (g, dg) = function(x)
            best = Result(x: x, value: g, derivative: dg, iterations: iteration, converged: false)
            if g == 0 { best.converged = true; return best }
            if g.isNaN { x = midpoint(lo, hi); continue }
            if g < 0 { lo = x; gLo = g } else { hi = x; gHi = g }
            if hi - lo <= relativeTolerance * abs(x) { best.converged = true; return best }
            let newton = x - g / dg
            if dg > 0 && abs(newton - x) <= relativeTolerance * abs(x) {
                // The Newton correction is below the tolerance. Near a singular end (g and g' both
                // huge) that can happen far from the root, so it is trusted only once the root is
                // bracketed by evaluations on both sides; otherwise probe just across it.
                if gLo.isFinite && gHi.isFinite {
                    best.converged = true
                    return best
                }
                let probe = x - (g > 0 ? 1 : -1) * max(2 * abs(newton - x), 2 * relativeTolerance * abs(x))
                if probe > lo && probe < hi { x = probe; continue }
                best.converged = true
                return best
            }
            // Newton is taken when it stays inside the bracket and is converging fast enough: its
            // step at most half the step before last (the `rtsafe` rule), else it is slow (a poor
            // derivative) and the bracket-shrinking fallback is faster.
            if dg > 0 && newton > lo && newton < hi && abs(newton - x) <= 0.5 * abs(stepBeforeLast) {
                stepBeforeLast = lastStep
                lastStep = newton - x
                x = newton
                continue
            }
            let previousX = x
            defer { stepBeforeLast = lastStep; lastStep = x - previousX }
            // Newton left the bracket: a false-position step between the bracket ends (kept away
            // from them so that the bracket keeps shrinking), else a bisection.
            let width = hi - lo
            let secant = lo - gLo * width / (gHi - gLo)
            if gLo.isFinite && gHi.isFinite && secant > lo + width / 16 && secant < hi - width / 16 {
                x = secant
            } else if gLo.isFinite && gHi.isFinite && secant.isFinite && secant > lo && secant < hi {
                x = secant <= lo + width / 16 ? lo + width / 16 : hi - width / 16
            } else {
                x = midpoint(lo, hi)
            }
        }
        return best
    }

    /// Bisection point: arithmetic when the bracket is within a factor 16, geometric (in the
    /// exponent) when lo > 0 spans many decades, and hi/16 when lo is 0.
    @usableFromInline
    static func midpoint(_ lo: Double, _ hi: Double) -> Double {
        if lo > 0 && hi > 16 * lo { return (lo * hi).squareRoot() }
        if lo == 0 && hi > 0 { return hi / 16 }
        return lo + (hi - lo) / 2
    }
}
