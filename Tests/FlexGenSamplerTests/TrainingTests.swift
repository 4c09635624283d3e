import Foundation
import Testing
@testable import FlexGenSampler

@Suite("Denoiser training")
struct TrainingTests {
    /// A small, fast configuration (seconds in a debug build).
    func smallSettings(steps: Int) -> DenoiserTrainingSettings {
        var s = DenoiserTrainingSettings()
        s.architecture = DenoiserArchitecture(hiddenWidth: 32, residualBlocks: 1, timeFeatures: 8)
        s.steps = steps
        s.batchSize = 32
        s.warmupSteps = 20
        s.learningRate = 3e-3
        s.seed = 5
        return s
    }

    @Test func a_few_hundred_steps_lower_the_held_out_loss() throws {
        let data = try DigitsDataset.loadShipped()
        let settings = smallSettings(steps: 300)
        let training = try DenoiserTraining(settings: settings, examples: data.training)
        let before = try DenoiserTraining.evaluationLoss(of: training.model(averaged: false), schedule: settings.schedule,
                                                     examples: data.heldOut, width: 1, rows: 256)
        var firstLosses: [Float] = [], lastLosses: [Float] = []
        for step in 0..<settings.steps {
            let info = training.step()
            #expect(info.loss.isFinite)
            if step < 20 { firstLosses.append(info.loss) }
            if step >= settings.steps - 20 { lastLosses.append(info.loss) }
        }
        let afterRaw = try DenoiserTraining.evaluationLoss(of: training.model(averaged: false), schedule: settings.schedule,
                                                       examples: data.heldOut, width: 1, rows: 256)
        let afterNarrow = try DenoiserTraining.evaluationLoss(of: training.model(averaged: false), schedule: settings.schedule,
                                                          examples: data.heldOut, width: 0.25, rows: 256)
        // An untrained ε-predictor scores ≈ 1 (the noise variance); 300 steps of this small network
        // must cut that clearly at full width (observed ≈ 0.71×) and also at the narrowest trained
        // width (observed ≈ 0.90×: the sandwich rule trains it too, with 8 of 32 units).
        #expect(before > 0.8)
        #expect(afterRaw < 0.8 * before, "held-out loss \(before) → \(afterRaw)")
        #expect(afterNarrow < 0.97 * before, "narrow held-out loss \(before) → \(afterNarrow)")
        let mean = { (xs: [Float]) in xs.reduce(0, +) / Float(xs.count) }
        #expect(mean(lastLosses) < 0.8 * mean(firstLosses))
    }

    @Test func trainingIsDeterministicUnderTheSeed() throws {
        let data = try DigitsDataset.loadShipped()
        var settings = smallSettings(steps: 5)
        let a = try DenoiserTraining(settings: settings, examples: data.training)
        let b = try DenoiserTraining(settings: settings, examples: data.training)
        for _ in 0..<5 { a.step(); b.step() }
        #expect(a.model().parameters == b.model().parameters)
        settings.seed = 6
        let c = try DenoiserTraining(settings: settings, examples: data.training)
        for _ in 0..<5 { c.step() }
        #expect(c.model().parameters != a.model().parameters)
    }

    @Test func invalidSettingsAreRejectedByName() {
        var s = DenoiserTrainingSettings()
        s.steps = 0
        s.minWidth = 0
        s.distillation = 2
        #expect(s.problems.count == 3)
        #expect(s.problems.first?.hasPrefix("steps:") == true)
        #expect(throws: DenoiserTraining.SettingsError.self) { try DenoiserTraining(settings: s, examples: []) }
    }

    @Test func learningRateWarmsUpThenDecaysToFivePercent() {
        var s = DenoiserTrainingSettings()
        s.steps = 1000; s.warmupSteps = 100; s.learningRate = 1
        #expect(s.learningRate(at: 0) == 0.01)
        #expect(s.learningRate(at: 99) == 1)
        #expect(abs(s.learningRate(at: 100) - 1) < 1e-6)
        #expect(abs(s.learningRate(at: 1000) - 0.05) < 1e-6)
        #expect(abs(s.learningRate(at: 550) - 0.525) < 1e-6)   // half-way: 0.05 + 0.95·0.5
    }

    @Test func checkpointRoundTripsAndRejectsBadMetadata() throws {
        let arch = DenoiserArchitecture(hiddenWidth: 5, residualBlocks: 2, timeFeatures: 4)
        let model = SlimmableDenoiser(architecture: arch, seed: 9)
        let checkpoint = DenoiserCheckpoint(denoiser: model, schedule: .standard, training: ["seed": "9"])
        let decoded = try DenoiserCheckpoint(SafeTensors(decoding: checkpoint.safeTensors().encoded()))
        #expect(decoded == checkpoint)
        var file = checkpoint.safeTensors()
        file.metadata["format"] = "something-else"
        #expect(throws: SafeTensorsError.self) { try DenoiserCheckpoint(file) }
        file = checkpoint.safeTensors()
        file.metadata["hiddenWidth"] = "6"          // shapes no longer match
        #expect(throws: SafeTensorsError.self) { try DenoiserCheckpoint(file) }
        file = checkpoint.safeTensors()
        file.tensors["input.bias"] = .init(floats: [0, .nan, 0, 0, 0], shape: [5])
        #expect(throws: SafeTensorsError.self) { try DenoiserCheckpoint(file) }
        file = checkpoint.safeTensors()
        file.tensors["block1.weight"] = nil
        #expect(throws: SafeTensorsError.missingTensor("block1.weight")) { try DenoiserCheckpoint(file) }
    }
}
