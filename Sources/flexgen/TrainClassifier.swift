import ArgumentParser
import Foundation
import FlexGen
import FlexGenSampler

extension FlexGenCommand {
    /// `flexgen train-classifier`: trains the digits classifier whose penultimate layer is the
    /// Fréchet-distance feature space, on the training split only, and writes its weights.
    struct TrainClassifier: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "train-classifier",
            abstract: "Train the digits classifier used for the FD-digits quality metric (reproduces the shipped weights).")

        @Option(name: [.customShort("o"), .long], help: "Where to write the weights (safetensors, atomically).")
        var output = "Sources/FlexGenSampler/Resources/classifier.safetensors"

        @Option(help: "Passes over the training split.")
        var epochs = ClassifierTrainingSettings().epochs

        @Option(help: "Seed of initialisation, batch order and shifts.")
        var seed = ClassifierTrainingSettings().seed

        func validate() throws {
            guard epochs >= 1 else { throw ValidationError("--epochs: must be ≥ 1, got \(epochs)") }
            let folder = URL(fileURLWithPath: output).deletingLastPathComponent().path
            guard FileManager.default.fileExists(atPath: folder) else {
                throw ValidationError("--output: folder \(folder) does not exist")
            }
        }

        func run() throws {
            var settings = ClassifierTrainingSettings()
            settings.epochs = epochs
            settings.seed = seed
            let report = try ClassifierTraining.run(settings: settings, output: output)
            print(report.summary)
        }
    }
}
