import Foundation
import Testing
@testable import FlexGenNumerics

/// Lambert W against reference values (mpmath `lambertw(mpf(x), k)` at 30 digits, x the exact
/// double) and
/// against its defining identity W·e^W = x across the whole range of both real branches.
@Suite struct LambertWTests {
    static func relativeError(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(b), .leastNormalMagnitude) }

    @Test func principalBranchKnownValues() {
        let cases: [(Double, Double)] = [
            (1, 0.56714329040978387300),           // the omega constant
            (M_E, 1),
            (10, 1.7455280027406993831),
            (-0.1, -0.111832559158962971823),
            (-0.3, -0.489402227180214933565),
            (0.5, 0.35173371124919582602),
            (100, 3.3856301402900501849),
            (1e10, 20.0286854133049507812),
            (1e300, 684.247208629760849292),
            (-0.36, -0.80608431597081762445),
        ]
        for (x, w) in cases {
            #expect(Self.relativeError(LambertW.w0(x), w) <= 8 * Double.ulpOfOne, "W0(\(x)) = \(LambertW.w0(x)), want \(w)")
        }
    }

    @Test func lowerBranchKnownValues() {
        let cases: [(Double, Double)] = [
            (-0.1, -3.57715206395729714136),
            (-0.3, -1.78133702342162769635),
            (-1e-10, -26.2952388192469256562),
            (-1e-300, -697.32277629546016097),
            (-0.36, -1.22277013397850615627),
        ]
        for (x, w) in cases {
            #expect(Self.relativeError(LambertW.wMinus1(x), w) <= 8 * Double.ulpOfOne, "W-1(\(x)) = \(LambertW.wMinus1(x)), want \(w)")
        }
    }

    @Test func edgeCases() {
        #expect(LambertW.w0(.nan).isNaN)
        #expect(LambertW.w0(.infinity) == .infinity)
        #expect(LambertW.w0(-.infinity).isNaN)
        #expect(LambertW.w0(0) == 0)
        #expect(LambertW.w0(-0.0) == 0 && LambertW.w0(-0.0).sign == .minus)
        #expect(LambertW.w0(-1 / M_E) == -1)           // the double nearest −1/e
        #expect(LambertW.w0(-0.37).isNaN)               // below the branch point
        #expect(LambertW.w0(.greatestFiniteMagnitude).isFinite)
        #expect(LambertW.w0(5e-324) == 5e-324)          // subnormal: W(x) = x to rounding
        #expect(LambertW.wMinus1(.nan).isNaN)
        #expect(LambertW.wMinus1(0) == -.infinity)
        #expect(LambertW.wMinus1(1e-5).isNaN)
        #expect(LambertW.wMinus1(-0.37).isNaN)
        #expect(LambertW.wMinus1(-1 / M_E) == -1)
        #expect(LambertW.wMinus1(-5e-324).isFinite)
    }

    /// W e^W = x over 600 log-spaced points from 1e-300 to 1e300 (and their negatives down to
    /// −1/e), with the identity in its overflow-free form w + log w = log x for large x.
    @Test func identityAcrossTheRange() {
        for i in 0...600 {
            let x = pow(10, -300 + Double(i))
            let w = LambertW.w0(x)
            if x < 1e100 {
                // One ulp of w moves w·eʷ by (1 + w) ulps: the identity's own conditioning.
                #expect(Self.relativeError(w * exp(w), x) <= 8 * Double.ulpOfOne * (1 + abs(w)), "x = \(x)")
            } else {
                #expect(abs(w + log(w) - log(x)) <= 8 * Double.ulpOfOne * log(x), "x = \(x)")
            }
            let negative = -min(x, 0.3678)
            let w0 = LambertW.w0(negative), wm = LambertW.wMinus1(negative)
            #expect(w0 >= -1 && wm <= -1)
            #expect(Self.relativeError(w0 * exp(w0), negative) <= 8 * Double.ulpOfOne / (1 + w0), "W0 at \(negative)")
            #expect(abs(wm + log(-wm) - log(-negative)) <= 8 * Double.ulpOfOne * max(1, abs(log(-negative))), "W-1 at \(negative)")
        }
    }

    /// Near the branch point the identity is ill-conditioned in x, but 1 − e^{v}(1 − v) = e·x + 1
    /// with v = 1 + W is not: check that form for distances 1e-15 … 1e-2. W ≈ −1 is a double, so
    /// v carries an absolute error of an ulp of 1, which moves h(v) by v·ε: the tolerance.
    @Test func nearTheBranchPoint() {
        for k in 2...15 {
            let d = pow(10, -Double(k))                     // distance e·x + 1
            let x = (d - 1) / M_E
            let distance = LambertW.branchDistance(x)
            for w in [LambertW.w0(x), LambertW.wMinus1(x)] {
                let v = w + 1
                let residual = LambertW.oneMinusExpTimesOneMinus(v) - distance
                #expect(abs(residual) <= 4 * Double.ulpOfOne * abs(v) + 16 * Double.ulpOfOne * distance, "d = \(d), w = \(w)")
            }
            #expect(LambertW.w0(x) > -1 && LambertW.wMinus1(x) < -1)
            // W ≈ −1 ± √(2d) to leading order.
            #expect(abs(LambertW.w0(x) + 1 - (2 * distance).squareRoot()) <= distance * 2)
        }
    }

    @Test func monotone() {
        var previous0 = -Double.infinity, previousM = Double.infinity
        for i in 0...2000 {
            let x = -1 / M_E + 1e-12 + Double(i) * (0.3678794411714 - 1e-12) / 2000
            let w0 = LambertW.w0(x), wm = LambertW.wMinus1(min(x, -1e-300))
            #expect(w0 >= previous0)
            #expect(wm <= previousM)
            previous0 = w0
            previousM = wm
        }
    }

    @Test func helperIsAccurateAroundItsSeriesSwitch() {
        // h(v) = 1 − eᵛ(1 − v): compare the series and direct forms where both are valid.
        for v in [0.05, 0.0999, 0.1, 0.1001, 0.5, 0.999, 1, 1.001, 5, -0.05, -0.5] {
            let reference = Double(1 - exp(Float80(v)) * (1 - Float80(v)))
            #expect(Self.relativeError(LambertW.oneMinusExpTimesOneMinus(v), reference) <= 1e-14, "v = \(v)")
        }
        #expect(LambertW.oneMinusExpTimesOneMinus(0) == 0)
        #expect(Self.relativeError(LambertW.oneMinusExpTimesOneMinus(1e-8), 0.5e-16) <= 1e-7)
    }
}
