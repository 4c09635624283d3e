import FlexGenConcurrency
import FlexGenModel

/// The embedding entry point: solve and check from `async` code without blocking Swift's
/// cooperative thread pool.
///
///     let solver = AsyncSolver(.flexgen, settings: SolverSettings())
///     let solution = try await solver.solve(problem)
///     let evaluation = await AsyncSolver.check(problem, solution)
///
/// - The synchronous solve (`FlexGenSolver`, the one entry point) runs on `BlockingWork`'s own
///   threads; the awaiting task is suspended, not blocking a pool thread, so an HTTP server or an
///   orchestrator keeps serving.
/// - Cancelling the awaiting task asks the solve to stop between iterations (through
///   `AllocationSettings.stopSignal`, checked with the time limit) and `solve` then throws
///   `CancellationError`: a cancelled caller gets no half-finished answer.
/// - No global mutable state: everything a solve uses is in its arguments. GLPK, which is not
///   re-entrant, is serialised by its wrapper (FlexGenGLPK's one lock), so concurrent solves are safe.
/// - A value type: copy it freely across tasks.
public struct AsyncSolver: Sendable, Hashable {
    public var variant: SolverVariant
    public var settings: SolverSettings

    public init(_ variant: SolverVariant = .flexgen, settings: SolverSettings = SolverSettings()) {
        self.variant = variant
        self.settings = settings
    }

    /// A solver with the given variant name (`flexgen`, `exhaustive`, `full-model`, …); nil for
    /// an unknown name.
    public init?(named name: String, settings: SolverSettings = SolverSettings()) {
        guard let variant = SolverVariant(rawValue: name) else { return nil }
        self.init(variant, settings: settings)
    }

    /// The settings with the time limit of every stage capped at `seconds`.
    public func withTimeLimit(_ seconds: Double) -> AsyncSolver {
        var copy = self
        copy.settings.decomposition.timeLimitS = min(copy.settings.decomposition.timeLimitS, seconds)
        copy.settings.decomposition.allocation.timeLimitS = min(copy.settings.decomposition.allocation.timeLimitS, seconds)
        return copy
    }

    /// Solves `problem` with the variant. Throws `SolverError` for invalid settings or input the
    /// variant cannot take, `CancellationError` if the calling task was cancelled; every outcome
    /// of a valid solve (infeasible, time limit, …) is the solution's status.
    public func solve(_ problem: Problem) async throws -> Solution {
        let solver = FlexGenSolver(variant, settings: settings)
        let solution = try await BlockingWork.run { signal in
            var solver = solver
            solver.settings.decomposition.allocation.stopSignal = signal
            return try solver.solve(problem)
        }
        try Task.checkCancellation()
        return solution
    }

    /// `solve` of a problem its reader already validated (the service's: it decodes every body
    /// through `ProblemFile`, which validates), not validated again.
    public func solve(_ problem: ValidatedProblem) async throws -> Solution {
        let solver = FlexGenSolver(variant, settings: settings)
        let solution = try await BlockingWork.run { signal in
            var solver = solver
            solver.settings.decomposition.allocation.stopSignal = signal
            return try solver.solve(problem)
        }
        try Task.checkCancellation()
        return solution
    }

    /// Re-evaluates `solution` against `problem` off the cooperative pool (it is O(K), which
    /// matters only for very large K). See `Evaluation`.
    public static func check(_ problem: Problem, _ solution: Solution, relativeTolerance: Double = 1e-6) async -> Evaluation {
        // The closure cannot throw, so neither can the run; `try?` only satisfies the signature.
        (try? await BlockingWork.run { _ in
            Evaluation(problem: problem, solution: solution, relativeTolerance: relativeTolerance)
        }) ?? Evaluation(problem: problem, solution: solution, relativeTolerance: relativeTolerance)
    }
}
