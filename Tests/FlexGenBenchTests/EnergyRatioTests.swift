import Testing
@testable import FlexGenBench

@Suite struct EnergyRatioTests {
    @Test func ratioOfMeansDiffersFromMeanOfRatios() throws {
        // Pairs (baseline, flexgen): (1, 1) and (4, 2): ratio of means 5/3, mean of ratios (1 + 2)/2.
        let r = try #require(EnergyRatio(pairs: [(1, 1), (4, 2)]))
        #expect(r.pairedInstances == 2)
        #expect(abs(r.ratioOfMeans - 5.0 / 3) < 1e-15)
        #expect(r.meanOfRatios.mean == 1.5)
        // Unusable pairs are skipped, not turned into NaN.
        let s = try #require(EnergyRatio(pairs: [(2, 1), (1, 0), (.nan, 1)]))
        #expect(s.pairedInstances == 1 && s.ratioOfMeans == 2)
        #expect(EnergyRatio(pairs: []) == nil)
    }
}
