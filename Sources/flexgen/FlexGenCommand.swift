import ArgumentParser
import FlexGen

/// The `flexgen` command: configuration only; each subcommand is a nested type in its own file.
@main
struct FlexGenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flexgen",
        abstract: "Energy-optimal configuration and resource allocation for flexible diffusion models at the edge.",
        version: FlexGenVersion.string,
        subcommands: [
            Bench.self,
            Check.self,
            Solve.self,
            Generate.self,
            TraceCommand.self,
            Simulate.self,
            ProfileCommand.self,
            TrainClassifier.self,
            Train.self,
            Sample.self,
            Calibrate.self,
            SamplerWorkerCommand.self,
            Validate.self,
            Serve.self,
        ]
    )
}
