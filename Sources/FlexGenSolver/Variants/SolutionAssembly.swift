import FlexGenModel

/// Turns configurations and an allocation into a `flexgen-solution/1`, and checks it.
enum SolutionAssembly {
    struct Decision {
        var configuration: Int
        var computeRate: Double
        var bandwidth: Double
        var power: Double
        var txTime: Double
        var computeEnergy: Double
        var txEnergy: Double
    }

    static func decisions(configurations: [Int], allocation: AllocationResult) -> [Decision] {
        zip(configurations, allocation.clients).map { c, r in
            Decision(configuration: c, computeRate: r.computeRateFlopsPerS, bandwidth: r.bandwidthHz, power: r.txPowerW,
                     txTime: r.txTimeS, computeEnergy: r.computeEnergyJ, txEnergy: r.txEnergyJ)
        }
    }

    /// A solution with one decision per client, re-checked by `Evaluation`. If the check finds a
    /// violation, no solution is claimed: status `numerical_error`, no decisions, and the
    /// violations as diagnostics (a solver bug made visible, never a silently wrong answer).
    static func solution(problem: Problem, solver: SolverVariant, status: SolutionStatus, decisions: [Decision],
                         lowerBound: Double?, solveTime: Double, prices: Solution.Prices?,
                         tolerance: Double) -> Solution {
        let configs = problem.profile.configs
        var clients: [ClientDecision] = []
        var total = 0.0
        for (client, d) in zip(problem.clients, decisions) {
            let c = configs[d.configuration]
            let latency = client.uplinkDelayS + c.flops / d.computeRate + d.txTime
            clients.append(ClientDecision(
                id: client.id, width: c.width, steps: c.steps, flops: c.flops, quality: c.quality,
                computeRateFlopsPerS: d.computeRate, bandwidthHz: d.bandwidth, txPowerW: d.power, txTimeS: d.txTime,
                latencyS: latency, computeEnergyJ: d.computeEnergy, txEnergyJ: d.txEnergy))
            total += d.computeEnergy + d.txEnergy
        }
        let bound = lowerBound.map { min($0, total) }
        var solution = Solution(problem: problem.name, solver: solver.rawValue, status: status, totalEnergyJ: total,
                                lowerBoundJ: bound, gap: bound.map { total > 0 ? max(0, total - $0) / total : 0 },
                                solveTimeS: solveTime, diagnostics: nil, clients: clients, prices: prices)
        let check = Evaluation(problem: problem, solution: solution, relativeTolerance: tolerance)
        if !check.isFeasible {
            solution.status = .numericalError
            solution.clients = []
            solution.totalEnergyJ = nil
            solution.lowerBoundJ = nil
            solution.gap = nil
            solution.diagnostics = check.violations.map {
                Diagnostic(constraint: $0.kind.rawValue, clients: $0.clients,
                           message: "the \(solver.rawValue) solution failed its own check: \($0.message)",
                           serviceTarget: $0.serviceTarget)
            }
        }
        return solution
    }

    static func noSolution(problem: Problem, solver: SolverVariant, status: SolutionStatus,
                           diagnostics: [Diagnostic], lowerBound: Double? = nil, solveTime: Double) -> Solution {
        Solution(problem: problem.name, solver: solver.rawValue, status: status, totalEnergyJ: nil,
                 lowerBoundJ: lowerBound, gap: nil, solveTimeS: solveTime,
                 diagnostics: diagnostics.isEmpty ? nil : diagnostics, clients: [])
    }
}
