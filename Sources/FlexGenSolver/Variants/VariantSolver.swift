import FlexGenModel
import Foundation

/// Runs one `SolverVariant` on a problem and returns a checked `Solution`.
public struct VariantSolver: Sendable {
    public var variant: SolverVariant
    public var settings: VariantSettings

    public init(_ variant: SolverVariant, settings: VariantSettings = VariantSettings()) {
        self.variant = variant
        self.settings = settings
    }

    /// Throws `SolverError` only for an invalid problem (`.invalidProblem`, with JSON paths), invalid
    /// settings, or (`exhaustive`) an instance above its size limit (`.unsupported`).
    public func solve(_ problem: Problem) throws -> Solution {
        let start = Date()
        do { try problem.validate() } catch let error as InputError { throw SolverError.invalidProblem(error) }
        var solution: Solution
        switch variant {
        case .flexgen:
            solution = try decompose(problem, restrictedTo: nil)
        case .exhaustive:
            solution = try ExhaustiveSolver(limit: settings.exhaustiveLimit, allocation: settings.decomposition.allocation,
                                            gapTolerance: settings.decomposition.gapTolerance,
                                            checkTolerance: settings.checkTolerance).solve(problem)
        case .fullModel:
            let widest = problem.profile.configs.map(\.width).max() ?? 1
            let most = problem.profile.configs.filter { $0.width == widest }.map(\.steps).max() ?? 0
            solution = try decompose(problem, restrictedTo: { $0.width == widest && $0.steps == most })
        case .stepsOnly:
            let widest = problem.profile.configs.map(\.width).max() ?? 1
            solution = try decompose(problem, restrictedTo: { $0.width == widest })
        case .widthOnly:
            let most = problem.profile.configs.map(\.steps).max() ?? 0
            solution = try decompose(problem, restrictedTo: { $0.steps == most })
        case .equalShare:
            solution = try EqualShareSolver(settings: settings).solve(problem)
        case .greedy:
            solution = try GreedySolver(settings: settings).solve(problem)
        }
        solution.solver = variant.rawValue
        solution.solveTimeS = Date().timeIntervalSince(start)
        return solution
    }

    /// The decomposition on the problem with its menu restricted to the configurations `allowed`
    /// accepts (nil: all). The restriction is a problem of its own, so the certificate (bound and
    /// gap) is the restricted problem's: the best this scheme can do.
    func decompose(_ problem: Problem, restrictedTo allowed: ((Configuration) -> Bool)?) throws -> Solution {
        var restricted = problem
        if let allowed { restricted.profile.configs = problem.profile.configs.filter(allowed) }
        let result = try DecompositionSolver(settings: settings.decomposition).solve(restricted)
        return Self.solution(from: result, problem: problem, restricted: restricted, variant: variant,
                             tolerance: settings.checkTolerance)
    }

    static func solution(from result: DecompositionResult, problem: Problem, restricted: Problem,
                         variant: SolverVariant, tolerance: Double) -> Solution {
        guard let allocation = result.allocation, !result.configurations.isEmpty else {
            var diagnostics = result.diagnostics
            if restricted.profile.configs.count != problem.profile.configs.count {
                diagnostics = diagnostics.map { d in
                    var d = d
                    d.message += " (\(variant.rawValue) uses \(restricted.profile.configs.count) of the \(problem.profile.configs.count) configurations)"
                    return d
                }
            }
            return SolutionAssembly.noSolution(problem: problem, solver: variant, status: result.status,
                                               diagnostics: diagnostics, lowerBound: nil, solveTime: result.solveTimeS)
        }
        // Map the restricted menu's indices back to the full profile's.
        let index = Dictionary(problem.profile.configs.enumerated().map { ($0.element.key, $0.offset) },
                               uniquingKeysWith: { first, _ in first })
        let configurations = result.configurations.map { index[restricted.profile.configs[$0].key]! }
        return SolutionAssembly.solution(
            problem: problem, solver: variant, status: result.status,
            decisions: SolutionAssembly.decisions(configurations: configurations, allocation: allocation),
            lowerBound: result.lowerBoundJ, solveTime: result.solveTimeS,
            prices: Solution.Prices(computeJPerFlopsPerS: result.computePrice, bandwidthJPerHz: result.bandwidthPrice,
                                    serviceTargets: result.targetPrices),
            tolerance: tolerance)
    }
}
