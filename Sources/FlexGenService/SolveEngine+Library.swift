import FlexGenModel
import FlexGenSolver

extension SolveEngine {
    /// The FlexGen library's variants (`SolverVariant.allCases`, default `flexgen`) through
    /// `AsyncSolver`: solves run off the cooperative pool, and the service's time limit caps the
    /// variant's own limits. An invalid problem (`SolverError.invalidProblem`) is a
    /// 400; valid input the variant cannot take (e.g. `exhaustive` above its size limit) a 422.
    public static var library: SolveEngine {
        library(settings: SolverSettings())
    }

    /// The library engine with explicit variant settings (the time limit is still capped per request).
    public static func library(settings: SolverSettings) -> SolveEngine {
        @Sendable func run(_ problem: Problem, _ name: String, _ timeLimitS: Double,
                           _ admission: Admission.Mode?) async throws -> Solution {
            var settings = settings
            settings.admission = admission
            guard let solver = AsyncSolver(named: name, settings: settings) else {
                throw InputError(path: "query.solver", reason: "unknown solver \"\(name)\"")
            }
            do {
                // Validated by the service on decoding (see `SolveEngine.solve`): not again.
                return try await solver.withTimeLimit(timeLimitS).solve(ValidatedProblem(unchecked: problem))
            } catch let error as SolverError {
                switch error {
                case .invalidProblem(let input): throw input
                // Valid input this variant cannot take (e.g. `exhaustive` beyond its size limit, or
                // admission with a variant that has no optimal allocation).
                default: throw APIError(.unprocessableContent, path: "query.solver", reason: "\(name): \(error)")
                }
            }
        }
        return SolveEngine(solverNames: SolverVariant.allCases.map(\.rawValue),
                           defaultSolver: SolverVariant.flexgen.rawValue,
                           solve: { try await run($0, $1, $2, nil) },
                           solveAdmitting: { try await run($0, $1, $2, $3) })
    }
}
