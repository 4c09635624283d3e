import Foundation
import FlexGenIO

/// What `flexgen train` prints at the end.
public struct DenoiserTrainingReport: Sendable {
    public var steps: Int
    public var wallSeconds: Double
    /// Mean of the widest-width training loss over the last 100 steps (or all, if fewer).
    public var finalTrainingLoss: Float
    /// `DenoiserTraining.evaluationLoss` on the held-out split (512 rows, seed 99) per width, EMA weights.
    public var heldOutLoss: [(width: Double, loss: Float)]
    public var output: String

    public var summary: String {
        var lines = ["trained \(steps) steps in \(String(format: "%.1f", wallSeconds)) s; final training loss (w=1, mean of last 100 steps) \(String(format: "%.5f", finalTrainingLoss))"]
        for entry in heldOutLoss {
            lines.append("held-out ε-MSE at width \(entry.width): \(String(format: "%.5f", entry.loss))")
        }
        lines.append("wrote \(output)")
        return lines.joined(separator: "\n")
    }
}

extension DenoiserTraining {
    /// Trains on the shipped training split with `settings`, showing a progress bar when
    /// `showProgress`, and writes the EMA weights atomically as a safetensors checkpoint whose
    /// metadata records the shape, schedule and training facts (seed, steps, batch, losses and
    /// `command`, the command line that produced it).
    public static func run(settings: DenoiserTrainingSettings, output: String, showProgress: Bool,
                           command: String) throws -> DenoiserTrainingReport {
        let data = try DigitsDataset.loadShipped()
        let training = try DenoiserTraining(settings: settings, examples: data.training)
        let bar = ProgressBar(label: "train", total: settings.steps, enabled: showProgress)
        let start = Date()
        var recent: [Float] = []
        var smoothed: Float = .nan
        for _ in 0..<settings.steps {
            let info = training.step()
            recent.append(info.loss)
            if recent.count > 100 { recent.removeFirst() }
            smoothed = smoothed.isNaN ? info.loss : 0.98 * smoothed + 0.02 * info.loss
            bar.update(info.step, detail: String(format: "loss %.4f (w=%.2f: %.4f)", smoothed, settings.minWidth, info.narrowLoss))
        }
        bar.finish()
        let wall = Date().timeIntervalSince(start)
        let model = training.model()
        let widths = [0.25, 0.5, 0.75, 1.0]
        let heldOut = try widths.map { (width: $0, loss: try evaluationLoss(of: model, schedule: settings.schedule, examples: data.heldOut, width: $0)) }
        let finalLoss = recent.reduce(0, +) / Float(max(recent.count, 1))
        var facts: [String: String] = [
            "seed": String(settings.seed), "stepsTrained": String(settings.steps),
            "batchSize": String(settings.batchSize), "learningRate": String(settings.learningRate),
            "minWidth": String(settings.minWidth), "randomWidths": String(settings.randomWidths),
            "distillation": String(settings.distillation), "emaDecay": String(settings.emaDecay),
            "nullLabelProbability": String(settings.nullLabelProbability),
            "finalTrainingLoss": String(finalLoss), "trainingWallSeconds": String(format: "%.1f", wall),
            "data": "UCI optical digits (Alpaydin & Kaynak 1998, CC BY 4.0), training split 1397 images",
        ]
        for entry in heldOut { facts["heldOutLoss@\(entry.width)"] = String(entry.loss) }
        if !command.isEmpty { facts["command"] = command }
        try DenoiserCheckpoint(denoiser: model, schedule: settings.schedule, training: facts).write(to: output)
        return DenoiserTrainingReport(steps: settings.steps, wallSeconds: wall, finalTrainingLoss: finalLoss,
                                      heldOutLoss: heldOut, output: output)
    }
}
