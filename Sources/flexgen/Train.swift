import ArgumentParser
import Foundation
import FlexGen
import FlexGenSampler

extension FlexGenCommand {
    /// `flexgen train`: trains the slimmable digits denoiser (DDPM objective, sandwich rule, Adam)
    /// and writes its weights; the defaults reproduce the shipped checkpoint.
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "train",
            abstract: "Train the slimmable diffusion denoiser on the digits training split (reproduces the shipped weights).")

        @Option(name: [.customShort("o"), .long], help: "Where to write the checkpoint (safetensors, atomically).")
        var output = "Sources/FlexGenSampler/Resources/denoiser.safetensors"

        @Option(help: "Optimiser steps.")
        var steps = DenoiserTrainingSettings().steps

        @Option(help: "Images per step.")
        var batchSize = DenoiserTrainingSettings().batchSize

        @Option(help: "Hidden width H at w = 1.")
        var hidden = DenoiserTrainingSettings().architecture.hiddenWidth

        @Option(help: "Residual blocks L.")
        var blocks = DenoiserTrainingSettings().architecture.residualBlocks

        @Option(help: "Adam peak learning rate.")
        var learningRate = DenoiserTrainingSettings().learningRate

        @Option(help: "Narrowest width trained by the sandwich rule.")
        var minWidth = DenoiserTrainingSettings().minWidth

        @Option(help: "In-place distillation weight λ in [0, 1] for the narrower widths.")
        var distillation = DenoiserTrainingSettings().distillation

        @Option(help: "Seed of every random draw.")
        var seed = DenoiserTrainingSettings().seed

        @Flag(help: "Show progress even when stderr is not a terminal (then one line every 30 s, for a log).")
        var progress = false

        var settings: DenoiserTrainingSettings {
            var s = DenoiserTrainingSettings()
            s.steps = steps
            s.batchSize = batchSize
            s.learningRate = learningRate
            s.minWidth = minWidth
            s.distillation = distillation
            s.seed = seed
            if hidden >= 1 && blocks >= 0 {
                s.architecture = DenoiserArchitecture(hiddenWidth: hidden, residualBlocks: blocks, timeFeatures: s.architecture.timeFeatures)
            }
            return s
        }

        func validate() throws {
            guard hidden >= 1 else { throw ValidationError("--hidden: must be ≥ 1, got \(hidden)") }
            guard blocks >= 0 else { throw ValidationError("--blocks: must be ≥ 0, got \(blocks)") }
            if let problem = settings.problems.first { throw ValidationError(problem) }
            let folder = URL(fileURLWithPath: output).deletingLastPathComponent().path
            guard FileManager.default.fileExists(atPath: folder) else {
                throw ValidationError("--output: folder \(folder) does not exist")
            }
        }

        func run() throws {
            let command = (["flexgen"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
            let report = try DenoiserTraining.run(settings: settings, output: output,
                                                  showProgress: progress || isatty(STDERR_FILENO) != 0, command: command)
            print(report.summary)
        }
    }
}
