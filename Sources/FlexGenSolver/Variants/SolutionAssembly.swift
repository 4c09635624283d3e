import FlexGenModel

/// Turns configurations and an allocation into a `flexgen-solution/1`.
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

    /// A solution with one decision per client. Not checked here: `FlexGenSolver` re-checks every
    /// solution it returns, whichever variant made it.
    static func solution(problem: Problem, solver: SolverVariant, status: SolutionStatus, decisions: [Decision],
                         lowerBound: Double?, solveTime: Double, prices: Solution.Prices?) -> Solution {
        let configs = problem.profile.configs
        var clients: [ClientDecision] = []
        clients.reserveCapacity(decisions.count)
        var total = 0.0
        for (client, d) in zip(problem.clients, decisions) {
            let c = configs[d.configuration]
            clients.append(ClientDecision(
                id: client.id, width: c.width, steps: c.steps, flops: c.flops, quality: c.quality,
                computeRateFlopsPerS: d.computeRate, bandwidthHz: d.bandwidth, txPowerW: d.power, txTimeS: d.txTime,
                latencyS: EnergyModel.latency(uplinkDelayS: client.uplinkDelayS, flops: c.flops, rate: d.computeRate,
                                              txTimeS: d.txTime),
                computeEnergyJ: d.computeEnergy, txEnergyJ: d.txEnergy))
            total += d.computeEnergy + d.txEnergy
        }
        let bound = lowerBound.map { min($0, total) }
        return Solution(problem: problem.name, solver: solver.rawValue, status: status, totalEnergyJ: total,
                        lowerBoundJ: bound, gap: bound.map { total > 0 ? max(0, total - $0) / total : 0 },
                        solveTimeS: solveTime, diagnostics: nil, clients: clients, prices: prices)
    }

    static func noSolution(problem: Problem, solver: SolverVariant, status: SolutionStatus,
                           diagnostics: [Diagnostic], lowerBound: Double? = nil, solveTime: Double) -> Solution {
        Solution(problem: problem.name, solver: solver.rawValue, status: status, totalEnergyJ: nil,
                 lowerBoundJ: lowerBound, gap: nil, solveTimeS: solveTime,
                 diagnostics: diagnostics.isEmpty ? nil : diagnostics, clients: [])
    }
}
