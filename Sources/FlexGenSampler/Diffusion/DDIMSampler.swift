import Foundation
import FlexGenNumerics

/// DDIM sampling (Song, Meng, Ermon 2021) with the slimmable denoiser, batched and seeded.
///
/// For the sub-sequence τ of `NoiseSchedule.ddimTimesteps(steps:)`, from x ~ N(0, I) at τ_{s−1}:
///
///     ε̂   = denoiser(x, τᵢ, y; width)
///     x̂₀  = clip((x − √(1−ᾱ)·ε̂)/√ᾱ, −1, 1);   ε̂ ← (x − √ᾱ·x̂₀)/√(1−ᾱ)
///     σ   = η·√((1−ᾱ′)/(1−ᾱ))·√(1 − ᾱ/ᾱ′)
///     x   ← √ᾱ′·x̂₀ + √(1−ᾱ′−σ²)·ε̂ + σ·z,   z ~ N(0, I)
///
/// with ᾱ = ᾱ_{τᵢ}, ᾱ′ = ᾱ_{τᵢ₋₁} (1 after the last step). η = 0 is deterministic DDIM; η = 1 is
/// DDPM-like ancestral sampling. Clipping x̂₀ to the data range is standard for pixel-space models.
///
/// Randomness: image i draws its initial noise and every σ·z from its own stream
/// `Xoshiro256.derived(seed: seed, stream: i)`, so image i is the same whatever the count or
/// batch size (up to float rounding: BLAS may block products of different row counts
/// differently). For a fixed count, output is bit-identical run to run on one machine. The network runs on chunks of at most `maxBatchRows` rows.
public struct DDIMSampler: Sendable {
    public let denoiser: SlimmableDenoiser
    public let schedule: NoiseSchedule
    public var maxBatchRows = 1024

    public init(denoiser: SlimmableDenoiser, schedule: NoiseSchedule) {
        self.denoiser = denoiser
        self.schedule = schedule
    }

    /// Samples `labels.count` images; returns them row-major (count × 64) in the model's scale
    /// (values in [-1, 1] after the final clipped step).
    /// - Throws: `DiffusionInputError` unless 0 < width ≤ 1, 1 ≤ steps ≤ T, η ≥ 0 finite and
    ///   every label is in 0…10 (checked before any work).
    public func sample(width: Double, steps: Int, labels: [Int], seed: UInt64, eta: Double = 0) throws(DiffusionInputError) -> [Float] {
        guard eta.isFinite && eta >= 0 else { throw .eta(eta) }
        if let bad = labels.first(where: { !(0..<DenoiserArchitecture.labelCount).contains($0) }) {
            throw .label(bad, maximum: DenoiserArchitecture.labelCount - 1)
        }
        guard steps >= 1 && steps <= schedule.timesteps else { throw .steps(steps, maximum: schedule.timesteps) }
        let active = try denoiser.architecture.activeWidth(width)
        let sequence = schedule.ddimTimesteps(steps: steps)
        let p = DenoiserArchitecture.pixelCount
        var result = [Float](repeating: 0, count: labels.count * p)
        var start = 0
        let workspace = DenoiserWorkspace(architecture: denoiser.architecture, rows: min(max(labels.count, 1), maxBatchRows))
        while start < labels.count {
            let n = min(maxBatchRows, labels.count - start)
            var streams = (0..<n).map { Xoshiro256.derived(seed: seed, stream: UInt64(start + $0)) }
            let x = workspace.input
            for r in 0..<n { for j in 0..<p { x[r * p + j] = streams[r].nextNormal() } }
            let chunkLabels = Array(labels[start..<(start + n)])
            for (i, t) in sequence.enumerated() {
                denoiser.forward(workspace: workspace, rows: n, timesteps: Array(repeating: t, count: n),
                                 labels: chunkLabels, active: active)
                let alphaBar = schedule.alphaBar[t]
                let alphaBarPrevious = i + 1 < sequence.count ? schedule.alphaBar[sequence[i + 1]] : 1.0
                let sigma = eta * ((1 - alphaBarPrevious) / (1 - alphaBar)).squareRoot() * (1 - alphaBar / alphaBarPrevious).squareRoot()
                let sqrtA = Float(alphaBar.squareRoot()), sqrtOneMinusA = Float((1 - alphaBar).squareRoot())
                let sqrtAPrev = Float(alphaBarPrevious.squareRoot())
                let direction = Float(max(0, 1 - alphaBarPrevious - sigma * sigma).squareRoot())
                let sigmaF = Float(sigma)
                let epsilon = workspace.output
                for r in 0..<n {
                    for j in 0..<p {
                        let k = r * p + j
                        let x0 = min(max((x[k] - sqrtOneMinusA * epsilon[k]) / sqrtA, -1), 1)
                        let eps = (x[k] - sqrtA * x0) / sqrtOneMinusA
                        var next = sqrtAPrev * x0 + direction * eps
                        if sigma > 0 { next += sigmaF * streams[r].nextNormal() }
                        x[k] = next
                    }
                }
            }
            for k in 0..<(n * p) { result[start * p + k] = x[k] }
            start += n
        }
        return result
    }
}
