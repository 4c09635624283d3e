import Foundation
import Testing
import FlexGenNumerics
@testable import FlexGenSampler

@Suite struct QualityLawTests {
    @Test func recoversAKnownLawExactly() throws {
        // q = 3 + 2·w^(−0.8) + 40·s^(−1.2) on a 4×4 grid, no noise.
        let widths = [0.25, 0.5, 0.75, 1.0], steps = [5.0, 10, 20, 50]
        var w: [Double] = [], s: [Double] = [], q: [Double] = []
        for a in widths { for b in steps {
            w.append(a); s.append(b); q.append(3 + 2 * pow(a, -0.8) + 40 * pow(b, -1.2))
        } }
        let fit = try QualityLawFit.fit(widths: w, steps: s, qualities: q)
        #expect(abs(fit.alpha - 0.8) < 2e-3 && abs(fit.beta - 1.2) < 2e-3)
        #expect(abs(fit.qInfinity - 3) < 2e-2 && abs(fit.a - 2) < 2e-2 && abs(fit.c - 40) < 0.2)
        #expect(fit.rSquared > 0.99999)
        #expect(fit.residuals.count == 16 && fit.residuals.allSatisfy { abs($0) < 1e-2 })
        #expect(abs(fit.predict(width: 0.5, steps: 10) - (3 + 2 * pow(0.5, -0.8) + 40 * pow(10, -1.2))) < 1e-2)
    }

    @Test func degenerateInputsAreRejected() {
        #expect(throws: QualityLawFit.FitError.tooFewPoints(3)) {
            try QualityLawFit.fit(widths: [1, 0.5, 0.25], steps: [1, 2, 3], qualities: [1, 2, 3])
        }
        // Every width equal: w^(−α) is the constant column, a and q∞ cannot be separated.
        #expect(throws: QualityLawFit.FitError.noFullRankDesign) {
            try QualityLawFit.fit(widths: Array(repeating: 0.5, count: 6), steps: [1, 2, 3, 4, 5, 6], qualities: [6, 5, 4, 3, 2, 1])
        }
        #expect(throws: QualityLawFit.FitError.nonFinite) {
            try QualityLawFit.fit(widths: [1, 0.5, 0.25, 1, 0.5, 0.25], steps: [1, 1, 1, 2, 2, 2], qualities: [1, 2, .nan, 4, 5, 6])
        }
        #expect(throws: QualityLawFit.FitError.nonFinite) {
            try QualityLawFit.fit(widths: [1, 0.5, 0, 1, 0.5, 0.25], steps: [1, 1, 1, 2, 2, 2], qualities: [1, 2, 3, 4, 5, 6])
        }
    }

    @Test func statisticsByHand() {
        // 1, 2, 3, 4: mean 2.5, s = √(5/3), CI half-width = t(3)·s/2 = 3.182·1.29099/2, with t(3)
        // from the printed three-decimal table (so within half a unit of its last decimal; the
        // sampler's own copy of that table was replaced by the exact quantile in FlexGenNumerics).
        let x = [1.0, 2, 3, 4]
        #expect(Statistics.mean(x) == 2.5)
        #expect(abs(Statistics.standardDeviation(x) - (5.0 / 3).squareRoot()) < 1e-15)
        #expect(abs(Statistics.confidenceHalfWidth95(x) - 3.182 * (5.0 / 3).squareRoot() / 2) <= 5e-4 * (5.0 / 3).squareRoot() / 2)
        #expect(Statistics.confidenceHalfWidth95([7]) == 0)
        #expect(Statistics.median([3, 1, 2]) == 2 && Statistics.median([4, 1, 3, 2]) == 2.5 && Statistics.median([]).isNaN)
        #expect(abs(StudentT.quantile975(degreesOfFreedom: 1) - 12.706) <= 5e-4)
        #expect(abs(StudentT.quantile975(degreesOfFreedom: 1000) - 1.96) < 0.003)
        #expect(abs(Statistics.pearson([1, 2, 3], [2, 4, 6]) - 1) < 1e-15)
        #expect(abs(Statistics.pearson([1, 2, 3], [3, 2, 1]) + 1) < 1e-15)
        #expect(Statistics.pearson([1, 1, 1], [1, 2, 3]).isNaN)
    }
}
