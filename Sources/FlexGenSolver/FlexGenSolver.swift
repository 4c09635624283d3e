import Foundation
import FlexGenModel

/// The one entry point of the optimiser: problem + settings → solver → solution + info.
///
///     let solution = try FlexGenSolver().solve(problem)                       // FlexGen itself
///     let baseline = try FlexGenSolver(.stepsOnly, settings: settings).solve(problem)
///
/// Every caller (the CLI, `--compare`, `AsyncSolver`, the HTTP service, the benchmarks) comes
/// through here, for every variant and for admission mode, and every solution that leaves carries
/// the same guarantee: `Evaluation` has re-checked it against the problem (the admitted problem in
/// admission mode). A solution that fails its own check is never returned as a solution: it becomes
/// `numerical_error` with the violations as diagnostics.
///
/// What each variant does is in `SolverVariant`; the method in docs/model.md. Admission mode
/// (`settings.admission`) is a stage in front of the variant: it chooses the admitted set (see
/// `AdmissionRun`), then the variant solves the admitted problem.
///
/// Errors are thrown only for an invalid problem (`SolverError.invalidProblem`, the issues carry
/// JSON paths), invalid settings, or a variant that cannot take the instance (`exhaustive` above
/// its size limit, admission with a variant whose allocation is not optimal). Every outcome of a
/// valid solve is a status: `optimal`, `feasible`, `infeasible`, `time_limit`, `iteration_limit`,
/// `numerical_error`.
public struct FlexGenSolver: Sendable, Hashable {
    public var variant: SolverVariant
    public var settings: SolverSettings

    public init(_ variant: SolverVariant = .flexgen, settings: SolverSettings = SolverSettings()) {
        self.variant = variant
        self.settings = settings
    }


    public func solve(_ problem: Problem) throws -> Solution {
        let started = Date()
        try settings.validate()
        do { try problem.validate() } catch let error as InputError { throw SolverError.invalidProblem(error) }
        return try run(problem, started: started).solution
    }

    /// `solve` of a problem its reader already validated (not validated again).
    public func solve(_ problem: ValidatedProblem) throws -> Solution {
        let started = Date()
        try settings.validate()
        return try run(problem.problem, started: started).solution
    }

    /// `solve` with what the solve chose and how: the configuration of every client, the final
    /// allocation's certificate and iteration record, and the check the solution passed.
    public func solveWithInfo(_ problem: Problem) throws -> SolveInfo {
        let started = Date()
        try settings.validate()
        do { try problem.validate() } catch let error as InputError { throw SolverError.invalidProblem(error) }
        let (solution, allocation, evaluation, checkTime) = try run(problem, started: started)
        return SolveInfo(solution: solution, configurationIndices: Self.configurationIndices(of: solution, in: problem),
                         allocation: allocation, evaluation: evaluation, checkTimeS: checkTime)
    }

    /// The solve of a valid problem, and its final check (`solveWithInfo` without the validation
    /// and without `configurationIndices`, which `solve` does not return).
    private func run(_ problem: Problem, started: Date) throws
        -> (solution: Solution, allocation: AllocationResult?, evaluation: Evaluation?, checkTimeS: Double) {
        var run: VariantRun
        if let mode = settings.admission {
            run = try AdmissionRun(problem: problem, variant: variant, settings: settings, mode: mode, started: started)
                .solve()
        } else {
            run = try VariantSolver(variant, settings: settings).run(problem)
        }
        run.solution.solver = variant.rawValue
        let checkStarted = Date()
        let evaluation = Self.check(&run.solution, problem: problem, tolerance: settings.checkTolerance)
        let checkTime = Date().timeIntervalSince(checkStarted)
        run.solution.solveTimeS = Date().timeIntervalSince(started)
        return (run.solution, run.allocation, evaluation, checkTime)
    }

    /// The final check every returned solution passes: `Evaluation` against the problem. A
    /// violation means a solver bug: the solution is withdrawn (`numerical_error`, no decisions,
    /// the violations as diagnostics), never returned silently wrong. A solution with no
    /// allocation has nothing to check.
    /// The diagnostic `constraint` of a `numerical_error` caused by the instance's magnitudes, not the
    /// solver: the recomputed total energy is not a finite Double.
    public static let overflowConstraint = "overflow"

    static func check(_ solution: inout Solution, problem: Problem, tolerance: Double) -> Evaluation? {
        guard solution.hasAllocation else { return nil }
        let evaluation = Evaluation(problem: problem, solution: solution, relativeTolerance: tolerance)
        if !evaluation.isFeasible {
            let solver = solution.solver
            solution.status = .numericalError
            solution.clients = []
            solution.totalEnergyJ = nil
            solution.lowerBoundJ = nil
            solution.gap = nil
            solution.diagnostics = evaluation.violations.map {
                Diagnostic(constraint: $0.kind.rawValue, clients: $0.clients,
                           message: "the \(solver) solution failed its own check: \($0.message)",
                           serviceTarget: $0.serviceTarget)
            }
            if !evaluation.totalEnergyJ.isFinite {
                // Not a solver fault but the instance's scale: its energy (or a quantity on the way)
                // leaves Double's range. Said first, under its own name, so that a caller can tell
                // the two apart (the HTTP service answers this one 422, a solver fault 500).
                solution.diagnostics?.insert(Diagnostic(
                    constraint: Self.overflowConstraint, clients: [],
                    message: "the recomputed total energy is \(evaluation.totalEnergyJ): this instance's magnitudes "
                        + "exceed Double arithmetic (rescale its units)"), at: 0)
            }
        }
        return evaluation
    }

    /// Per problem client, the index into the profile of the configuration its decision runs (nil:
    /// no decision, e.g. rejected or no solution).
    static func configurationIndices(of solution: Solution, in problem: Problem) -> [Int?] {
        let byKey = Dictionary(problem.profile.configs.enumerated().map { ($0.element.key, $0.offset) },
                               uniquingKeysWith: { first, _ in first })
        let decided = Dictionary(solution.clients.map { ($0.id, $0.configurationKey) }, uniquingKeysWith: { a, _ in a })
        return problem.clients.map { client in decided[client.id].flatMap { byKey[$0] } }
    }
}

/// What one variant's run produced before the final check: the solution and, where the run
/// ended in one allocation solve, its result.
struct VariantRun {
    var solution: Solution
    var allocation: AllocationResult?
}
