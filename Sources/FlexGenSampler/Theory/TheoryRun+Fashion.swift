import Foundation
import FlexGenIO

extension TheoryRun {
    /// The Fashion-MNIST model's ε-profile settings for `--theory` (docs/theory.md,
    /// "Fashion-MNIST"): 3 seeds, every t < 32 then one per `stride` (default 25), at `widths`.
    public static func fashionEpsilonSettings(widths: [Double], stride: Int = 25) -> EpsilonErrorProfile.Settings {
        var settings = EpsilonErrorProfile.Settings(widths: widths.sorted())
        settings.seedCount = 3
        settings.stride = stride
        return settings
    }

    /// The Fashion-MNIST model, given its ε-profile at the calibration's widths (measured by the
    /// caller, possibly while the grid sampled): measures the anchors (the floor at the
    /// calibration's images per seed, t_c on the first 1 000 test images), then `analyse`.
    /// - Throws: `SamplerError.badRequest` for a profile without the grid's widths or bad counts.
    public static func run(calibration: CalibrationResult, fashionEpsilon profile: EpsilonErrorProfile,
                           evaluator: FashionQualityEvaluator, training: FashionMNIST, test: FashionMNIST, schedule: NoiseSchedule,
                           fitWidths: [Double], outputs: Outputs, reportPath: String, command: String, weightsSHA256: String?) throws -> String {
        let anchors = try TheoryAnchors.measure(fashionEvaluator: evaluator, training: training, test: test, schedule: schedule,
                                                floorCount: min(calibration.settings.samplesPerSeed, training.images.count),
                                                decisionCount: min(1000, test.images.count))
        return try analyse(calibration: calibration, epsilon: profile, anchors: anchors, fitWidths: fitWidths, outputs: outputs,
                           reportPath: reportPath, command: command, weightsSHA256: weightsSHA256)
    }
}
