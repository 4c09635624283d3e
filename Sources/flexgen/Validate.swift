import ArgumentParser
import Foundation
import FlexGen
import FlexGenSampler

extension FlexGenCommand {
    /// `flexgen validate PROBLEM SOLUTION`: run the built-in model on every configuration the
    /// solution uses and check realised quality and compute time against the plan.
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the built-in model on a solution's configurations; check realised quality (with CIs) and compute time. Exit 1 on a violation.",
            discussion: """
            For problems whose profile was measured by `flexgen calibrate` (metric FD-digits; \
            FD-fashion runs the Fashion-MNIST model with --guidance and the test images in --data). \
            A client is a violation when its requirement lies outside the 95 % CI of the realised \
            quality on the bad side; misses within the CI are reported as such. The predicted \
            compute time is FLOP / calibrated rate, the rate being the FLOP/s this machine reached \
            on that configuration during calibration (PROFILE-timing.json next to the profile).
            """)

        @Argument(help: "Problem file (flexgen-problem/1).")
        var problem: String

        @Argument(help: "Solution file (flexgen-solution/1).")
        var solution: String

        @Option(help: "Images per seed and configuration (default 1000).")
        var samples: Int?

        @Option(help: "Repeated seeds (default 5).")
        var seeds: Int?

        @Option(help: "First seed (default 5000).")
        var baseSeed: UInt64?

        @Option(help: "Calibration timing file (default: the profile's PROFILE-timing.json).")
        var timing: String?

        @Option(help: "FD-fashion problems: the Fashion-MNIST folder with the IDX files.")
        var data = FashionMNIST.defaultDirectory

        @Option(help: "FD-fashion problems: the classifier-free guidance scale the profile was calibrated with.")
        var guidance = FashionDiffusionModel.defaultGuidance

        @OptionGroup var sampler: SamplerOptions

        @OptionGroup var output: OutputOptions

        func settings() -> ValidationSettings {
            var s = ValidationSettings()
            if let samples { s.samplesPerSeed = samples }
            if let seeds { s.seedCount = seeds }
            if let baseSeed { s.baseSeed = baseSeed }
            return s
        }

        func validate() throws {
            if let problem = settings().problem { throw ValidationError(problem) }
            if let timing, !FileManager.default.fileExists(atPath: timing) { throw ValidationError("--timing: \(timing) does not exist") }
            guard guidance.isFinite else { throw ValidationError("--guidance: must be finite, got \(guidance)") }
        }

        func run() throws {
            let problemValue = try loadProblem(problem)
            let solutionValue = try loadSolution(solution)
            do { try SolutionValidator.check(problem: problemValue, solution: solutionValue) } catch let error as ValidationInputError {
                throw CLIError("\(solution): \(error.description)")
            }
            var timingPath = timing
            if timingPath == nil, let profilePath = problemValue.profilePath {
                let folder = URL(fileURLWithPath: problem).deletingLastPathComponent()
                let candidate = CalibrationTiming.path(forProfile: folder.appendingPathComponent(profilePath).path)
                if FileManager.default.fileExists(atPath: candidate) { timingPath = candidate }
            }
            let timingValue: CalibrationTiming?
            do { timingValue = try timingPath.map { try CalibrationTiming.load(path: $0) } } catch {
                throw CLIError("\(timingPath ?? ""): cannot read calibration timing: \(error)")
            }
            let validator: SolutionValidator
            if problemValue.profile.metric == FashionQualityEvaluator.metric {
                let evaluator: FashionQualityEvaluator
                do { evaluator = try FashionQualityEvaluator.shipped(dataDirectory: data) } catch { throw CLIError("--data: \(error)") }
                validator = SolutionValidator(sampler: try sampler.makeFashionSampler(guidance: guidance), scorer: evaluator,
                                              timing: timingValue, timingSource: timingPath)
            } else {
                validator = SolutionValidator(sampler: try sampler.makeSampler(), evaluator: try QualityEvaluator.shipped(),
                                              timing: timingValue, timingSource: timingPath)
            }
            let configurations = Set(solutionValue.clients.map(\.configurationKey)).count
            let bar = ProgressBar(label: "validate", total: configurations * settings().seedCount)
            let report = try validator.validate(problem: problemValue, solution: solutionValue, settings: settings()) { done, _, detail in
                bar.update(done, detail: detail)
            }
            bar.finish()
            if output.json {
                try output.emit(FlexGenJSON.encode(report))
            } else {
                try output.emit(report.text)
            }
            if report.hasViolation { throw ExitCode(CLIExit.verdictNo) }
        }
    }
}
