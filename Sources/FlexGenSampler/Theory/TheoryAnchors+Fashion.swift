import Foundation
import FlexGenLinearAlgebra
import FlexGenNumerics

extension TheoryAnchors {
    /// t_c for the Fashion-MNIST model (docs/theory.md, Step 3′), the same definition as the digits'
    /// `classDecisionTimestep(classifier:schedule:heldOut:)`: the first t on a grid of 10 at which
    /// the classifier recognises fewer than half-way between its clean accuracy and chance (10 %) of
    /// `images` (values in [0, 1]) seen through the forward process,
    /// x̂ = clip(x_t/√ᾱ_t, −1, 1) with x_t = √ᾱ_t·(2p − 1) + √(1−ᾱ_t)·ε (one noise draw, seed 11),
    /// mapped back to [0, 1] for the classifier. Returns t = T − 1 and NaN if it never drops.
    public static func classDecisionTimestep(fashionClassifier classifier: FashionClassifier, schedule: NoiseSchedule,
                                             images: [[Float]], labels: [Int]) -> (t: Int, clean: Double, atT: Double) {
        func accuracy(_ batch: [[Float]]) -> Double {
            let predicted = classifier.predict(batch)
            return Double(zip(predicted, labels).filter { $0.0.label == $0.1 }.count) / Double(max(labels.count, 1))
        }
        let clean = accuracy(images)
        let threshold = (clean + 0.1) / 2
        var generator = Xoshiro256(seed: 11)
        for t in stride(from: 0, to: schedule.timesteps, by: 10) {
            let a = schedule.alphaBar[t].squareRoot(), b = (1 - schedule.alphaBar[t]).squareRoot()
            let noised = images.map { image in
                image.map { pixel in
                    let x = a * Double(2 * pixel - 1) + b * Double(generator.nextNormal())
                    return Float((min(max(x / a, -1), 1) + 1) / 2)
                }
            }
            let atT = accuracy(noised)
            if atT < threshold { return (t, clean, atT) }
        }
        return (schedule.timesteps - 1, clean, .nan)
    }

    /// The anchors for the Fashion-MNIST model: the Talagrand constant of the evaluator's reference
    /// features (the 10 000 test images); as the real-data floor, the FD of the first `floorCount`
    /// TRAINING images against that reference — a perfect generator's score at the calibration's
    /// sample size (pass the images per seed, so the finite-sample bias matches the grid's); t_c on
    /// the first `decisionCount` test images.
    /// - Throws: `SamplerError.badRequest` if a count is < 2 or exceeds its split.
    public static func measure(fashionEvaluator evaluator: FashionQualityEvaluator, training: FashionMNIST, test: FashionMNIST,
                               schedule: NoiseSchedule, floorCount: Int, decisionCount: Int = 1000) throws -> TheoryAnchors {
        guard floorCount >= 2, floorCount <= training.images.count, decisionCount >= 1, decisionCount <= test.images.count else {
            throw SamplerError.badRequest("theory anchors: need 2…\(training.images.count) training images (got \(floorCount)) and 1…\(test.images.count) test images (got \(decisionCount))")
        }
        let eigen = try SymmetricEigen(evaluator.reference.covariance)
        let features = evaluator.classifier.evaluate(Array(training.images.prefix(floorCount))).features
        let floor = try FrechetDistance.between(GaussianMoments(samples: features), evaluator.reference)
        let decision = classDecisionTimestep(fashionClassifier: evaluator.classifier, schedule: schedule,
                                             images: Array(test.images.prefix(decisionCount)), labels: Array(test.labels.prefix(decisionCount)))
        return TheoryAnchors(talagrandConstant: 2 * (eigen.values.max() ?? .nan), realDataFloor: floor, trainingCount: floorCount,
                             classDecisionTimestep: decision.t, cleanAccuracy: decision.clean, accuracyAtDecision: decision.atT,
                             floorDescription: "the first \(floorCount) real training images", decisionImages: "the first \(decisionCount) test images")
    }
}
