import Testing
@testable import FlexGenSampler
import FlexGenNumerics

/// `EpsilonLinearCeiling` against cases whose answer is known without the MILP: a grid generated
/// by a member of the family (every configuration can be hit), and two widths with the same
/// ε-excess profile whose FDs are further apart than their CIs allow (at most one can be hit).
@Suite struct EpsilonLinearCeilingTests {
    typealias Ceiling = EpsilonLinearCeiling

    /// FD = F + d_s + Σ ω_t·a_t(w) with ω ≥ 0 is in the family, so every configuration is hit.
    @Test func aGridGeneratedByTheFamilyIsHitEverywhere() throws {
        var generator = Xoshiro256(seed: 3)
        let widths = [0.25, 0.5, 0.75, 1.0], steps = [5, 10, 50]
        let length = 6
        var excess: [Double: [Double]] = [:]
        for w in widths {
            excess[w] = (0..<length).map { _ in w == 1 ? 0 : (1 - w) * (0.5 + Double(generator.nextUniform())) }
        }
        let omega = (0..<length).map { _ in 3 * Double(generator.nextUniform()) }
        let offsets = [5: 2.0, 10: 0.5, 50: 0.0]
        var points: [Ceiling.Point] = []
        for w in widths { for s in steps {
            let q = 8 + offsets[s]! + zip(omega, excess[w]!).map { $0 * $1 }.reduce(0, +)
            points.append(Ceiling.Point(width: w, steps: s, measured: q, ci95: 1e-3))
        } }
        let scored = Set(points.filter { $0.width != 1 && $0.width != 0.25 }.map { Ceiling.Configuration(width: $0.width, steps: $0.steps) })
        let required = Set(points.filter { $0.width == 1 || $0.width == 0.25 }.map { Ceiling.Configuration(width: $0.width, steps: $0.steps) })
        let result = try Ceiling.compute(points: points, excessByTimestep: excess, scored: scored, required: required)
        #expect(result.outcome == .optimal)
        #expect(result.maximumHits == 6)
        #expect(result.scoredCount == 6)
        #expect(result.missed.isEmpty)
    }

    /// Widths 0.5 and 0.6 have the same excess profile, so every law predicts them alike; their FDs
    /// (10 ± 0.1 and 12 ± 0.1) cannot both be within 0.1 of one value: the maximum is 1 of 2.
    /// Requiring both makes the program infeasible.
    @Test func identicalProfilesWithDistantFDsCapTheHits() throws {
        let excess: [Double: [Double]] = [0.5: [1, 2, 0.5], 0.6: [1, 2, 0.5], 1.0: [0, 0, 0]]
        let points = [Ceiling.Point(width: 0.5, steps: 10, measured: 10, ci95: 0.1),
                      Ceiling.Point(width: 0.6, steps: 10, measured: 12, ci95: 0.1),
                      Ceiling.Point(width: 1.0, steps: 10, measured: 8, ci95: 0.1)]
        let both: Set = [Ceiling.Configuration(width: 0.5, steps: 10), Ceiling.Configuration(width: 0.6, steps: 10)]
        let result = try Ceiling.compute(points: points, excessByTimestep: excess, scored: both,
                                         required: [Ceiling.Configuration(width: 1.0, steps: 10)])
        #expect(result.outcome == .optimal)
        #expect(result.maximumHits == 1)
        #expect(result.missed.count == 1)
        let forced = try Ceiling.compute(points: points, excessByTimestep: excess, scored: [], required: both)
        #expect(forced.outcome == .infeasible)
        #expect(forced.maximumHits == nil)
    }

    /// The family's ω is non-negative: a width whose ε-excess is larger everywhere than another's
    /// cannot be predicted a lower FD. With FD(0.4) = 9 < FD(0.6) = 12 while 0.4's excess dominates,
    /// at most one of the two is hit (and both once the measured order agrees with the excesses).
    @Test func nonNegativeWeightsRespectDominance() throws {
        let excess: [Double: [Double]] = [0.4: [2, 3], 0.6: [1, 1], 1.0: [0, 0]]
        let configurations: Set = [Ceiling.Configuration(width: 0.4, steps: 20), Ceiling.Configuration(width: 0.6, steps: 20)]
        let floor = Ceiling.Configuration(width: 1.0, steps: 20)
        func points(_ q04: Double) -> [Ceiling.Point] {
            [Ceiling.Point(width: 0.4, steps: 20, measured: q04, ci95: 0.2), Ceiling.Point(width: 0.6, steps: 20, measured: 12, ci95: 0.2),
             Ceiling.Point(width: 1.0, steps: 20, measured: 8, ci95: 0.2)]
        }
        let wrongOrder = try Ceiling.compute(points: points(9), excessByTimestep: excess, scored: configurations, required: [floor])
        #expect(wrongOrder.maximumHits == 1)
        let rightOrder = try Ceiling.compute(points: points(20), excessByTimestep: excess, scored: configurations, required: [floor])
        #expect(rightOrder.maximumHits == 2)
    }

    /// Width 0.5's excess sits at the first timestep, 0.75's at the second; FD(1, ·) = 10. At 5
    /// steps only 0.5 is worse (20), at 50 steps only 0.75 (20). Each of the three widths then
    /// demands its own step offset d₅ (10, −10 and 0, worked from its two FDs), so a step-separable
    /// law hits at most one width at both step counts: 4 of 6 (miss one configuration of each of two
    /// widths). A weighting per step count (ω = (10, 0) at 5 steps, (0, 10) at 50) hits all 6, and
    /// its bound is the sum of the two per-step programs' (3 + 3).
    @Test func aWeightingPerStepCountReachesWhatTheStepSeparableFamilyCannot() throws {
        let excess: [Double: [Double]] = [0.5: [1, 0], 0.75: [0, 1], 1.0: [0, 0]]
        let fd: [Ceiling.Configuration: Double] = [
            .init(width: 0.5, steps: 5): 20, .init(width: 0.5, steps: 50): 10,
            .init(width: 0.75, steps: 5): 10, .init(width: 0.75, steps: 50): 20,
            .init(width: 1, steps: 5): 10, .init(width: 1, steps: 50): 10]
        let points = fd.map { Ceiling.Point(width: $0.key.width, steps: $0.key.steps, measured: $0.value, ci95: 0.1) }
        let everything = Set(fd.keys)
        let separable = try Ceiling.compute(points: points, excessByTimestep: excess, scored: everything)
        #expect(separable.outcome == .optimal && separable.maximumHits == 4 && separable.missed.count == 2)
        let perStep = try Ceiling.compute(points: points, excessByTimestep: excess, scored: everything, family: .perStepCount)
        #expect(perStep.outcome == .optimal && perStep.maximumHits == 6 && perStep.scoredCount == 6 && perStep.missed.isEmpty)
        // Requiring width 1 at both step counts leaves all 4 held-out configurations reachable;
        // requiring (0.5, 5) at FD 5, below width 1's 10 with a non-negative excess (ω ≥ 0 forbids
        // it), makes the 5-step program, and so the sum, infeasible.
        let required: Set<Ceiling.Configuration> = [.init(width: 1, steps: 5), .init(width: 1, steps: 50)]
        let heldOut = everything.subtracting(required)
        let withFloor = try Ceiling.compute(points: points, excessByTimestep: excess, scored: heldOut, required: required,
                                            family: .perStepCount)
        #expect(withFloor.maximumHits == 4 && withFloor.scoredCount == 4)
        let belowFloor = points.map { $0.width == 0.5 && $0.steps == 5 ? Ceiling.Point(width: 0.5, steps: 5, measured: 5, ci95: 0.1) : $0 }
        let impossible = try Ceiling.compute(points: belowFloor, excessByTimestep: excess, scored: [],
                                             required: required.union([.init(width: 0.5, steps: 5)]), family: .perStepCount)
        #expect(impossible.outcome == .infeasible && impossible.maximumHits == nil)
    }

    @Test func inconsistentInputIsAnError() {
        let point = Ceiling.Point(width: 0.5, steps: 10, measured: 10, ci95: 0.1)
        #expect(throws: SamplerError.self) {
            try Ceiling.compute(points: [point], excessByTimestep: [1.0: [0]], scored: [])
        }
        #expect(throws: SamplerError.self) {
            try Ceiling.compute(points: [point], excessByTimestep: [0.5: [1, 2], 1.0: [0]], scored: [])
        }
        #expect(throws: SamplerError.self) {
            try Ceiling.compute(points: [Ceiling.Point(width: 0.5, steps: 10, measured: .nan, ci95: 0.1)],
                                excessByTimestep: [0.5: [1]], scored: [])
        }
    }
}

/// The Fashion U-Net's ε-profile entry point against identities: widths that the GroupNorm rounding
/// maps to the same channels everywhere (0.3 and 0.375 of C = 16 and 2C = 32 in groups of 4: 8 and
/// 12 channels for both) run the same network on the same noisy inputs, so their profiles are equal
/// exactly; 0.5 shares their 28×28 channels (8) but not the 14×14 ones (16), so it differs; the
/// excess of width 1 over itself is 0.
@Suite struct FashionEpsilonProfileTests {
    @Test func widthsWithTheSameChannelsHaveTheSameProfile() throws {
        let model = try FashionDiffusionModel.loadShipped()
        var generator = Xoshiro256(seed: 5)
        let images = (0..<2).map { _ in (0..<FashionArchitecture.pixelCount).map { _ in Float(generator.nextUniform()) } }
        var settings = EpsilonErrorProfile.Settings(widths: [0.3, 0.375, 0.5, 1])
        settings.seedCount = 2
        settings.denseSteps = 2
        settings.stride = 400
        let profile = try EpsilonErrorProfile.measure(fashion: model, heldOut: FashionMNIST(images: images, labels: [3, 7]),
                                                      imageCount: 2, settings: settings)
        #expect(profile.pixelCount == 784 && profile.imageCount == 2)
        let a = try #require(profile.at(0.3)), b = try #require(profile.at(0.375)), c = try #require(profile.at(0.5))
        #expect(a.activeUnits == 8 && b.activeUnits == 8 && c.activeUnits == 8 && profile.at(1)?.activeUnits == 16)
        #expect(a.perTimestep == b.perTimestep && a.klBySeed == b.klBySeed)
        #expect(b.perTimestep != c.perTimestep)
        #expect(profile.klExcess(1)?.mean == 0)
        #expect(profile.widths.allSatisfy { $0.uniformMSE.isFinite && $0.uniformMSE > 0 })
        #expect(throws: SamplerError.self) {
            try EpsilonErrorProfile.measure(fashion: model, heldOut: FashionMNIST(images: images, labels: [3, 7]), imageCount: 0, settings: settings)
        }
    }
}
