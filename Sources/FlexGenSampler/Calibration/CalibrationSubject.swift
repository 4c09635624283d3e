/// The words a calibration report uses for its model and reference set (digits or Fashion-MNIST).
public struct CalibrationSubject: Sendable, Equatable {
    /// Report title, after "Measured profile of ".
    public var model: String
    /// How the reference set and the feature space are described in the report.
    public var reference: String
    /// What a label is ("digit", "class").
    public var labelNoun: String

    public static let digits = CalibrationSubject(
        model: "the built-in flexible digits model",
        reference: "held-out real digits in the 64-d penultimate-layer feature space of the shipped digits classifier",
        labelNoun: "digit")

    public static let fashion = CalibrationSubject(
        model: "the slimmable Fashion-MNIST U-Net (training/)",
        reference: "Fashion-MNIST test images in the 128-d penultimate-layer feature space of the shipped Fashion-MNIST classifier (training/train_classifier.py)",
        labelNoun: "class")
}
