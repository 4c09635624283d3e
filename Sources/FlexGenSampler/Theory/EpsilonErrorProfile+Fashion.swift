import Foundation

extension EpsilonErrorProfile {
    /// The ε-profile of the Fashion-MNIST U-Net (docs/theory.md, "Fashion-MNIST"): the first
    /// `imageCount` images of the held-out split (`heldOut`, the test images the model never
    /// trained on), scaled to the model's [−1, 1], with their true labels, through the conditional
    /// network (no guidance: the ε-error training minimises; the sampler's guided ε mixes it with the
    /// null-label pass). `activeUnits` reports the active channels at 28×28, C·w rounded up to whole
    /// GroupNorm groups; the 14×14 and 7×7 stages round 2C·w the same way, so two widths with equal
    /// `activeUnits` can still differ there (0.375 and 0.5 of C = 16: 8 channels at 28×28, 12 and 16 below).
    /// - Throws: `SamplerError.badRequest` for bad settings or an empty split; the network's
    ///   `DiffusionInputError` for a width outside (0, 1].
    public static func measure(fashion model: FashionDiffusionModel, heldOut: FashionMNIST, imageCount: Int,
                               settings: Settings, progress: ((Int, Int) -> Void)? = nil) throws -> EpsilonErrorProfile {
        guard imageCount >= 1 else { throw SamplerError.badRequest("epsilon profile: image count must be ≥ 1, got \(imageCount)") }
        let n = min(imageCount, heldOut.images.count)
        let architecture = model.network.architecture
        return try measure(predictNoise: { x, t, y, w in try model.network.predictNoise(x: x, timesteps: t, labels: y, width: w) },
                           pixelCount: FashionArchitecture.pixelCount, schedule: model.schedule,
                           images: heldOut.images.prefix(n).map { $0.map { 2 * $0 - 1 } }, labels: Array(heldOut.labels.prefix(n)),
                           activeUnits: { architecture.active(architecture.baseChannels, width: $0) },
                           settings: settings, maxRows: 256, progress: progress)
    }
}
