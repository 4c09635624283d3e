import Foundation
import FlexGenLinearAlgebra
import FlexGenNumerics

/// Two numbers docs/theory.md's derivation predicts without sampling the model, so the fitted
/// constants can be checked against them:
///
/// - `talagrandConstant` = 2·λ_max(Σ_ref): Talagrand's transport inequality for a Gaussian
///   reference N(μ, Σ) gives W2² ≤ 2λ_max(Σ)·KL, so κ (FD per nat) should not exceed it (Σ of
///   the held-out features stands in for the generated features' Σ; they differ by the model error).
/// - `realDataFloor`: the FD of the 1 397 real TRAINING digits against the held-out reference:
///   what a perfect generator (one that reproduces the training distribution) would score with this
///   estimator — finite-sample bias plus the train/held-out difference. F₁ should be near or above it.
/// - `classDecisionTimestep` t_c: the first timestep (on a grid of 10) at which the classifier
///   recognises less than half-way between its clean accuracy and chance (10 %) of the held-out
///   digits seen through the forward process, x̂ = clip(x_t/√ᾱ_t, −1, 1) (one noise draw, seed 11).
///   Above t_c the digit's identity is not yet visible, so the reverse process decides it there;
///   docs/theory.md's coarse variant keeps only the KL weight of t ≥ t_c (heuristic H5).
public struct TheoryAnchors: Sendable, Equatable, Codable {
    public var talagrandConstant: Double
    public var realDataFloor: Double
    public var trainingCount: Int
    public var classDecisionTimestep: Int
    /// Classifier accuracy on the clean held-out digits and at `classDecisionTimestep`.
    public var cleanAccuracy: Double
    public var accuracyAtDecision: Double
    /// What `realDataFloor` is the FD of, and which images t_c was measured on (for the report).
    public var floorDescription = "the 1 397 real training digits"
    public var decisionImages = "the held-out digits"

    /// t_c as defined above, with the accuracies it compared.
    public static func classDecisionTimestep(classifier: DigitsClassifier, schedule: NoiseSchedule,
                                             heldOut: [DigitsDataset.Example]) -> (t: Int, clean: Double, atT: Double) {
        let clean = classifier.accuracy(on: heldOut)
        let threshold = (clean + 0.1) / 2
        var generator = Xoshiro256(seed: 11)
        for t in stride(from: 0, to: schedule.timesteps, by: 10) {
            let a = schedule.alphaBar[t].squareRoot(), b = (1 - schedule.alphaBar[t]).squareRoot()
            let noised = heldOut.map { example in
                DigitsDataset.Example(pixels: example.pixels.map { pixel in
                    let x = a * Double(DigitsDataset.scaleToModel(pixel)) + b * Double(generator.nextNormal())
                    return Float((min(max(x / a, -1), 1) + 1) * 8)
                }, label: example.label)
            }
            let accuracy = classifier.accuracy(on: noised)
            if accuracy < threshold { return (t, clean, accuracy) }
        }
        return (schedule.timesteps - 1, clean, .nan)
    }

    public static func measure(evaluator: QualityEvaluator, data: DigitsDataset, schedule: NoiseSchedule) throws -> TheoryAnchors {
        let eigen = try SymmetricEigen(evaluator.reference.covariance)
        let moments = try GaussianMoments(samples: evaluator.classifier.features(of: data.training.map(\.pixels)))
        let decision = classDecisionTimestep(classifier: evaluator.classifier, schedule: schedule, heldOut: data.heldOut)
        return TheoryAnchors(talagrandConstant: 2 * (eigen.values.max() ?? .nan),
                             realDataFloor: try FrechetDistance.between(moments, evaluator.reference),
                             trainingCount: data.training.count, classDecisionTimestep: decision.t,
                             cleanAccuracy: decision.clean, accuracyAtDecision: decision.atT,
                             floorDescription: "the \(data.training.count) real training digits")
    }
}
