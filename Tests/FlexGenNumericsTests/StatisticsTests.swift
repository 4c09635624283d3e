import Testing
import FlexGenNumerics

@Suite struct StatisticsTests {
    @Test func summaryOfFourValuesMatchesHandComputation() throws {
        // mean 2.5; Σ(x − mean)² = 5, s² = 5/3; t(0.975, 3) = 3.1824463052837078 (scipy.stats.t.ppf,
        // to double precision: the six-decimal 3.182446 this used to take was the old table's
        // rounding, 3e-7 off); half-width = t·s/2.
        let s = try #require(SampleSummary([1, 2, 3, 4]))
        #expect(s.count == 4)
        #expect(s.mean == 2.5)
        #expect(abs(s.standardDeviation - (5.0 / 3).squareRoot()) < 1e-15)
        let half = try #require(s.confidenceHalfWidth95)
        #expect(abs(half - 3.1824463052837078 * (5.0 / 3).squareRoot() / 2) < 1e-12)
        #expect(s.minimum == 1 && s.maximum == 4)
    }

    @Test func edgeCases() {
        #expect(SampleSummary([]) == nil)
        #expect(SampleSummary([1, .nan]) == nil)
        #expect(SampleSummary([1, .infinity]) == nil)
        let one = SampleSummary([7])
        #expect(one?.mean == 7 && one?.standardDeviation == 0 && one?.confidenceHalfWidth95 == nil)
        // Constant samples: zero spread, zero-width interval (no NaN).
        #expect(SampleSummary([3, 3, 3])?.confidenceHalfWidth95 == 0)
        // Large equal-magnitude values: the two-pass variance stays exact.
        let big = SampleSummary([1e15 + 1, 1e15 + 2, 1e15 + 3])
        #expect(big?.standardDeviation == 1)
    }

    @Test func studentQuantileAgainstReferenceValues() {
        // scipy.stats.t.ppf(0.975, ν)
        let reference: [(Int, Double)] = [(1, 12.706205), (2, 4.302653), (19, 2.093024), (30, 2.042272),
                                          (31, 2.039513), (40, 2.021075), (100, 1.983972), (1000, 1.962339)]
        for (nu, t) in reference {
            #expect(abs(StudentT.quantile975(degreesOfFreedom: nu) - t) < 2e-6, "ν = \(nu)")
        }
        #expect(abs(StudentT.quantile975(degreesOfFreedom: 1_000_000_000) - 1.959964) < 1e-6)
        #expect(StudentT.quantile975(degreesOfFreedom: 0) == StudentT.quantile975(degreesOfFreedom: 1))
    }

    /// The summary and the free functions are one computation: same bits.
    @Test func summaryAgreesWithTheFreeFunctions() throws {
        let x = [3.1, 2.7, 4.4, 3.9, 3.3, 2.2]
        let s = try #require(SampleSummary(x))
        #expect(s.mean == Statistics.mean(x))
        #expect(s.standardDeviation == Statistics.standardDeviation(x))
        #expect(s.confidenceHalfWidth95 == Statistics.confidenceHalfWidth95(x))
    }
}
