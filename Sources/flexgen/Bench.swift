import ArgumentParser
import Foundation
import FlexGenBench

/// `flexgen bench`: the energy comparison, the optimality gap and the solver scaling, with CSVs,
/// SVG figures and a Markdown report (printed to standard output and written to results/report.md).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmark FlexGen against the baselines and measure the solvers; write CSVs, SVG figures and a report.",
        discussion: """
            Sweeps the number of clients, deadline scale, quality requirement, premium share, band, compute rate \
            and service-target tightness of the paper-default scenario (part sweeps); compares admission policies \
            across offered loads (part admission); times the infeasible verdict and admission on overloaded \
            instances (part overload, at --verdict-sizes and --overload-admission-sizes clients); part online: the six \
            online policies on Poisson traces across loads and frame lengths, and FlexGen at 50 requests/s over an \
            hour of simulated time with its warm-start factor; part io: reading, validating, solving, writing and checking files at --io-sizes clients, \
            against Foundation's JSON coders in the same run; every point averages seeded instances, \
            every variant's solution is re-checked by the evaluator (a rejected solution is a FAILURE, printed \
            at once, and makes the command exit 1 after writing everything). Outputs go to OUT/results and \
            OUT/figures, each file written atomically.
            """)

    @Flag(help: "CI mode: two values per sweep, 3 seeds, K up to 1 000 in the scaling and overload parts, loads 1 and 2 with 2 seeds in the admission part, K = 200 in the io part, 5 s traces at loads 0.5 and 1.2 with 2 seeds in the online part.")
    var quick = false

    @Option(help: ArgumentHelp("Folder that receives results/ and figures/ (created if missing).", valueName: "dir"))
    var out = "benchmarks"

    @Option(help: "Seeded instances per sweep point (default: 20; --quick: 3).")
    var seeds: Int?

    @Option(help: ArgumentHelp("Parts to run, comma-separated: \(BenchSettings.Part.allCases.map(\.rawValue).joined(separator: ", ")).",
                               valueName: "list"))
    var parts: String?

    @Option(help: ArgumentHelp("Sweeps to run, comma-separated: \(BenchScenarios.sweepNames.joined(separator: ", ")) (default: all).",
                               valueName: "list"))
    var sweeps: String?

    @Option(help: ArgumentHelp("Variants compared, comma-separated, FlexGen first (default: \(BenchVariants.compared.joined(separator: ","))).",
                               valueName: "list"))
    var variants: String?

    @Option(help: ArgumentHelp("K values of the scaling part, comma-separated.", valueName: "list"))
    var scalingSizes: String?

    @Option(help: ArgumentHelp("K values of the io part (read, validate, solve, write, check), comma-separated.", valueName: "list"))
    var ioSizes: String?

    @Option(help: ArgumentHelp("K values of the overload part's infeasible-verdict cases (default: 1000,10000,100000).",
                               valueName: "list"))
    var verdictSizes: String?

    @Option(help: ArgumentHelp("K values of the overload part's admission cases (default: 1000,100000).", valueName: "list"))
    var overloadAdmissionSizes: String?

    @Option(help: ArgumentHelp("Wall-time cap of one solve of a decomposition-based variant (default: 5); "
                               + "a capped solve keeps its best checked solution, recorded as time_limit.", valueName: "seconds"))
    var solveTimeLimit: Double?

    @Option(help: ArgumentHelp("The paper-default instance.", valueName: "file"))
    var paperDefault = "problems/paper-default.json"

    @Option(help: ArgumentHelp("The measured profile compared with sd-like-512.", valueName: "file"))
    var measuredProfile = "problems/profiles/digits-measured.json"

    @Flag(inversion: .prefixedNo, help: "Progress bars on standard error (default: when it is a terminal).")
    var progress: Bool?

    func validate() throws {
        if let seeds, seeds < 1 { throw ValidationError("--seeds: must be >= 1, got \(seeds)") }
        if let parts {
            for p in parts.split(separator: ",") where BenchSettings.Part(rawValue: String(p)) == nil {
                throw ValidationError("--parts: unknown part \"\(p)\" (known: \(BenchSettings.Part.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
        }
        if let sweeps {
            for name in sweeps.split(separator: ",") where !BenchScenarios.sweepNames.contains(String(name)) {
                throw ValidationError("--sweeps: unknown sweep \"\(name)\" (known: \(BenchScenarios.sweepNames.joined(separator: ", ")))")
            }
        }
        if let variants {
            let names = variants.split(separator: ",").map(String.init)
            guard names.first == BenchVariants.reference else {
                throw ValidationError("--variants: must start with \(BenchVariants.reference) (every ratio is taken against it)")
            }
            if let unknown = names.first(where: { BenchVariants.make($0) == nil }) {
                throw ValidationError("--variants: unknown variant \"\(unknown)\" (known: \(BenchVariants.compared.joined(separator: ", ")), \(BenchVariants.exact))")
            }
        }
        if let scalingSizes {
            let ks: [Int] = try parseList(scalingSizes, option: "--scaling-sizes")
            if let bad = ks.first(where: { $0 < 1 }) { throw ValidationError("--scaling-sizes: must be >= 1, got \(bad)") }
        }
        if let ioSizes {
            let ks: [Int] = try parseList(ioSizes, option: "--io-sizes")
            if let bad = ks.first(where: { $0 < 1 }) { throw ValidationError("--io-sizes: must be >= 1, got \(bad)") }
        }
        for (list, option) in [(verdictSizes, "--verdict-sizes"), (overloadAdmissionSizes, "--overload-admission-sizes")] {
            guard let list else { continue }
            let ks: [Int] = try parseList(list, option: option)
            if let bad = ks.first(where: { $0 < 1 }) { throw ValidationError("\(option): must be >= 1, got \(bad)") }
        }
        if let solveTimeLimit, !(solveTimeLimit > 0) {
            throw ValidationError("--solve-time-limit: must be > 0, got \(solveTimeLimit)")
        }
        guard !out.isEmpty else { throw ValidationError("--out: must not be empty") }
    }

    func settings() throws -> BenchSettings {
        var s: BenchSettings = quick ? .quick : .full
        s.outputDirectory = out
        if let seeds { s.seedCount = seeds }
        if let parts { s.parts = Set(parts.split(separator: ",").compactMap { BenchSettings.Part(rawValue: String($0)) }) }
        if let sweeps { s.sweepNames = Set(sweeps.split(separator: ",").map(String.init)) }
        if let variants { s.variantNames = variants.split(separator: ",").map(String.init) }
        if let scalingSizes { s.scalingSizes = try parseList(scalingSizes, option: "--scaling-sizes") }
        if let ioSizes { s.ioSizes = try parseList(ioSizes, option: "--io-sizes") }
        if let verdictSizes { s.overloadVerdictSizes = try parseList(verdictSizes, option: "--verdict-sizes") }
        if let overloadAdmissionSizes {
            s.overloadAdmissionSizes = try parseList(overloadAdmissionSizes, option: "--overload-admission-sizes")
        }
        if let solveTimeLimit { s.solveTimeLimitS = solveTimeLimit }
        s.paperDefaultPath = paperDefault
        s.measuredProfilePath = measuredProfile
        s.showProgress = progress
        return s
    }

    func run() throws {
        let settings = try settings()
        let results = try BenchSuite(settings: settings).run(warn: { printError($0) })
        let command = (["flexgen"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        let written = try BenchOutput.write(results, to: settings.outputDirectory, command: command)
        print(BenchReport.markdown(results, command: command))
        printError("wrote \(written.count) files under \(settings.outputDirectory) in \(String(format: "%.1f", results.wallTimeS)) s")
        if results.failureCount > 0 {
            printError("\(results.failureCount) FAILURES: solutions rejected by the evaluator or solvers that threw (see above)")
            throw ExitCode(CLIExit.verdictNo)
        }
    }
}
