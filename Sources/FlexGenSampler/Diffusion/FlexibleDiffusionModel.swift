import Foundation

/// The built-in flexible diffusion model: the slimmable denoiser with its noise schedule, sampled
/// by DDIM at any width w ∈ (0, 1] and any number of steps s ∈ 1…T. This is the API the rest of
/// the toolkit (calibrate, validate, the sampler worker) calls.
///
///     let model = try FlexibleDiffusionModel.loadShipped()
///     let images = try model.generate(width: 0.5, steps: 20, count: 100, seed: 7)   // 100 × 64 pixels in 0…16
///     let cost = try model.flopsPerImage(width: 0.5, steps: 20)
///
/// Out-of-range arguments throw `DiffusionInputError` (naming the argument); nothing traps.
public struct FlexibleDiffusionModel: Sendable {
    public let denoiser: SlimmableDenoiser
    public let schedule: NoiseSchedule
    /// Training facts from the checkpoint's metadata (seed, stepsTrained, finalLoss, …).
    public let training: [String: String]

    public var architecture: DenoiserArchitecture { denoiser.architecture }

    public init(denoiser: SlimmableDenoiser, schedule: NoiseSchedule, training: [String: String] = [:]) {
        self.denoiser = denoiser
        self.schedule = schedule
        self.training = training
    }

    public init(checkpoint: DenoiserCheckpoint) {
        self.init(denoiser: checkpoint.denoiser, schedule: checkpoint.schedule, training: checkpoint.training)
    }

    public enum LoadError: Error, CustomStringConvertible {
        case shippedWeightsMissing
        public var description: String { "denoiser.safetensors is missing from the FlexGenSampler resources" }
    }

    /// Path of the shipped checkpoint inside the module's resource bundle, if present.
    public static var shippedWeightsPath: String? {
        (Bundle.module.url(forResource: "denoiser", withExtension: "safetensors", subdirectory: "Resources")
            ?? Bundle.module.url(forResource: "denoiser", withExtension: "safetensors"))?.path
    }

    /// Loads the trained weights committed in `Sources/FlexGenSampler/Resources/denoiser.safetensors`.
    public static func loadShipped() throws -> FlexibleDiffusionModel {
        guard let path = shippedWeightsPath else { throw LoadError.shippedWeightsMissing }
        return try load(path: path)
    }

    /// Loads a checkpoint written by `flexgen train` (validated; see `DenoiserCheckpoint`).
    public static func load(path: String) throws -> FlexibleDiffusionModel {
        FlexibleDiffusionModel(checkpoint: try DenoiserCheckpoint.read(path: path))
    }

    /// The labels used when none are given: image i gets digit i mod 10 (balanced like the held-out set).
    public static func defaultLabels(count: Int) -> [Int] { (0..<count).map { $0 % 10 } }

    /// Generates `count` images with DDIM.
    ///
    /// - Parameters:
    ///   - width: w ∈ (0, 1]; the network runs at ⌈w·H⌉ hidden units.
    ///   - steps: s ∈ 1…T denoising steps.
    ///   - count: number of images (≥ 0).
    ///   - seed: image i uses noise stream i of this seed, so it does not depend on `count`
    ///     (beyond float rounding).
    ///   - labels: the "prompts", one digit 0…9 per image (10 = unconditional); nil → i mod 10.
    ///   - eta: DDIM η ≥ 0 (0 = deterministic DDIM, 1 = ancestral).
    /// - Returns: `count` arrays of 64 pixel values in 0…16 (row-major 8×8, like the data set;
    ///   continuous, not rounded). Same arguments → bit-identical output on the same machine.
    /// - Throws: `DiffusionInputError` for any argument outside the ranges above (width NaN, ±∞,
    ///   ≤ 0 or > 1; steps < 1 or > T; count < 0; `labels?.count != count`; a label outside
    ///   0…10; η negative or not finite), checked before any work, also when `count` is 0.
    public func generate(width: Double, steps: Int, count: Int, seed: UInt64,
                         labels: [Int]? = nil, eta: Double = 0) throws(DiffusionInputError) -> [[Float]] {
        guard count >= 0 else { throw .count(count) }
        try Self.check(width: width, steps: steps, timesteps: schedule.timesteps)
        let chosen = labels ?? Self.defaultLabels(count: count)
        guard chosen.count == count else { throw .labelCount(chosen.count, expected: count) }
        guard count > 0 else { return [] }
        let flat = try DDIMSampler(denoiser: denoiser, schedule: schedule)
            .sample(width: width, steps: steps, labels: chosen, seed: seed, eta: eta)
        let p = DenoiserArchitecture.pixelCount
        return (0..<count).map { i in flat[(i * p)..<((i + 1) * p)].map(DigitsDataset.scaleFromModel) }
    }

    /// Analytic FLOPs per denoising step and image at `width` (see `DenoiserArchitecture.flopsPerStep`).
    /// Throws `DiffusionInputError.width` for a width outside (0, 1].
    public func flopsPerStep(width: Double) throws(DiffusionInputError) -> Double { try architecture.flopsPerStep(width: width) }

    /// Analytic FLOPs per image: steps · flopsPerStep(width) (pixel space: no decoder).
    /// Throws `DiffusionInputError` for a width outside (0, 1] or steps outside 1…T.
    public func flopsPerImage(width: Double, steps: Int) throws(DiffusionInputError) -> Double {
        try Self.check(width: width, steps: steps, timesteps: schedule.timesteps)
        return try architecture.flopsPerImage(width: width, steps: steps)
    }

    /// The configuration checks every entry point shares: 0 < w ≤ 1 (finite), 1 ≤ s ≤ T.
    static func check(width: Double, steps: Int, timesteps: Int) throws(DiffusionInputError) {
        guard width.isFinite && width > 0 && width <= 1 else { throw .width(width) }
        guard steps >= 1 && steps <= timesteps else { throw .steps(steps, maximum: timesteps) }
    }
}
