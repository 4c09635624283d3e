import Foundation
import Testing
@testable import FlexGenNumerics

@Suite struct StudentTTests {
    /// Printed t tables (Fisher & Yates; the NIST/SEMATECH e-Handbook's table of upper critical
    /// values), three decimals: one row per ν, columns p = 0.90, 0.95, 0.975, 0.99, 0.995, 0.9995.
    static let printedTable: [(nu: Double, values: [Double])] = [
        (1, [3.078, 6.314, 12.706, 31.821, 63.657, 636.619]),
        (2, [1.886, 2.920, 4.303, 6.965, 9.925, 31.599]),
        (3, [1.638, 2.353, 3.182, 4.541, 5.841, 12.924]),
        (4, [1.533, 2.132, 2.776, 3.747, 4.604, 8.610]),
        (5, [1.476, 2.015, 2.571, 3.365, 4.032, 6.869]),
        (10, [1.372, 1.812, 2.228, 2.764, 3.169, 4.587]),
        (20, [1.325, 1.725, 2.086, 2.528, 2.845, 3.850]),
        (30, [1.310, 1.697, 2.042, 2.457, 2.750, 3.646]),
        (60, [1.296, 1.671, 2.000, 2.390, 2.660, 3.460]),
        (120, [1.289, 1.658, 1.980, 2.358, 2.617, 3.373]),
    ]
    static let levels = [0.90, 0.95, 0.975, 0.99, 0.995, 0.9995]

    @Test func matchesPrintedTablesToTheirRounding() {
        for (nu, row) in Self.printedTable {
            for (p, printed) in zip(Self.levels, row) {
                let t = StudentT.quantile(p, degreesOfFreedom: nu)
                // Half a unit in the third decimal, plus room for the double's own rounding.
                #expect(abs(t - printed) <= 5e-4 + 1e-12, "ν = \(nu), p = \(p): \(t) vs \(printed)")
                #expect(StudentT.quantile(1 - p, degreesOfFreedom: nu) == -t, "symmetry at ν = \(nu), p = \(p)")
            }
        }
        // The ν = ∞ row of the same tables is the normal quantile: ν = 10⁹ must be within rounding.
        let normalRow = [1.282, 1.645, 1.960, 2.326, 2.576, 3.291]
        for (p, printed) in zip(Self.levels, normalRow) {
            #expect(abs(StudentT.quantile(p, degreesOfFreedom: 1e9) - printed) <= 5e-4 + 1e-12, "ν = ∞, p = \(p)")
        }
    }

    /// The quantile has closed forms at ν = 1 (Cauchy), 2 and 4.
    @Test func matchesClosedFormsAtOneTwoAndFourDegrees() {
        for p in [1e-12, 1e-6, 0.01, 0.1, 0.3, 0.49, 0.51, 0.6, 0.9, 0.975, 0.999, 0.999_999] {
            // tan(π(p − ½)), written as ±1/tan(π·min(p, 1 − p)) so that it keeps its digits in the tails.
            let cauchy = (p < 0.5 ? -1.0 : 1.0) / tan(Double.pi * min(p, 1 - p))
            let two = (2 * p - 1) / (2 * p * (1 - p)).squareRoot()
            let alpha = 4 * p * (1 - p), theta = acos(alpha.squareRoot())
            let four = (p < 0.5 ? -1.0 : 1.0) * 2 * (cos(theta / 3) / alpha.squareRoot() - 1).squareRoot()
            // The ν = 4 form goes through acos near 0 for p near ½, which costs it digits.
            #expect(abs(StudentT.quantile(p, degreesOfFreedom: 1) - cauchy) <= 1e-11 * abs(cauchy), "ν = 1, p = \(p)")
            #expect(abs(StudentT.quantile(p, degreesOfFreedom: 2) - two) <= 1e-11 * abs(two), "ν = 2, p = \(p)")
            #expect(abs(StudentT.quantile(p, degreesOfFreedom: 4) - four) <= 1e-9 * abs(four), "ν = 4, p = \(p)")
        }
        #expect(StudentT.quantile(0.5, degreesOfFreedom: 3) == 0)
    }

    /// Brute force: the CDF as ½ + ∫₀ᵗ density (composite Simpson, 4 000 panels, density from
    /// lgamma), inverted by 60 bisections on [0, 50]; shares no code with the implementation
    /// (which inverts the incomplete beta function by Newton).
    @Test func matchesBruteForceInversionOfTheIntegratedDensity() {
        func density(_ t: Double, _ nu: Double) -> Double {
            exp(lgamma((nu + 1) / 2) - lgamma(nu / 2)) / (nu * Double.pi).squareRoot() * pow(1 + t * t / nu, -(nu + 1) / 2)
        }
        func cdf(_ t: Double, _ nu: Double) -> Double {
            let n = 4_000, h = t / Double(n)
            var sum = density(0, nu) + density(t, nu)
            for i in 1..<n { sum += (i % 2 == 1 ? 4 : 2) * density(Double(i) * h, nu) }
            return 0.5 + sum * h / 3
        }
        for nu in [3.0, 7.5, 19, 50] {
            for p in [0.8, 0.975, 0.999] {
                var lo = 0.0, hi = 50.0
                for _ in 0..<60 {
                    let mid = 0.5 * (lo + hi)
                    if cdf(mid, nu) < p { lo = mid } else { hi = mid }
                }
                let bruteForce = 0.5 * (lo + hi)
                let t = StudentT.quantile(p, degreesOfFreedom: nu)
                #expect(abs(t - bruteForce) <= 1e-9 * bruteForce, "ν = \(nu), p = \(p): \(t) vs \(bruteForce)")
            }
        }
    }

    /// cdf ∘ quantile = identity, including tiny tails (computed directly, not as 1 − p) and the
    /// large-ν expansion; the quantile is continuous across the switch to the expansion.
    @Test func cdfInvertsTheQuantile() {
        // Below ν = 10³ the tail is good to 1e-12; towards 10⁵ the log-gamma prefactor costs
        // digits (docs/statistics.md), 1e-10 there.
        for nu in [0.5, 1, 3, 19, 1_000, 99_999] {
            for p in [1e-20, 1e-8, 0.025, 0.3, 0.7, 0.975] {
                let t = StudentT.quantile(p, degreesOfFreedom: nu)
                let tolerance = nu <= 1_000 ? 1e-12 : 1e-10
                #expect(abs(StudentT.cdf(t, degreesOfFreedom: nu) - p) <= tolerance * p, "ν = \(nu), p = \(p)")
            }
        }
        let below = StudentT.quantile(0.975, degreesOfFreedom: StudentT.largeDegreesOfFreedom)
        let above = StudentT.quantile(0.975, degreesOfFreedom: StudentT.largeDegreesOfFreedom.nextUp)
        #expect(abs(below - above) <= 1e-10 * below)
        #expect(StudentT.cdf(.infinity, degreesOfFreedom: 2) == 1 && StudentT.cdf(-.infinity, degreesOfFreedom: 2) == 0)
        #expect(StudentT.cdf(0, degreesOfFreedom: 2) == 0.5)
    }

    /// The three identities of the incomplete beta function with elementary closed forms.
    @Test func incompleteBetaClosedForms() {
        for x in [1e-10, 0.1, 0.5, 0.77, 0.999] {
            let y = 1 - x
            #expect(abs(IncompleteBeta.regularized(x: x, y: y, a: 1, b: 1) - x) <= 1e-14)
            #expect(abs(IncompleteBeta.regularized(x: x, y: y, a: 3.5, b: 1) - pow(x, 3.5)) <= 1e-13 * pow(x, 3.5))
            #expect(abs(IncompleteBeta.regularized(x: x, y: y, a: 1, b: 2.5) - (1 - pow(y, 2.5))) <= 1e-14)
            let i = IncompleteBeta.regularized(x: x, y: y, a: 2.5, b: 4)
            #expect(abs(IncompleteBeta.regularized(x: y, y: x, a: 4, b: 2.5) - (1 - i)) <= 1e-14)
        }
    }
}
