import Foundation

/// The Fashion-MNIST model as a `Sampler` (what `flexgen calibrate --model fashion` runs):
/// images are 784 values in [0, 1], FLOPs counted with the guided step as two passes. Immutable:
/// `generate` packs its own weights and scratch memory per call, so batches may run in parallel.
public final class FashionSampler: ConcurrentSampler {
    public let model: FashionDiffusionModel
    /// Classifier-free guidance scale g (1 = unguided, one pass per step).
    public let guidance: Double
    public var name: String { "builtin-fashion (guidance \(guidance))" }

    public init(model: FashionDiffusionModel, guidance: Double = FashionDiffusionModel.defaultGuidance) {
        self.model = model
        self.guidance = guidance
    }

    public func generate(_ request: SampleRequest) throws -> SampleBatch {
        if let problem = request.problem { throw SamplerError.badRequest(problem) }
        guard request.steps <= model.schedule.timesteps else {
            throw SamplerError.badRequest("steps: must be ≤ \(model.schedule.timesteps), got \(request.steps)")
        }
        do throws(DiffusionInputError) {
            let flops = try model.flopsPerImage(width: request.width, steps: request.steps, guidance: guidance)
            let clock = ContinuousClock(), start = clock.now
            let images = try model.generate(width: request.width, steps: request.steps, labels: request.effectiveLabels,
                                            seed: request.seed, guidance: guidance, eta: request.eta ?? 0)
            return SampleBatch(samples: images, wallTimeS: (clock.now - start).seconds, flopsPerImage: flops)
        } catch {
            throw SamplerError.badRequest(error.description)
        }
    }
}
