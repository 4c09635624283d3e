import Foundation
import FlexGenIO

/// The `flexgen train-classifier` use case: load the shipped digits, train on the training split,
/// score on the held-out split, write the weights atomically.
public enum ClassifierTraining {
    public struct Report: Sendable {
        public var trainingAccuracy: Double
        public var heldOutAccuracy: Double
        public var heldOutCount: Int
        public var finalLoss: Double
        public var seconds: Double
        public var output: String

        public var summary: String {
            String(format: "classifier: held-out accuracy %.2f%% (%d images), training accuracy %.2f%%, final loss %.4f, %.1f s → %@",
                   100 * heldOutAccuracy, heldOutCount, 100 * trainingAccuracy, finalLoss, seconds, output)
        }
    }

    public static func run(settings: ClassifierTrainingSettings, output: String, showProgress: Bool? = nil) throws -> Report {
        let data = try DigitsDataset.loadShipped()
        let start = Date()
        let bar = ProgressBar(label: "train-classifier", total: settings.epochs, enabled: showProgress)
        var lastLoss = Double.nan
        let model = try ClassifierTrainer.train(on: data.training, settings: settings) { epoch, loss in
            lastLoss = loss
            bar.update(epoch, detail: String(format: "loss %.4f", loss))
        }
        bar.finish()
        try model.safeTensors.write(to: output)
        return Report(trainingAccuracy: model.accuracy(on: data.training), heldOutAccuracy: model.accuracy(on: data.heldOut),
                      heldOutCount: data.heldOut.count, finalLoss: lastLoss,
                      seconds: Date().timeIntervalSince(start), output: output)
    }
}
