import ArgumentParser
import Foundation
import FlexGen
import FlexGenSampler

extension FlexGenCommand {
    /// `flexgen sampler-worker`: serves the built-in model over the `flexgen-sampler/1` protocol
    /// on stdin/stdout (see `SamplerProtocol`), for `ExternalSampler` and for testing other clients.
    struct SamplerWorkerCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sampler-worker",
            abstract: "Serve the built-in model over the flexgen-sampler/1 newline-delimited JSON protocol on stdin/stdout.")

        @Option(help: "Denoiser checkpoint to serve instead of the shipped weights.")
        var weights: String?

        func validate() throws {
            if let weights, !FileManager.default.fileExists(atPath: weights) {
                throw ValidationError("--weights: \(weights) does not exist")
            }
        }

        func run() throws {
            let model = try weights.map { try FlexibleDiffusionModel.load(path: $0) } ?? FlexibleDiffusionModel.loadShipped()
            SamplerWorker.serve(BuiltinSampler(model: model), readLine: { Swift.readLine(strippingNewline: true) },
                                writeLine: { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) })
        }
    }
}
