import Foundation
import FlexGenNumerics

/// DDPM training of the slimmable denoiser with the sandwich rule (Yu & Huang 2019):
///
/// each step draws a batch (x₀, y) from the training split, t ~ U{0…T−1}, ε ~ N(0, I), forms
/// x_t = √ᾱₜ·x₀ + √(1−ᾱₜ)·ε, and accumulates the gradients of the mean squared error
/// ‖ε̂_w(x_t, t, y) − target_w‖² / (64·n) for w = 1 (target ε), w = minWidth and `randomWidths`
/// widths uniform in [minWidth, 1] (target (1−λ)ε + λ·ε̂₁, in-place distillation), then takes one
/// Adam step on the sum (global-norm clipped) and updates an exponential moving average of the
/// weights, which is what the checkpoint stores.
///
/// Deterministic: all randomness comes from `Xoshiro256(seed:)` streams; the same settings and
/// data give the same weights on the same machine and BLAS build.
public final class DenoiserTraining {
    public let settings: DenoiserTrainingSettings
    public private(set) var denoiser: SlimmableDenoiser
    public private(set) var averaged: [Float]
    public private(set) var stepsDone = 0
    private let images: [[Float]]
    private let labels: [Int]
    private var generator: Xoshiro256
    private var firstMoment: [Float]
    private var secondMoment: [Float]
    private var gradient: [Float]
    private let workspace: DenoiserWorkspace

    public enum SettingsError: Error, CustomStringConvertible {
        case invalid([String])
        case noData
        public var description: String {
            switch self {
            case .invalid(let problems): "invalid training settings: " + problems.joined(separator: "; ")
            case .noData: "training needs at least one example"
            }
        }
    }

    /// - Parameter examples: training images (pixels 0…16) and labels 0…9.
    public init(settings: DenoiserTrainingSettings, examples: [DigitsDataset.Example]) throws {
        guard settings.problems.isEmpty else { throw SettingsError.invalid(settings.problems) }
        guard !examples.isEmpty else { throw SettingsError.noData }
        self.settings = settings
        denoiser = SlimmableDenoiser(architecture: settings.architecture, seed: settings.seed)
        averaged = denoiser.parameters
        images = examples.map { $0.pixels.map(DigitsDataset.scaleToModel) }
        labels = examples.map(\.label)
        generator = Xoshiro256.derived(seed: settings.seed, stream: 1)
        firstMoment = [Float](repeating: 0, count: denoiser.parameters.count)
        secondMoment = firstMoment
        gradient = firstMoment
        workspace = DenoiserWorkspace(architecture: settings.architecture, rows: settings.batchSize)
    }

    /// The trained model: the weight average (or the raw weights if `averaged: false`).
    public func model(averaged useAverage: Bool = true) -> SlimmableDenoiser {
        useAverage ? SlimmableDenoiser(architecture: settings.architecture, parameters: averaged) : denoiser
    }

    /// Runs one optimiser step and reports its losses.
    @discardableResult
    public func step() -> DenoiserTrainingStepInfo {
        let n = settings.batchSize, p = DenoiserArchitecture.pixelCount
        let schedule = settings.schedule
        var batchLabels = [Int](repeating: 0, count: n)
        var timesteps = [Int](repeating: 0, count: n)
        var noise = [Float](repeating: 0, count: n * p)
        for r in 0..<n {
            let index = generator.nextInt(below: images.count)
            timesteps[r] = generator.nextInt(below: schedule.timesteps)
            batchLabels[r] = generator.nextUniform() < settings.nullLabelProbability ? DenoiserArchitecture.nullLabel : labels[index]
            let a = Float(schedule.alphaBar[timesteps[r]].squareRoot())
            let b = Float((1 - schedule.alphaBar[timesteps[r]]).squareRoot())
            let image = images[index]
            for j in 0..<p {
                let e = generator.nextNormal()
                noise[r * p + j] = e
                workspace.input[r * p + j] = a * image[j] + b * e
            }
        }
        var widths = [1.0, settings.minWidth]
        for _ in 0..<settings.randomWidths {
            widths.append(settings.minWidth + (1 - settings.minWidth) * generator.nextUniform())
        }
        for i in gradient.indices { gradient[i] = 0 }
        var widest = [Float]()
        var losses: [Float] = []
        let scale = 2 / Float(n * p)
        gradient.withUnsafeMutableBufferPointer { g in
            for (index, width) in widths.enumerated() {
                let active = settings.architecture.activeUnits(width)  // widths in [minWidth, 1], validated
                denoiser.forward(workspace: workspace, rows: n, timesteps: timesteps, labels: batchLabels, active: active)
                let out = workspace.output
                var loss: Float = 0
                let lambda: Float = index == 0 ? 0 : settings.distillation
                for k in 0..<(n * p) {
                    let error = out[k] - noise[k]
                    loss += error * error
                    let target = lambda == 0 ? noise[k] : (1 - lambda) * noise[k] + lambda * widest[k]
                    workspace.outputGradient[k] = scale * (out[k] - target)
                }
                losses.append(loss / Float(n * p))
                if index == 0 && settings.distillation > 0 {
                    widest = Array(UnsafeBufferPointer(start: out, count: n * p))
                }
                denoiser.backward(workspace: workspace, rows: n, labels: batchLabels, active: active, gradient: g.baseAddress!)
            }
        }
        applyAdam(learningRate: settings.learningRate(at: stepsDone))
        stepsDone += 1
        return DenoiserTrainingStepInfo(step: stepsDone, totalSteps: settings.steps, loss: losses[0],
                                        narrowLoss: losses[1], learningRate: settings.learningRate(at: stepsDone - 1))
    }

    private func applyAdam(learningRate: Float) {
        var squaredNorm: Float = 0
        for value in gradient { squaredNorm += value * value }
        let norm = squaredNorm.squareRoot()
        let clip = norm > settings.gradientClipNorm && norm.isFinite ? settings.gradientClipNorm / norm : 1
        let t = Float(stepsDone + 1)
        let b1 = settings.adamBeta1, b2 = settings.adamBeta2
        let correction1 = 1 - Float(Foundation.pow(Double(b1), Double(t))), correction2 = 1 - Float(Foundation.pow(Double(b2), Double(t)))
        let decay = settings.emaDecay
        // Early on the average tracks the weights closely (decay warms up as in common EMA practice).
        let effectiveDecay = min(decay, (1 + t) / (10 + t))
        denoiser.parameters.withUnsafeMutableBufferPointer { w in
            for i in 0..<w.count {
                let g = gradient[i] * clip
                firstMoment[i] = b1 * firstMoment[i] + (1 - b1) * g
                secondMoment[i] = b2 * secondMoment[i] + (1 - b2) * g * g
                let mHat = firstMoment[i] / correction1
                let vHat = secondMoment[i] / correction2
                w[i] -= learningRate * mHat / (vHat.squareRoot() + settings.adamEpsilon)
                averaged[i] = effectiveDecay * averaged[i] + (1 - effectiveDecay) * w[i]
            }
        }
    }

    /// Mean squared ε error of `model` at `width` on a fixed evaluation batch drawn with `seed`
    /// from `examples` (same t, noise and labels for every call with the same seed): a loss that
    /// can be compared before and after training.
    public static func evaluationLoss(of model: SlimmableDenoiser, schedule: NoiseSchedule,
                                      examples: [DigitsDataset.Example], width: Double, rows: Int = 512, seed: UInt64 = 99) throws(DiffusionInputError) -> Float {
        var generator = Xoshiro256(seed: seed)
        let p = DenoiserArchitecture.pixelCount
        var x = [Float](repeating: 0, count: rows * p), noise = x
        var timesteps = [Int](repeating: 0, count: rows), labels = timesteps
        for r in 0..<rows {
            let example = examples[generator.nextInt(below: examples.count)]
            timesteps[r] = generator.nextInt(below: schedule.timesteps)
            labels[r] = example.label
            let a = Float(schedule.alphaBar[timesteps[r]].squareRoot()), b = Float((1 - schedule.alphaBar[timesteps[r]]).squareRoot())
            for j in 0..<p {
                let e = generator.nextNormal()
                noise[r * p + j] = e
                x[r * p + j] = a * DigitsDataset.scaleToModel(example.pixels[j]) + b * e
            }
        }
        let prediction = try model.predictNoise(x: x, timesteps: timesteps, labels: labels, width: width)
        var sum: Double = 0
        for k in 0..<(rows * p) { let d = Double(prediction[k] - noise[k]); sum += d * d }
        return Float(sum / Double(rows * p))
    }
}
