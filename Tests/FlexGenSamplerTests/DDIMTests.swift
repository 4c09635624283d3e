import Foundation
import Testing
@testable import FlexGenSampler
import FlexGenNumerics

@Suite("DDIM sampling")
struct DDIMTests {
    /// The initial noise of image i, drawn as the sampler documents it.
    func initialNoise(seed: UInt64, image: Int) -> [Float] {
        var stream = Xoshiro256.derived(seed: seed, stream: UInt64(image))
        return (0..<64).map { _ in stream.nextNormal() }
    }

    /// Two deterministic DDIM steps recomputed by hand from `predictNoise` and the formulas.
    @Test func twoStepsMatchTheUpdateFormula() throws {
        let model = SlimmableDenoiser(architecture: DenoiserArchitecture(hiddenWidth: 8, residualBlocks: 1, timeFeatures: 4), seed: 4)
        let schedule = NoiseSchedule.standard
        let labels = [3, 10, 7]
        let sampled = try DDIMSampler(denoiser: model, schedule: schedule).sample(width: 0.5, steps: 2, labels: labels, seed: 21)
        #expect(schedule.ddimTimesteps(steps: 2) == [999, 499])
        for (i, label) in labels.enumerated() {
            var x = initialNoise(seed: 21, image: i).map(Double.init)
            for (t, tPrevious) in [(999, 499), (499, -1)] {
                let a = schedule.alphaBar[t], ap = tPrevious < 0 ? 1 : schedule.alphaBar[tPrevious]
                let eps = try model.predictNoise(x: x.map(Float.init), timesteps: [t], labels: [label], width: 0.5).map(Double.init)
                x = (0..<64).map { j in
                    let x0 = min(max((x[j] - (1 - a).squareRoot() * eps[j]) / a.squareRoot(), -1), 1)
                    let e = (x[j] - a.squareRoot() * x0) / (1 - a).squareRoot()
                    return ap.squareRoot() * x0 + (1 - ap).squareRoot() * e
                }
            }
            for j in 0..<64 {
                #expect(abs(Double(sampled[i * 64 + j]) - x[j]) < 1e-4, "image \(i) pixel \(j)")
            }
        }
    }

    @Test func oneStepIsTheClippedDenoisedGuess() throws {
        let model = SlimmableDenoiser(architecture: DenoiserArchitecture(hiddenWidth: 8, residualBlocks: 1, timeFeatures: 4), seed: 4)
        let schedule = NoiseSchedule.standard
        let out = try DDIMSampler(denoiser: model, schedule: schedule).sample(width: 1, steps: 1, labels: [2], seed: 3, eta: 1)
        let x = initialNoise(seed: 3, image: 0)
        let eps = try model.predictNoise(x: x, timesteps: [999], labels: [2], width: 1)
        let a = Float(schedule.alphaBar[999])
        for j in 0..<64 {
            let expected = min(max((x[j] - (1 - a).squareRoot() * eps[j]) / a.squareRoot(), -1), 1)
            #expect(abs(out[j] - expected) < 1e-4)
        }
    }

    @Test func shippedWeightsLoadAndSampleDeterministically() throws {
        let model = try FlexibleDiffusionModel.loadShipped()
        #expect(model.architecture == .standard)
        #expect(model.training["stepsTrained"] != nil)
        let a = try model.generate(width: 0.5, steps: 8, count: 12, seed: 1)
        let b = try model.generate(width: 0.5, steps: 8, count: 12, seed: 1)
        let c = try model.generate(width: 0.5, steps: 8, count: 12, seed: 2)
        #expect(a == b)
        #expect(a != c)
        #expect(a.count == 12 && a.allSatisfy { $0.count == 64 && $0.allSatisfy { $0 >= 0 && $0 <= 16 } })
        // Image i does not depend on how many are generated with it, up to float rounding (BLAS
        // may block a 5-row product differently from a 12-row one; observed differences ~1e-5).
        let fewer = try model.generate(width: 0.5, steps: 8, count: 5, seed: 1)
        #expect(zip(a.prefix(5), fewer).allSatisfy { zip($0, $1).allSatisfy { abs($0 - $1) < 1e-3 } })
        // η > 0 is seeded too, and differs from η = 0.
        let stochastic = try model.generate(width: 0.5, steps: 8, count: 4, seed: 1, eta: 1)
        #expect(try stochastic == model.generate(width: 0.5, steps: 8, count: 4, seed: 1, eta: 1))
        #expect(stochastic != Array(a.prefix(4)))
        // Explicit labels are honoured (label 3 everywhere differs from the default 0,1,2,3).
        #expect(try model.generate(width: 0.5, steps: 8, count: 4, seed: 1, labels: [3, 3, 3, 3]) != Array(a.prefix(4)))
        #expect(try model.generate(width: 1, steps: 1, count: 0, seed: 1).isEmpty)
    }

    /// The shipped model draws digits, not noise: the mean generated image correlates strongly
    /// with the mean held-out image, and each label's mean image is closest to its own class mean.
    @Test func shippedModelImitatesTheData() throws {
        let model = try FlexibleDiffusionModel.loadShipped()
        let data = try DigitsDataset.loadShipped()
        let images = try model.generate(width: 1, steps: 20, count: 200, seed: 3)
        func meanImage(_ xs: [[Float]]) -> [Double] {
            (0..<64).map { j in xs.reduce(0.0) { $0 + Double($1[j]) } / Double(xs.count) }
        }
        func correlation(_ u: [Double], _ v: [Double]) -> Double {
            let mu = u.reduce(0, +) / 64, mv = v.reduce(0, +) / 64
            let cov = zip(u, v).reduce(0.0) { $0 + ($1.0 - mu) * ($1.1 - mv) }
            let su = u.reduce(0.0) { $0 + ($1 - mu) * ($1 - mu) }, sv = v.reduce(0.0) { $0 + ($1 - mv) * ($1 - mv) }
            return cov / (su * sv).squareRoot()
        }
        #expect(correlation(meanImage(images), meanImage(data.heldOut.map(\.pixels))) > 0.9)
        var matched = 0
        for label in 0..<10 {
            let generated = meanImage(images.enumerated().filter { $0.offset % 10 == label }.map(\.element))
            let scores = (0..<10).map { c in correlation(generated, meanImage(data.heldOut.filter { $0.label == c }.map(\.pixels))) }
            if scores.firstIndex(of: scores.max()!) == label { matched += 1 }
        }
        #expect(matched >= 9, "label-conditional means matched their class for \(matched)/10 labels")
    }

    @Test func samplesWriteAsPNGAndJSON() throws {
        let model = try FlexibleDiffusionModel.loadShipped()
        let set = try SampleSet(model: model, width: 0.25, steps: 4, count: 6, seed: 9)
        #expect(set.activeWidth == 64)
        #expect(try set.flopsPerImage == 4 * model.flopsPerStep(width: 0.25))
        let folder = NSTemporaryDirectory() + "flexgen-d1-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try set.writePNG(to: folder + "/grid.png")
        try set.writeJSON(to: folder + "/raw.json")
        let png = try Data(contentsOf: URL(fileURLWithPath: folder + "/grid.png"))
        #expect(Array(png.prefix(8)) == PNGEncoder.signature)
        let decoded = try JSONDecoder().decode(SampleSet.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/raw.json")))
        #expect(decoded == set)
    }
}
