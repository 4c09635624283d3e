import Foundation

/// Settings of `DenoiserTraining`; every default is the one used for the shipped weights.
public struct DenoiserTrainingSettings: Sendable, Equatable {
    /// Network shape (default `DenoiserArchitecture.standard`: H = 256, L = 4, E = 32).
    public var architecture = DenoiserArchitecture.standard
    /// Forward process (default `NoiseSchedule.standard`: linear β 1e-4…0.02, T = 1000).
    public var schedule = NoiseSchedule.standard
    /// Optimiser steps (default 6000).
    public var steps = 6000
    /// Images per step, drawn uniformly with replacement from the training split (default 128).
    public var batchSize = 128
    /// Adam peak learning rate (default 2e-3), reached after `warmupSteps` of linear warm-up and
    /// then decayed by a half cosine to 5 % of the peak at the last step.
    public var learningRate: Float = 2e-3
    /// Linear warm-up steps (default 200).
    public var warmupSteps = 200
    /// Adam β₁, β₂, ε (defaults 0.9, 0.999, 1e-8: Kingma & Ba).
    public var adamBeta1: Float = 0.9
    public var adamBeta2: Float = 0.999
    public var adamEpsilon: Float = 1e-8
    /// The gradient is rescaled to this global L2 norm when larger (default 1; guards the
    /// occasional large-t outlier batch).
    public var gradientClipNorm: Float = 1
    /// Sandwich rule: every step trains width 1, `minWidth` and `randomWidths` widths drawn
    /// uniformly in [minWidth, 1] (defaults 0.25 and 2).
    public var minWidth = 0.25
    public var randomWidths = 2
    /// In-place distillation: narrower widths regress on (1−λ)·ε + λ·ε̂_widest (λ default 0.5;
    /// 0 trains every width on the true noise only). The widest prediction is treated as a constant.
    public var distillation: Float = 0.5
    /// Probability that a training label is replaced by the null label 10, so the same weights also
    /// denoise unconditionally (default 0.1).
    public var nullLabelProbability = 0.1
    /// Exponential moving average of the weights that is saved (default decay 0.999).
    public var emaDecay: Float = 0.999
    /// Seed of every random draw: initial weights, batches, timesteps, noise, widths (default 1).
    public var seed: UInt64 = 1

    public init() {}

    /// Peak learning rate scaled by warm-up and cosine decay at 0-based `step`.
    public func learningRate(at step: Int) -> Float {
        if step < warmupSteps { return learningRate * Float(step + 1) / Float(warmupSteps) }
        let span = max(1, steps - warmupSteps)
        let progress = Float(step - warmupSteps) / Float(span)
        let floor: Float = 0.05
        return learningRate * (floor + (1 - floor) * 0.5 * (1 + Float(Foundation.cos(Double.pi * Double(min(progress, 1))))))
    }

    /// Problems with the settings, as messages naming the field; empty when valid.
    public var problems: [String] {
        var list: [String] = []
        if steps < 1 { list.append("steps: must be ≥ 1, got \(steps)") }
        if batchSize < 1 { list.append("batchSize: must be ≥ 1, got \(batchSize)") }
        if !(learningRate.isFinite && learningRate > 0) { list.append("learningRate: must be > 0, got \(learningRate)") }
        if warmupSteps < 0 { list.append("warmupSteps: must be ≥ 0, got \(warmupSteps)") }
        if !(minWidth > 0 && minWidth <= 1) { list.append("minWidth: must be in (0, 1], got \(minWidth)") }
        if randomWidths < 0 { list.append("randomWidths: must be ≥ 0, got \(randomWidths)") }
        if !(distillation >= 0 && distillation <= 1) { list.append("distillation: must be in [0, 1], got \(distillation)") }
        if !(nullLabelProbability >= 0 && nullLabelProbability <= 1) { list.append("nullLabelProbability: must be in [0, 1], got \(nullLabelProbability)") }
        if !(emaDecay >= 0 && emaDecay < 1) { list.append("emaDecay: must be in [0, 1), got \(emaDecay)") }
        if !(gradientClipNorm > 0) { list.append("gradientClipNorm: must be > 0, got \(gradientClipNorm)") }
        return list
    }
}

/// What one training step reports (for the progress bar and the tests).
public struct DenoiserTrainingStepInfo: Sendable {
    /// 1-based step just completed.
    public var step: Int
    public var totalSteps: Int
    /// Mean squared ε error of the widest network on this step's batch (before the update).
    public var loss: Float
    /// The same for the narrowest width.
    public var narrowLoss: Float
    public var learningRate: Float
}
