import ArgumentParser
import Foundation
import FlexGen

/// `flexgen check PROBLEM SOLUTION`: re-evaluates a solution independently of whatever produced it.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-evaluate a solution against its problem; exit 1 naming every violated constraint.",
        discussion: """
            Recomputes every client's latency, delivered bits and energies from the decisions and \
            checks every constraint with a relative tolerance (upper bounds: lhs <= rhs*(1+tol), \
            lower bounds: lhs >= rhs*(1-tol)). Exit codes: 0 all constraints hold (or the solution \
            carries no allocation, e.g. status infeasible), 1 a violation, 2 bad input. \
            Without SOLUTION: validate the problem and print a summary (exit 0 or 2). \
            Given a flexgen-trace/1 and a flexgen-simulation/1 report instead, runs the invariant \
            checker of `flexgen simulate` (docs/online.md): every served request's latency, bits, \
            quality and energies re-derived from its schedule, and an event sweep showing that the held \
            compute rates never exceed F nor the held bands B; exit 1 on any violation.
            """)

    @Argument(help: "The flexgen-problem/1 file (or a flexgen-trace/1).")
    var problem: String

    @Argument(help: "The flexgen-solution/1 file (or, after a trace, its flexgen-simulation/1 report). Without it, the problem alone is validated and summarised.")
    var solution: String?

    @Option(help: "Relative tolerance of every constraint and reported value.")
    var tolerance: Double = 1e-6

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard tolerance.isFinite, tolerance >= 0, tolerance < 1 else {
            throw ValidationError("--tolerance: must be in [0, 1), got \(tolerance)")
        }
    }

    func run() throws {
        // The format is declared near the top (`declaredFormat` reads the first 64 KiB only): read
        // just those bytes here, not the whole file a second time.
        if let head = Self.head(of: problem), SimulationReportFile.declaredFormat(of: head) == Trace.formatName {
            try checkSimulation()
            return
        }
        guard let solutionPath = solution else {
            let problem = try loadProblem(problem)
            try output.emit(output.json ? try ProblemFile.encode(problem, embedProfile: true)
                                        : Data((ProblemSummary.render(problem) + "\n").utf8))
            return
        }
        // The two files are read at once (independent parses); a bad problem is still reported
        // first, as when they were read one after the other.
        let problemPath = problem
        let (problemRead, solutionRead) = bothAtOnce({ try loadProblem(problemPath) },
                                                     { try loadSolutionListingUnknownKeys(solutionPath) })
        let problem = try problemRead.get()
        let (solution, ignored) = try solutionRead.get()
        // Another writer's extensions are read past (the contract lets solvers extend the format);
        // say so, since a typo in an optional field (`lowerBoundJ`, `gap`) would otherwise go unseen.
        if !ignored.isEmpty {
            printError("warning: \(solutionPath): ignoring keys FlexGen does not read: "
                + ignored.prefix(10).joined(separator: ", ") + (ignored.count > 10 ? ", …" : ""))
        }
        let evaluation = Evaluation(problem: problem, solution: solution, relativeTolerance: tolerance)
        if solution.problem != problem.name {
            printError("warning: the solution is for problem \"\(solution.problem)\", the problem file is \"\(problem.name)\"")
        }
        if output.json {
            try output.emit(try FlexGenJSON.encode(EvaluationReport(problem: problem, solution: solution, evaluation: evaluation)))
        } else {
            try output.emit(CheckTable.renderData(problem: problem, solution: solution, evaluation: evaluation))
        }
        if !evaluation.passes { throw ExitCode(CLIExit.verdictNo) }
    }

    /// The first 64 KiB of the file at `path` (all of it when shorter); nil when it cannot be read.
    static func head(of path: String) -> Data? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 65_536)) ?? nil
    }

    /// `flexgen check TRACE [REPORT]`.
    func checkSimulation() throws {
        if output.json { throw CLIError("--json: a simulation report is checked into a text summary; drop --json") }
        let trace: Trace
        do { trace = try TraceFile.load(path: problem) } catch let error as InputError { throw error.inFile(problem) }
        guard let reportPath = solution else {
            try output.emit("trace \(trace.name): \(trace.requests.count) requests, frame \(trace.frameS) s, "
                + "arrivals over [0, \(trace.requests.map(\.arrivalS).max() ?? 0)] s")
            return
        }
        let report: SimulationReport
        do { report = try SimulationReportFile.load(path: reportPath) } catch let error as InputError {
            throw error.inFile(reportPath)
        }
        if report.trace != trace.name {
            printError("warning: the report is for trace \"\(report.trace)\", the trace file is \"\(trace.name)\"")
        }
        let check = SimulationCheck(trace: trace, report: report, relativeTolerance: tolerance)
        try output.emit(SimulationSummary.render(report: report, check: check))
        if !check.passes { throw ExitCode(CLIExit.verdictNo) }
    }
}
