import FlexGenModel

/// What the calibration needs from a quality judge: score a batch of generated images against a
/// fixed real reference set, in one named metric. `QualityEvaluator` (digits) and
/// `FashionQualityEvaluator` (Fashion-MNIST) conform, so `Calibrator` runs either model's grid.
public protocol SampleScorer: Sendable {
    /// The metric the scores (and the profiles written from them) carry.
    var metric: QualityMetric { get }
    /// Number of real images in the reference set.
    var referenceCount: Int { get }
    /// FD to the reference set, label accuracy and mean confidence of one batch.
    func score(_ images: [[Float]], requestedLabels: [Int]) throws -> QualityEvaluator.Score
}

extension QualityEvaluator: SampleScorer {
    public var metric: QualityMetric { Self.metric }
}
