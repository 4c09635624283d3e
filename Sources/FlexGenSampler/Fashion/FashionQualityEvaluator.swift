import Foundation
import FlexGenModel

/// Scores generated Fashion-MNIST images against the 10 000 real test images: the Fréchet distance
/// in the 128-d feature space of `FashionClassifier` ("FD-fashion", lower is better), the fraction
/// of images the classifier assigns to the requested class, and its mean confidence.
public struct FashionQualityEvaluator: SampleScorer {
    public static let metric = QualityMetric(name: "FD-fashion", better: .lower)
    public var metric: QualityMetric { Self.metric }

    public let classifier: FashionClassifier
    public let reference: GaussianMoments
    public let referenceCount: Int
    /// Features of the reference images, kept for the real-vs-real floor.
    let referenceFeatures: [[Float]]
    /// Classifier accuracy on the reference images (their true labels).
    public let referenceAccuracy: Double

    public init(classifier: FashionClassifier, reference: FashionMNIST) throws {
        let evaluated = classifier.evaluate(reference.images)
        self.classifier = classifier
        self.referenceFeatures = evaluated.features
        self.reference = try GaussianMoments(samples: evaluated.features)
        self.referenceCount = reference.images.count
        let hits = zip(evaluated.logits, reference.labels).filter { z, y in z.indices.max { z[$0] < z[$1] } == y }.count
        self.referenceAccuracy = Double(hits) / Double(max(reference.images.count, 1))
    }

    /// The shipped classifier against the test split in `directory`.
    public static func shipped(dataDirectory: String = FashionMNIST.defaultDirectory) throws -> FashionQualityEvaluator {
        try FashionQualityEvaluator(classifier: .loadShipped(), reference: .load(.test, directory: dataDirectory))
    }

    /// The real-vs-real floor: FD between the first and the second half of the reference set
    /// (disjoint halves of the test split). A generated batch of the same size cannot be expected
    /// to score below it; it is the metric's noise level at that sample size.
    public func realFloor() throws -> Double {
        let half = referenceFeatures.count / 2
        return try FrechetDistance.between(samples: Array(referenceFeatures[..<half]), Array(referenceFeatures[half..<(2 * half)]))
    }

    public func score(_ images: [[Float]], requestedLabels: [Int]) throws -> QualityEvaluator.Score {
        guard images.count == requestedLabels.count else {
            throw QualityError.dimensionMismatch("\(images.count) images for \(requestedLabels.count) labels")
        }
        for image in images where image.count != FashionArchitecture.pixelCount || !image.allSatisfy(\.isFinite) {
            throw QualityError.dimensionMismatch("every image must have 784 finite pixel values")
        }
        let evaluated = classifier.evaluate(images)
        let fd = try FrechetDistance.between(GaussianMoments(samples: evaluated.features), reference)
        var hits = 0, confidence = 0.0
        for (z, label) in zip(evaluated.logits, requestedLabels) {
            let top = z.indices.max { z[$0] < z[$1] }!
            if top == label { hits += 1 }
            let m = Double(z[top])
            confidence += 1 / z.reduce(0.0) { $0 + Foundation.exp(Double($1) - m) }
        }
        let n = Double(max(images.count, 1))
        return QualityEvaluator.Score(frechetDistance: fd, labelAccuracy: Double(hits) / n, meanConfidence: confidence / n)
    }
}
