import ArgumentParser
import Foundation
import FlexGen
import FlexGenSampler

extension FlexGenCommand {
    /// `flexgen calibrate`: measure quality (FD-digits) and time per image of the built-in model
    /// over a (width, steps) grid and write a `flexgen-profile/1` plus its report.
    struct Calibrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure a built-in model's quality and speed over a (width, steps) grid; write a flexgen-profile/1 and a report.",
            discussion: """
            Writes PROFILE (default problems/profiles/digits-measured.json, or fashion-measured.json \
            with --model fashion) and, next to it, \
            PROFILE-timing.json (time per image and calibrated FLOP/s per configuration, read by \
            `flexgen validate`), PROFILE-report.md (table, quality-law fit, time-vs-FLOPs correlation) \
            and PROFILE.csv. Every file is written atomically.

            --model fashion runs the slimmable Fashion-MNIST U-Net with classifier-free guidance \
            (--guidance, default 3: two network passes per step, counted as such) and scores it in the \
            128-d feature space of the Fashion-MNIST classifier against the 10 000 test images of \
            Debian's dataset-fashion-mnist (--data); the report adds the real-vs-real floor. Its \
            defaults: steps 1,2,4,10,20; --quick is widths 0.25,0.5,1, steps 1,2,4,10, 200 images, 2 seeds.

            The (configuration, seed) batches are independent and run --jobs at a time (default one \
            per core, at most 2), each with one OpenBLAS thread; batch i of every configuration uses \
            seed --base-seed + i, so every figure but the time columns is the same whatever --jobs is.
            """)

        @Option(help: "Built-in model: digits or fashion.")
        var model: BuiltinModelOption = .digits

        @Option(name: [.customShort("o"), .long], help: "Profile to write (default problems/profiles/<model>-measured.json).")
        var output: String?

        @Option(help: "Comma-separated widths in (0, 1] (default 0.25,0.5,0.75,1).")
        var widths: String?

        @Option(help: "Comma-separated step counts ≥ 1 (default 5,10,20,50; fashion 1,2,4,10,20).")
        var steps: String?

        @Option(help: "Fashion-MNIST folder with the IDX files (fashion only).")
        var data = FashionMNIST.defaultDirectory

        @Option(help: "Classifier-free guidance scale (fashion only; 1 = unguided).")
        var guidance = FashionDiffusionModel.defaultGuidance

        @Option(help: "Images per seed and configuration (default 1000).")
        var samples: Int?

        @Option(help: "Repeated seeds per configuration, for the confidence interval (default 5).")
        var seeds: Int?

        @Option(help: "First seed (default 1000).")
        var baseSeed: UInt64?

        @Option(help: "DDIM eta ≥ 0 (default 0).")
        var eta: Double?

        @Option(help: "Batches sampled at once, each on its own thread with one OpenBLAS thread (default: one per core, at most 2; 1 with --worker, which answers one request at a time). Results do not depend on it; the time columns are one core's either way.")
        var jobs: Int?

        @Flag(help: "CI-sized run: widths 0.25,0.5,1, steps 2,5,10 (fashion 1,2,4,10), 200 images, 2 seeds (explicit options still apply).")
        var quick = false

        @Flag(help: "Also measure the held-out ε-MSE per width (no sampling), fit the width–quality theory of docs/theory.md on --theory-fit-widths only, and report both laws' out-of-sample errors and the most any ε-linear law could reach (built-in models only; fashion: 3 ε-seeds, --epsilon-images and --epsilon-stride as for --epsilon-only with their fashion defaults). Writes PROFILE-epsilon.csv, PROFILE-epsilon-by-t.csv, PROFILE-theory.csv and PROFILE-theory.svg.")
        var theory = false

        @Option(help: ArgumentHelp("Re-run only the theory analysis (fits, out-of-sample scores, ceiling; seconds, no sampling) on the measurements stored by an earlier --theory run in its PROFILE-theory-inputs.json. Writes the theory CSVs and figure next to --output and a fresh PROFILE-theory-report.md; --theory-fit-widths applies.", valueName: "file"))
        var theoryInputs: String?

        @Option(help: "With --theory or --theory-inputs: the two widths the theory's constants are fitted on.")
        var theoryFitWidths = "0.25,1"

        @Flag(help: "Only measure the held-out ε-MSE per width of --model (no sampling, no grid; docs/theory.md): writes PROFILE-epsilon.csv, PROFILE-epsilon-by-t.csv and PROFILE-epsilon.md (with the weights' SHA-256). --seeds sets its noise seeds (default 5); --widths must include 1.")
        var epsilonOnly = false

        @Option(help: "With --epsilon-only, or --theory with --model fashion: held-out images per timestep and seed (default: digits all 400, fashion the first 200 test images).")
        var epsilonImages: Int?

        @Option(help: "With --epsilon-only, or --theory with --model fashion: one stratified timestep per this many beyond t = 32 (default 10; fashion --theory 25).")
        var epsilonStride: Int?

        @Flag(inversion: .prefixedNo, help: "Progress on standard error: a bar redrawn in place on a terminal, otherwise one line every 30 s, for a background run's log (default: only on a terminal).")
        var progress: Bool?

        @OptionGroup var sampler: SamplerOptions

        func settings() throws -> CalibrationSettings {
            var s = quick ? CalibrationSettings.quick : CalibrationSettings()
            if model == .fashion { s.steps = quick ? [1, 2, 4, 10] : [1, 2, 4, 10, 20] }
            if let widths { s.widths = try parseList(widths, option: "--widths") }
            if let steps { s.steps = try parseList(steps, option: "--steps") }
            if let samples { s.samplesPerSeed = samples }
            if let seeds { s.seedCount = seeds }
            if let baseSeed { s.baseSeed = baseSeed }
            if let eta { s.eta = eta }
            s.parallelBatches = jobs ?? (sampler.worker == nil ? min(2, ProcessInfo.processInfo.activeProcessorCount) : 1)
            return s
        }

        var profilePath: String { output ?? "problems/profiles/\(model.rawValue)-measured.json" }

        func validate() throws {
            if let theoryInputs {
                if theory || epsilonOnly { throw ValidationError("--theory-inputs: excludes --theory and --epsilon-only (it re-analyses stored measurements)") }
                guard FileManager.default.fileExists(atPath: theoryInputs) else { throw ValidationError("--theory-inputs: \(theoryInputs) does not exist") }
                guard output != nil else { throw ValidationError("--theory-inputs: needs -o PROFILE (where to write the re-analysis)") }
                let folder = URL(fileURLWithPath: profilePath).deletingLastPathComponent().path
                guard FileManager.default.fileExists(atPath: folder) else { throw ValidationError("--output: folder \(folder) does not exist") }
                _ = try parseList(theoryFitWidths, option: "--theory-fit-widths") as [Double]
                return
            }
            if let jobs {
                guard jobs >= 1 else { throw ValidationError("--jobs: must be ≥ 1, got \(jobs)") }
                if jobs > 1 && sampler.worker != nil { throw ValidationError("--jobs: an external --worker answers one request at a time; use --jobs 1") }
                if epsilonOnly { throw ValidationError("--jobs: applies to the sampling grid, not --epsilon-only") }
            }
            if let problem = try settings().problem { throw ValidationError(problem) }
            if let steps = try settings().steps.max(), steps > 1000 { throw ValidationError("--steps: must be ≤ 1000 (the schedule's T), got \(steps)") }
            guard guidance.isFinite else { throw ValidationError("--guidance: must be finite, got \(guidance)") }
            if model == .digits && guidance != FashionDiffusionModel.defaultGuidance {
                throw ValidationError("--guidance: only --model fashion uses classifier-free guidance")
            }
            if model == .fashion {
                guard FileManager.default.fileExists(atPath: data) else {
                    throw ValidationError("--data: \(data) does not exist (apt install dataset-fashion-mnist)")
                }
            }
            let folder = URL(fileURLWithPath: profilePath).deletingLastPathComponent().path
            guard FileManager.default.fileExists(atPath: folder) else {
                throw ValidationError("--output: folder \(folder) does not exist")
            }
            if !epsilonOnly && !(theory && model == .fashion) && (epsilonImages != nil || epsilonStride != nil) {
                throw ValidationError("--epsilon-images and --epsilon-stride need --epsilon-only, or --theory with --model fashion")
            }
            if let n = epsilonImages, n < 1 { throw ValidationError("--epsilon-images: must be ≥ 1, got \(n)") }
            if let k = epsilonStride, k < 1 { throw ValidationError("--epsilon-stride: must be ≥ 1, got \(k)") }
            if epsilonOnly {
                if theory { throw ValidationError("--epsilon-only and --theory exclude each other (--theory measures the ε-profile too)") }
                if sampler.worker != nil { throw ValidationError("--epsilon-only: needs the built-in model (its ε-predictions), not --worker") }
                if !(try settings().widths.contains(1)) { throw ValidationError("--epsilon-only: --widths must include 1 (the excesses are over width 1)") }
            }
            if theory {
                if sampler.worker != nil { throw ValidationError("--theory: needs the built-in model (its ε-predictions), not --worker") }
                let fitWidths: [Double] = try parseList(theoryFitWidths, option: "--theory-fit-widths")
                let gridWidths = try settings().widths
                if !gridWidths.contains(1) { throw ValidationError("--theory: --widths must include 1 (K(w) is the excess over width 1)") }
                if let problem = WidthQualityTheory.fitWidthsProblem(fitWidths, gridWidths: gridWidths) {
                    throw ValidationError("--theory-fit-widths: \(problem)")
                }
            }
        }

        func run() throws {
            let command = (["flexgen"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
            let outputs = CalibrationRun.Outputs(profile: profilePath)
            if epsilonOnly { return try runEpsilonOnly(command: command) }
            if let theoryInputs { return try runTheoryInputs(theoryInputs, command: command) }
            let result: CalibrationResult
            var fashionTheory: (inputs: FashionTheoryInputs, evaluator: FashionQualityEvaluator)?
            if model == .fashion {
                let evaluator: FashionQualityEvaluator
                do { evaluator = try FashionQualityEvaluator.shipped(dataDirectory: data) } catch { throw CLIError("--data: \(error)") }
                let floor = try evaluator.realFloor()
                let theoryInputs = theory ? try fashionTheoryInputs() : nil
                result = try CalibrationRun.run(settings: try settings(), sampler: sampler.makeFashionSampler(guidance: guidance),
                                                scorer: evaluator, subject: .fashion, profileName: "fashion-measured",
                                                classifierAccuracy: evaluator.referenceAccuracy, realFloor: floor,
                                                outputs: outputs, command: command, showProgress: progress)
                print(String(format: "real-vs-real floor (two halves of the %d test images): %.3f; classifier accuracy on them %.2f %%",
                             evaluator.referenceCount, floor, 100 * evaluator.referenceAccuracy))
                fashionTheory = theoryInputs.map { ($0, evaluator) }
            } else {
                result = try CalibrationRun.run(settings: try settings(), sampler: sampler.makeSampler(),
                                                outputs: outputs, command: command, showProgress: progress)
            }
            let fds = result.points.map(\.frechetMean)
            print(String(format: "calibrated %d configurations in %.1f s: \(result.metric.name) %.3f…%.3f, time-vs-FLOPs r = %.4f, %@",
                         result.points.count, result.wallTimeS, fds.min() ?? .nan, fds.max() ?? .nan,
                         result.timeFlopsCorrelation,
                         result.law.map { String(format: "law R² = %.4f", $0.rSquared) } ?? "law not fitted"))
            let violations = result.monotonicityViolations
            print(violations.isEmpty ? "monotone within the CI in width and in steps"
                                     : "NOT monotone within the CI: " + violations.joined(separator: "; "))
            print("wrote \(outputs.profile), \(outputs.timing), \(outputs.report), \(outputs.csv)")
            if let fashionTheory {
                try runFashionTheory(result: result, inputs: fashionTheory.inputs, evaluator: fashionTheory.evaluator, outputs: outputs, command: command)
            } else if theory {
                let model = try sampler.weights.map { try FlexibleDiffusionModel.load(path: $0) } ?? FlexibleDiffusionModel.loadShipped()
                let theoryOutputs = TheoryRun.Outputs(profile: profilePath)
                let summary = try TheoryRun.run(calibration: result, model: model,
                                                fitWidths: try parseList(theoryFitWidths, option: "--theory-fit-widths"),
                                                outputs: theoryOutputs, reportPath: outputs.report, command: command,
                                                weightsSHA256: Self.sha256(ofFile: sampler.weights ?? FlexibleDiffusionModel.shippedWeightsPath))
                print(summary)
                print("wrote \(theoryOutputs.epsilon), \(theoryOutputs.epsilonByTimestep), \(theoryOutputs.table), \(theoryOutputs.figure); appended the theory section to \(outputs.report)")
            }
        }
    }
}

extension FlexGenCommand.Calibrate {
    /// SHA-256 (hex) of the file at `path`, or nil if there is none: every theory report names the
    /// weights it measured, so a report on retrained weights is recognisably stale.
    static func sha256(ofFile path: String?) -> String? {
        path.flatMap { FileManager.default.contents(atPath: $0) }.map { SHA256.hex($0) }
    }

    /// What `--theory --model fashion` needs besides the grid: the test and training splits, the
    /// weights' SHA-256, and the ε-profile at --widths, already being measured on its own thread
    /// (3 seeds; --epsilon-images, default 200; --epsilon-stride, default 25) while the grid samples.
    struct FashionTheoryInputs {
        var test: FashionMNIST, training: FashionMNIST, schedule: NoiseSchedule, weightsSHA256: String?
        var epsilon: BackgroundComputation<EpsilonErrorProfile>
    }

    func fashionTheoryInputs() throws -> FashionTheoryInputs {
        let network: FashionDiffusionModel
        do {
            network = try sampler.weights.map { try FashionDiffusionModel.load(path: $0) } ?? FashionDiffusionModel.loadShipped()
        } catch { throw CLIError("--weights: \(error)") }
        let test: FashionMNIST, training: FashionMNIST
        do {
            test = try FashionMNIST.load(.test, directory: data)
            training = try FashionMNIST.load(.train, directory: data)
        } catch { throw CLIError("--data: \(error)") }
        let settings = TheoryRun.fashionEpsilonSettings(widths: try self.settings().widths, stride: epsilonStride ?? 25)
        let images = epsilonImages ?? 200
        let work = BackgroundComputation { try EpsilonErrorProfile.measure(fashion: network, heldOut: test, imageCount: images, settings: settings) }
        return FashionTheoryInputs(test: test, training: training, schedule: network.schedule,
                                   weightsSHA256: Self.sha256(ofFile: sampler.weights ?? FashionDiffusionModel.shippedWeightsPath),
                                   epsilon: work)
    }

    /// `--theory --model fashion`, after the grid: waits for the ε-profile, then fits on
    /// --theory-fit-widths, compares out of sample and runs the ceiling (docs/theory.md).
    func runFashionTheory(result: CalibrationResult, inputs: FashionTheoryInputs, evaluator: FashionQualityEvaluator,
                          outputs: CalibrationRun.Outputs, command: String) throws {
        print("waiting for the ε-profile (measured alongside the grid)…")
        let profile = try inputs.epsilon.wait()
        let theoryOutputs = TheoryRun.Outputs(profile: profilePath)
        let summary = try TheoryRun.run(calibration: result, fashionEpsilon: profile, evaluator: evaluator, training: inputs.training,
                                        test: inputs.test, schedule: inputs.schedule,
                                        fitWidths: try parseList(theoryFitWidths, option: "--theory-fit-widths"),
                                        outputs: theoryOutputs, reportPath: outputs.report, command: command,
                                        weightsSHA256: inputs.weightsSHA256)
        print(summary)
        print("weights SHA-256 \(inputs.weightsSHA256 ?? "unknown")")
        print("wrote \(theoryOutputs.epsilon), \(theoryOutputs.epsilonByTimestep), \(theoryOutputs.table), \(theoryOutputs.figure); appended the theory section to \(outputs.report)")
    }

    /// `--theory-inputs FILE`: the analysis on stored measurements.
    func runTheoryInputs(_ path: String, command: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("--theory-inputs: cannot read \(path)") }
        let inputs: TheoryInputs
        do { inputs = try TheoryInputs.read(data) } catch { throw CLIError("--theory-inputs: \(error)") }
        let fitWidths: [Double] = try parseList(theoryFitWidths, option: "--theory-fit-widths")
        if let problem = WidthQualityTheory.fitWidthsProblem(fitWidths, gridWidths: inputs.widths) {
            throw CLIError("--theory-fit-widths: \(problem)")
        }
        let outputs = TheoryRun.Outputs(profile: profilePath)
        let stem = profilePath.hasSuffix(".json") ? String(profilePath.dropLast(5)) : profilePath
        let report = stem + "-theory-report.md"
        print(try TheoryRun.reanalyse(inputs, fitWidths: fitWidths, outputs: outputs, reportPath: report, command: command))
        print("weights SHA-256 \(inputs.weightsSHA256 ?? "unknown")")
        print("wrote \(outputs.epsilon), \(outputs.epsilonByTimestep), \(outputs.table), \(outputs.figure), \(outputs.inputs), \(report)")
    }

    /// `--epsilon-only`: the ε-profile of the chosen model at --widths, and its report.
    func runEpsilonOnly(command: String) throws {
        var settings = EpsilonErrorProfile.Settings(widths: try self.settings().widths.sorted())
        if let seeds { settings.seedCount = seeds }
        if let epsilonStride { settings.stride = epsilonStride }
        let weightsPath: String?
        let profile: EpsilonErrorProfile
        let total = { (grid: Int) in settings.seedCount * grid }
        let dense = min(settings.denseSteps, 1000), gridPerSeed = dense + (1000 - dense + settings.stride - 1) / settings.stride
        let bar = ProgressBar(label: "ε-profile", total: total(gridPerSeed), enabled: progress)
        if model == .fashion {
            weightsPath = sampler.weights ?? FashionDiffusionModel.shippedWeightsPath
            let network: FashionDiffusionModel, heldOut: FashionMNIST
            do {
                network = try sampler.weights.map { try FashionDiffusionModel.load(path: $0) } ?? FashionDiffusionModel.loadShipped()
            } catch { throw CLIError("--weights: \(error)") }
            do { heldOut = try FashionMNIST.load(.test, directory: data) } catch { throw CLIError("--data: \(error)") }
            profile = try EpsilonErrorProfile.measure(fashion: network, heldOut: heldOut, imageCount: epsilonImages ?? 200,
                                                      settings: settings) { done, _ in bar.update(done) }
        } else {
            weightsPath = sampler.weights ?? FlexibleDiffusionModel.shippedWeightsPath
            let network = try sampler.weights.map { try FlexibleDiffusionModel.load(path: $0) } ?? FlexibleDiffusionModel.loadShipped()
            let heldOut = try DigitsDataset.loadShipped().heldOut
            profile = try EpsilonErrorProfile.measure(model: network, examples: Array(heldOut.prefix(epsilonImages ?? heldOut.count)),
                                                      settings: settings) { done, _ in bar.update(done) }
        }
        bar.finish()
        let sha = Self.sha256(ofFile: weightsPath) ?? "unknown"
        let outputs = TheoryRun.Outputs(profile: profilePath)
        let reportPath = String(outputs.epsilon.dropLast(4)) + ".md"
        print(try TheoryRun.epsilonOnly(profile: profile, outputs: outputs, reportPath: reportPath, command: command, weightsSHA256: sha))
        for w in profile.widths {
            let k = profile.klExcess(w.width)
            print(String(format: "width %.3f (%d units): ε-MSE %.5f ± %.5f, K %@", w.width, w.activeUnits, w.uniformMSE, w.uniformCI95,
                         k.map { String(format: "%.3f ± %.3f", $0.mean, $0.ci95) } ?? "–"))
        }
        print("weights SHA-256 \(sha)")
    }
}

/// Which sampler `calibrate` and `validate` run: the built-in model (optionally other weights) or
/// an external worker speaking flexgen-sampler/1 (see `SamplerProtocol`).
struct SamplerOptions: ParsableArguments {
    @Option(help: "Denoiser checkpoint to run instead of the shipped weights.")
    var weights: String?

    @Option(help: ArgumentHelp("Run this executable as an external sampler (flexgen-sampler/1 over stdin/stdout) instead of the built-in model; it must return samples and flopsPerImage.", valueName: "executable"))
    var worker: String?

    @Option(name: .customLong("worker-arg"), help: "An argument for --worker (repeat for several).")
    var workerArguments: [String] = []

    func validate() throws {
        if let weights, !FileManager.default.fileExists(atPath: weights) {
            throw ValidationError("--weights: \(weights) does not exist")
        }
        if let worker, !FileManager.default.isExecutableFile(atPath: worker) {
            throw ValidationError("--worker: \(worker) is not an executable file")
        }
        if worker != nil && weights != nil { throw ValidationError("--weights and --worker exclude each other") }
        if worker == nil && !workerArguments.isEmpty { throw ValidationError("--worker-arg needs --worker") }
    }

    func makeSampler() throws -> any Sampler {
        if let worker {
            do { return try ExternalSampler(executable: worker, arguments: workerArguments) } catch let error as SamplerError {
                throw CLIError(error.description)
            }
        }
        return BuiltinSampler(model: try weights.map { try FlexibleDiffusionModel.load(path: $0) } ?? FlexibleDiffusionModel.loadShipped())
    }

    /// The Fashion-MNIST model (or --worker, whose images must then be 784 values in [0, 1]).
    func makeFashionSampler(guidance: Double) throws -> any Sampler {
        if worker != nil { return try makeSampler() }
        do {
            let model = try weights.map { try FashionDiffusionModel.load(path: $0) } ?? FashionDiffusionModel.loadShipped()
            return FashionSampler(model: model, guidance: guidance)
        } catch {
            throw CLIError("--weights: \(error)")
        }
    }
}
