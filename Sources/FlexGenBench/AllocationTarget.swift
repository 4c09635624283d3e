import Foundation
import FlexGenModel
import FlexGenSolver

/// The allocation subsolver alone, for the scaling benchmark: every client gets its least-work
/// admissible configuration (optimal without service targets), `AllocationSolver` splits F and B,
/// and only that call is timed. The responses are turned into a `Solution` afterwards so that
/// `Evaluation` checks them like every other result.
public enum AllocationTarget {
    public static func leastWorkAdmissible(_ client: Client, _ profile: Profile) -> Configuration? {
        profile.configs.filter { c in
            client.qualityRequirement.map { profile.metric.meets(c.quality, requirement: $0) } ?? true
        }.min { $0.flops < $1.flops }
    }

    public static func solve(_ problem: Problem) throws -> TimedSolution {
        let configs = problem.clients.map { leastWorkAdmissible($0, problem.profile) }
        guard configs.allSatisfy({ $0 != nil }) else {
            let empty = Solution(problem: problem.name, solver: "allocation", status: .infeasible, totalEnergyJ: nil,
                                 solveTimeS: 0, clients: [])
            return TimedSolution(empty, timedS: 0, timedCPUS: 0)
        }
        let tasks = zip(problem.clients, configs).map { ClientTask(client: $0, configuration: $1!, server: problem.server) }
        let clock = ContinuousClock()
        let start = clock.now
        let cpuStart = ThreadCPUClock.seconds()
        let result = try AllocationSolver().solve(tasks: tasks, computeRateFlopsPerS: problem.server.computeRateFlopsPerS,
                                                  bandwidthHz: problem.server.bandwidthHz)
        let elapsed = (clock.now - start).seconds
        let cpu = ThreadCPUClock.seconds() - cpuStart
        guard result.status.certifiesSolution, result.clients.count == problem.clients.count else {
            return TimedSolution(Solution(problem: problem.name, solver: "allocation", status: result.status, totalEnergyJ: nil,
                             solveTimeS: elapsed, diagnostics: result.diagnostics, clients: []), timedS: elapsed, timedCPUS: cpu)
        }
        var decisions: [ClientDecision] = []
        decisions.reserveCapacity(problem.clients.count)
        for ((client, config), r) in zip(zip(problem.clients, configs), result.clients) {
            let c = config!
            decisions.append(ClientDecision(
                id: client.id, width: c.width, steps: c.steps, flops: c.flops, quality: c.quality,
                computeRateFlopsPerS: r.computeRateFlopsPerS, bandwidthHz: r.bandwidthHz, txPowerW: r.txPowerW,
                txTimeS: r.txTimeS, latencyS: client.uplinkDelayS + r.computeTimeS + r.txTimeS,
                computeEnergyJ: r.computeEnergyJ, txEnergyJ: r.txEnergyJ))
        }
        let solution = Solution(problem: problem.name, solver: "allocation", status: result.status,
                                totalEnergyJ: result.energyJ, lowerBoundJ: result.lowerBoundJ, gap: result.gap,
                                solveTimeS: elapsed, clients: decisions)
        return TimedSolution(solution, timedS: elapsed, timedCPUS: cpu)
    }
}
