import FlexGenModel
import Foundation

/// Runs one `SolverVariant` on a (validated) problem. Internal: callers come through
/// `FlexGenSolver`, which validates, adds admission when asked, and re-checks the result.
struct VariantSolver: Sendable {
    var variant: SolverVariant
    var settings: SolverSettings

    init(_ variant: SolverVariant, settings: SolverSettings) {
        self.variant = variant
        self.settings = settings
    }

    /// The variant's solution, not yet re-checked, and its final allocation when it has one.
    func run(_ problem: Problem) throws -> VariantRun {
        switch variant {
        case .flexgen:
            if problem.serviceTargets.isEmpty { return try cheapestThenAllocate(problem) }
            return try decompose(problem, restrictedTo: nil)
        case .exhaustive:
            return VariantRun(solution: try ExhaustiveSolver(
                limit: settings.exhaustiveLimit, allocation: settings.decomposition.allocation,
                gapTolerance: settings.decomposition.gapTolerance).solve(problem))
        case .fullModel, .stepsOnly, .widthOnly:
            return try decompose(problem, restrictedTo: variant.menuRestriction(for: problem.profile))
        case .equalShare:
            return VariantRun(solution: try EqualShareSolver(settings: settings).solve(problem))
        case .greedy:
            return VariantRun(solution: try GreedySolver(settings: settings).solve(problem))
        }
    }

    /// FlexGen without service targets: every client's cheapest admissible configuration is optimal
    /// (`CheapestConfiguration`), so only the allocation remains, solved to the allocation's own
    /// gap tolerance (`AllocationSettings.gapTolerance`, default 1e-9).
    func cheapestThenAllocate(_ problem: Problem) throws -> VariantRun {
        let started = Date()
        let allocationSettings = settings.decomposition.allocation
        let profile = problem.profile
        let choices = problem.clients.map { CheapestConfiguration.index(in: profile, requirement: $0.qualityRequirement) }
        let unmet = zip(problem.clients, choices).filter { $0.1 == nil }.map(\.0)
        if !unmet.isEmpty {
            let diagnostics = unmet.map { client in
                Diagnostic(constraint: "quality", clients: [client.id],
                           message: "no configuration of profile \"\(profile.name)\" reaches the required "
                               + "\(profile.metric.name) \(client.qualityRequirement ?? .nan)")
            }
            return VariantRun(solution: SolutionAssembly.noSolution(
                problem: problem, solver: variant, status: .infeasible, diagnostics: diagnostics,
                solveTime: Date().timeIntervalSince(started)))
        }
        let configurations = choices.map { $0! }
        let tasks = zip(problem.clients, configurations).map {
            ClientTask(client: $0.0, configuration: profile.configs[$0.1], server: problem.server)
        }
        let result = try AllocationSolver(settings: allocationSettings).solve(
            tasks: tasks, computeRateFlopsPerS: problem.server.computeRateFlopsPerS,
            bandwidthHz: problem.server.bandwidthHz)
        guard result.hasAllocation else {
            return VariantRun(solution: SolutionAssembly.noSolution(
                problem: problem, solver: variant, status: result.status, diagnostics: result.diagnostics,
                solveTime: Date().timeIntervalSince(started)), allocation: result)
        }
        var solution = SolutionAssembly.solution(
            problem: problem, solver: variant, status: result.status,
            decisions: SolutionAssembly.decisions(configurations: configurations, allocation: result),
            lowerBound: result.lowerBoundJ, solveTime: Date().timeIntervalSince(started),
            prices: Solution.Prices(computeJPerFlopsPerS: result.computePrice, bandwidthJPerHz: result.bandwidthPrice))
        if solution.status == .optimal, let gap = solution.gap, gap > allocationSettings.gapTolerance {
            solution.status = .feasible
        }
        return VariantRun(solution: solution, allocation: result)
    }

    /// The decomposition on the problem with its menu restricted to the configurations `allowed`
    /// accepts (nil: all). The restriction is a problem of its own, so the certificate (bound and
    /// gap) is the restricted problem's: the best this scheme can do.
    func decompose(_ problem: Problem, restrictedTo allowed: ((Configuration) -> Bool)?) throws -> VariantRun {
        var restricted = problem
        if let allowed { restricted.profile.configs = problem.profile.configs.filter(allowed) }
        let result = try DecompositionSolver(settings: settings.decomposition).solve(restricted)
        return VariantRun(solution: Self.solution(from: result, problem: problem, restricted: restricted, variant: variant),
                          allocation: result.allocation)
    }

    static func solution(from result: DecompositionResult, problem: Problem, restricted: Problem,
                         variant: SolverVariant) -> Solution {
        if problem.clients.isEmpty, result.status.certifiesSolution {
            // Nothing to allocate: the decomposition returns no configurations, and the answer is
            // the empty allocation at 0 J (not a missing one).
            return SolutionAssembly.solution(problem: problem, solver: variant, status: result.status, decisions: [],
                                             lowerBound: result.lowerBoundJ, solveTime: result.solveTimeS, prices: nil)
        }
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
                                    serviceTargets: result.targetPrices))
    }
}

extension SolverVariant {
    /// The configurations this variant may use (nil: the whole menu). The restriction is what
    /// defines the baselines `full-model`, `steps-only` and `width-only`.
    func menuRestriction(for profile: Profile) -> ((Configuration) -> Bool)? {
        let widest = profile.configs.map(\.width).max() ?? 1
        let most = profile.configs.map(\.steps).max() ?? 0
        switch self {
        case .fullModel:
            let mostAtWidest = profile.configs.filter { $0.width == widest }.map(\.steps).max() ?? 0
            return { $0.width == widest && $0.steps == mostAtWidest }
        case .stepsOnly: return { $0.width == widest }
        case .widthOnly: return { $0.steps == most }
        case .flexgen, .exhaustive, .equalShare, .greedy: return nil
        }
    }
}
