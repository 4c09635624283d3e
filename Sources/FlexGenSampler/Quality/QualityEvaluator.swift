import FlexGenModel

/// Scores generated digits against the held-out real set: the Fréchet distance in the
/// classifier's feature space ("FD-digits", lower is better) and how often the classifier
/// recognises the requested digit.
public struct QualityEvaluator: Sendable {
    /// The metric every profile produced by this evaluator carries.
    /// Fréchet distance of classifier features between generated and held-out digits; lower is better.
    public static let metric = QualityMetric(name: "FD-digits", better: .lower)

    public let classifier: DigitsClassifier
    /// Moments of the classifier features of the reference (held-out real) images.
    public let reference: GaussianMoments
    public let referenceCount: Int

    public init(classifier: DigitsClassifier, referenceImages: [[Float]]) throws {
        self.classifier = classifier
        self.reference = try GaussianMoments(samples: classifier.features(of: referenceImages))
        self.referenceCount = referenceImages.count
    }

    /// The shipped classifier against the shipped held-out split (400 images).
    public static func shipped() throws -> QualityEvaluator {
        try QualityEvaluator(classifier: .loadShipped(), referenceImages: DigitsDataset.loadShipped().heldOut.map(\.pixels))
    }

    /// One measured batch.
    public struct Score: Sendable, Equatable {
        /// Fréchet distance to the reference set (lower is better).
        public var frechetDistance: Double
        /// Fraction of images the classifier assigns to the requested label.
        public var labelAccuracy: Double
        /// Mean softmax probability of the predicted class.
        public var meanConfidence: Double
    }

    /// Scores `images` (pixels 0…16) generated for `requestedLabels`. Needs ≥ 2 images.
    public func score(_ images: [[Float]], requestedLabels: [Int]) throws -> Score {
        guard images.count == requestedLabels.count else {
            throw QualityError.dimensionMismatch("\(images.count) images for \(requestedLabels.count) labels")
        }
        for image in images where image.count != DigitsDataset.pixelCount || !image.allSatisfy(\.isFinite) {
            throw QualityError.dimensionMismatch("every image must have 64 finite pixel values")
        }
        let features = classifier.features(of: images)
        let fd = try FrechetDistance.between(GaussianMoments(samples: features), reference)
        let predictions = classifier.predict(images)
        let hits = zip(predictions, requestedLabels).filter { $0.label == $1 }.count
        let confidence = predictions.reduce(0) { $0 + $1.confidence } / Double(max(predictions.count, 1))
        return Score(frechetDistance: fd, labelAccuracy: Double(hits) / Double(max(images.count, 1)), meanConfidence: confidence)
    }
}
