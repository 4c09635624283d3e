import ArgumentParser
import Foundation
import FlexGen

/// `flexgen solve PROBLEM [-o SOLUTION] [--json]`: the main job.
struct Solve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Choose every client's configuration and allocate compute, band, power and time at least energy.",
        discussion: """
            Without service targets every client gets its cheapest admissible configuration (optimal: \
            energy and latency both grow with the work) and the allocation is solved to a certified \
            duality gap; with service targets the configuration choice goes to the decomposition \
            (an exact knapsack over the targets + allocation, certified Lagrangian gap). Writes a flexgen-solution/1 (with -o) that `flexgen check` accepts, and prints \
            a summary (or, with --json, the solution). Exit codes: 0 a checked allocation was found \
            (optimal, feasible, or stopped at a limit with one), 1 infeasible or no allocation \
            (diagnostics on stderr), 2 bad input. --solver NAME runs one of the comparison schemes \
            instead (full-model, steps-only, width-only, equal-share, greedy) or the exact oracle \
            (exhaustive, tiny instances); --compare runs them all and prints a table.
            """)

    @Argument(help: "The flexgen-problem/1 file.")
    var problem: String

    @Option(help: "Relative duality gap at or below which the solution is reported optimal (default: 1e-9 without service targets, 1e-3 with them).")
    var gapTolerance: Double?

    @Option(help: "Wall-clock limit in seconds (default: none).")
    var timeLimit: Double?

    @Option(help: ArgumentHelp("Solver variant: \(SolverVariant.allCases.map(\.rawValue).joined(separator: ", ")).",
                               discussion: SolverVariant.allCases.map { "\($0.rawValue): \($0.summary)" }.joined(separator: "; ")))
    var solver: SolverVariant = .flexgen

    @Flag(help: "Run every solver variant on the instance and print energy, status and time side by side (exhaustive only when small).")
    var compare = false

    @Option(help: ArgumentHelp(
        "Admission control: none (every client must be served; an overloaded problem is infeasible) or max-served.",
        discussion: "max-served serves the clients of greatest total priority that fit, at least energy, and writes an "
            + "admission block: the admitted count and priority, a proven upper bound on the priority, and why "
            + "each other client was rejected (quality, deadline or capacity).",
        valueName: "mode"))
    var admission: AdmissionOption = .none

    @Option(help: "Threads evaluating the clients of each price sweep (default: one per core). The solution does not depend on it, bit for bit.")
    var threads: Int?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let threads, threads < 1 {
            throw ValidationError("--threads: must be >= 1, got \(threads)")
        }
        if let gapTolerance, !(gapTolerance.isFinite && gapTolerance >= 0) {
            throw ValidationError("--gap-tolerance: must be finite and >= 0, got \(gapTolerance)")
        }
        if let timeLimit, !(timeLimit > 0) {
            throw ValidationError("--time-limit: must be > 0, got \(timeLimit)")
        }
        if compare, output.json || output.output != nil {
            throw ValidationError("--compare prints a table; it cannot be combined with --json or -o")
        }
        if compare, solver != .flexgen {
            throw ValidationError("--compare runs every solver; drop --solver")
        }
        if admission != .none, !solver.supportsAdmission {
            throw ValidationError("--admission \(admission.rawValue): the \(solver.rawValue) solver does not support admission "
                + "(supported: \(SolverVariant.allCases.filter(\.supportsAdmission).map(\.rawValue).joined(separator: ", ")))")
        }
    }

    func run() throws {
        let validated = try loadValidatedProblem(problem)
        let problem = validated.problem
        var settings = SolverSettings()
        if let gapTolerance {
            settings.decomposition.allocation.gapTolerance = gapTolerance
            settings.decomposition.gapTolerance = gapTolerance
        }
        if let timeLimit { settings.timeLimitS = timeLimit }
        settings.decomposition.allocation.threads = threads ?? ProcessInfo.processInfo.activeProcessorCount
        settings.admission = admission.mode
        if compare {
            let comparison: VariantComparison
            do {
                comparison = try VariantComparison(problem: problem, settings: settings)
            } catch SolverError.invalidProblem(let error) {
                throw error
            } catch let error as SolverError {
                throw CLIError(error.description)
            }
            print("problem \(problem.name) (\(problem.clients.count) clients)")
            print(comparison.table, terminator: "")
            return
        }
        let solution: Solution
        do {
            solution = try FlexGenSolver(solver, settings: settings).solve(validated)
        } catch SolverError.invalidProblem(let error) {
            throw error
        } catch let error as SolverError {
            throw CLIError(error.description)
        }
        // The solution's bytes in 64 KiB pieces (exactly `FlexGenJSON.encode`'s), streamed to the
        // file; the generic encoder only when the pieces decline, and then always, so that what
        // cannot be written (a non-finite number) is an error before anything is written, as before.
        let chunks = SolutionJSONChunks(solution)
        let encoded = chunks == nil ? try FlexGenJSON.encode(solution) : nil
        if let path = output.output {
            if let chunks { try AtomicFile.write(chunks: chunks, to: path) } else if let encoded { try AtomicFile.write(encoded, to: path) }
        }
        if output.json {
            if let encoded { FileHandle.standardOutput.write(encoded) } else if let chunks {
                for chunk in chunks { FileHandle.standardOutput.write(Data(chunk)) }
            }
        } else {
            print(SolveSummary.render(problem: problem, solution: solution), terminator: "")
        }
        if !solution.hasAllocation && !problem.clients.isEmpty {
            for diagnostic in solution.diagnostics ?? [] { printError(diagnostic.description) }
            throw ExitCode(CLIExit.verdictNo)
        }
    }
}

/// The short human summary of a solve.
enum SolveSummary {
    static func render(problem: Problem, solution: Solution) -> String {
        func number(_ value: Double?, _ unit: String) -> String {
            guard let value, value.isFinite else { return "—" }
            return String(format: "%.9g", value) + (unit.isEmpty ? "" : " " + unit)
        }
        var lines = [
            "problem      \(problem.name) (\(problem.clients.count) clients)",
            "status       \(solution.status.rawValue)",
            "energy       \(number(solution.totalEnergyJ, "J"))",
            "lower bound  \(number(solution.lowerBoundJ, "J"))",
            "gap          \(solution.gap.map { String(format: "%.3g", $0) } ?? "—")",
            "time         \(String(format: "%.4f", solution.solveTimeS)) s",
        ]
        if let prices = solution.prices {
            lines.append("prices       compute \(number(prices.computeJPerFlopsPerS, "J/(FLOP/s)")), "
                + "band \(number(prices.bandwidthJPerHz, "J/Hz"))")
        }
        if let admission = solution.admission {
            lines.append("admitted     \(admission.admittedCount) of \(problem.clients.count) clients, priority "
                + "\(number(admission.admittedPriority, "")) (bound \(number(admission.admittedPriorityUpperBound, "")))")
            var reasons: [Admission.Reason: Int] = [:]
            for rejection in admission.rejected { reasons[rejection.reason, default: 0] += 1 }
            if !reasons.isEmpty {
                lines.append("rejected     " + Admission.Reason.allCases.compactMap { reason in
                    reasons[reason].map { "\(reason.rawValue): \($0)" }
                }.joined(separator: ", "))
            }
        }
        if !solution.clients.isEmpty {
            var counts: [Configuration.Key: Int] = [:]
            for client in solution.clients { counts[client.configurationKey, default: 0] += 1 }
            let tiers = counts.sorted { ($0.key.width, $0.key.steps) > ($1.key.width, $1.key.steps) }
                .map { "w=\($0.key.width) s=\($0.key.steps): \($0.value)" }
            lines.append("tiers        " + tiers.joined(separator: ", "))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// `--admission`: off, or one of `Admission.Mode`.
enum AdmissionOption: String, ExpressibleByArgument, CaseIterable {
    case none
    case maxServed = "max-served"

    var mode: Admission.Mode? {
        switch self {
        case .none: nil
        case .maxServed: .maxServed
        }
    }
}
