import Foundation
import Testing
@testable import FlexGenSampler

/// The model's public entry points throw `DiffusionInputError` for out-of-range arguments; they
/// used to trap, which would crash a library user's process.
@Suite struct DiffusionInputErrorTests {
    /// A tiny random network on a 10-step schedule: every call below is microseconds.
    static let architecture = DenoiserArchitecture(hiddenWidth: 8, residualBlocks: 1, timeFeatures: 4)
    static let model = FlexibleDiffusionModel(denoiser: SlimmableDenoiser(architecture: architecture, seed: 3),
                                              schedule: NoiseSchedule(timesteps: 10, betaStart: 1e-4, betaEnd: 0.02))

    /// 0, negative, NaN, ±∞, just above 1 and > 1.
    static let badWidths: [Double] = [0, -0.0, -0.5, -.infinity, .nan, .infinity, 1.0.nextUp, 2, .greatestFiniteMagnitude]

    /// The thrown error is `.width` carrying the given width (NaN compared as NaN).
    static func isWidthError(_ error: any Error, _ width: Double) -> Bool {
        guard case .width(let got)? = error as? DiffusionInputError else { return false }
        return width.isNaN ? got.isNaN : got == width
    }

    @Test(arguments: badWidths)
    func badWidthThrowsEverywhere(width: Double) {
        let model = Self.model
        #expect(performing: { try model.generate(width: width, steps: 2, count: 3, seed: 1) }, throws: { Self.isWidthError($0, width) })
        #expect(performing: { try model.generate(width: width, steps: 2, count: 0, seed: 1) }, throws: { Self.isWidthError($0, width) })
        #expect(performing: { try model.flopsPerImage(width: width, steps: 2) }, throws: { Self.isWidthError($0, width) })
        #expect(performing: { try model.flopsPerStep(width: width) }, throws: { Self.isWidthError($0, width) })
        #expect(performing: { try Self.architecture.activeWidth(width) }, throws: { Self.isWidthError($0, width) })
        #expect(performing: { try Self.architecture.flopsPerStep(width: width) }, throws: { Self.isWidthError($0, width) })
        #expect(performing: { try Self.architecture.flopsPerImage(width: width, steps: 2) }, throws: { Self.isWidthError($0, width) })
        #expect(performing: { try DDIMSampler(denoiser: model.denoiser, schedule: model.schedule).sample(width: width, steps: 2, labels: [1], seed: 1) },
                throws: { Self.isWidthError($0, width) })
        #expect(performing: { try model.denoiser.predictNoise(x: [Float](repeating: 0, count: 64), timesteps: [3], labels: [1], width: width) },
                throws: { Self.isWidthError($0, width) })
        #expect(performing: { try SampleSet(model: model, width: width, steps: 2, count: 2, seed: 1) }, throws: { Self.isWidthError($0, width) })
        // The sampler API reports the same as a bad request, naming the field.
        #expect(performing: { try BuiltinSampler(model: model).generate(SampleRequest(width: width, steps: 2, count: 2, seed: 1)) },
                throws: { ($0 as? SamplerError).map { "\($0)".contains("width") } == true })
    }

    @Test(arguments: [0, -1, Int.min, 11, Int.max])
    func stepsOutside1ThroughTThrow(steps: Int) {
        let model = Self.model
        let expected = DiffusionInputError.steps(steps, maximum: 10)
        #expect(throws: expected) { try model.generate(width: 0.5, steps: steps, count: 2, seed: 1) }
        #expect(throws: expected) { try model.generate(width: 0.5, steps: steps, count: 0, seed: 1) }
        #expect(throws: expected) { try model.flopsPerImage(width: 0.5, steps: steps) }
        #expect(throws: expected) {
            try DDIMSampler(denoiser: model.denoiser, schedule: model.schedule).sample(width: 0.5, steps: steps, labels: [1], seed: 1)
        }
        if steps < 1 {  // the architecture alone does not know T: it refuses only s < 1
            #expect(throws: DiffusionInputError.steps(steps, maximum: nil)) { try Self.architecture.flopsPerImage(width: 0.5, steps: steps) }
        }
    }

    @Test func otherArgumentsThrowNamingTheirField() {
        let model = Self.model
        #expect(throws: DiffusionInputError.count(-1)) { try model.generate(width: 1, steps: 1, count: -1, seed: 1) }
        #expect(throws: DiffusionInputError.labelCount(2, expected: 3)) { try model.generate(width: 1, steps: 1, count: 3, seed: 1, labels: [1, 2]) }
        #expect(throws: DiffusionInputError.label(11, maximum: 10)) { try model.generate(width: 1, steps: 1, count: 2, seed: 1, labels: [1, 11]) }
        #expect(throws: DiffusionInputError.label(-1, maximum: 10)) { try model.generate(width: 1, steps: 1, count: 1, seed: 1, labels: [-1]) }
        #expect(throws: DiffusionInputError.eta(-1)) { try model.generate(width: 1, steps: 1, count: 1, seed: 1, eta: -1) }
        #expect(performing: { try model.generate(width: 1, steps: 1, count: 1, seed: 1, eta: .nan) },
                throws: { if case .eta(let e)? = $0 as? DiffusionInputError { e.isNaN } else { false } })
        #expect(DiffusionInputError.width(.nan).description == "width: must be finite and in (0, 1], got nan")
        #expect(DiffusionInputError.steps(0, maximum: 1000).description == "steps: must be in 1…1000, got 0")
    }

    /// The edges of the admissible ranges still work: w = 1, the smallest positive width (one
    /// unit), s = 1 and s = T, count 0; FLOPs equal the hand count (s · flopsPerStep).
    @Test func edgesOfTheRangesAreAccepted() throws {
        let model = Self.model
        #expect(try model.generate(width: 1, steps: 10, count: 2, seed: 1).count == 2)
        #expect(try model.generate(width: .leastNonzeroMagnitude, steps: 1, count: 1, seed: 1).count == 1)
        #expect(try model.generate(width: 0.5, steps: 3, count: 0, seed: 1).isEmpty)
        #expect(try Self.architecture.activeWidth(.leastNonzeroMagnitude) == 1)
        #expect(try Self.architecture.activeWidth(1) == 8)
        #expect(try model.flopsPerImage(width: 1, steps: 10) == 10 * (try model.flopsPerStep(width: 1)))
    }
}
