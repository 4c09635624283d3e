import FlexGenModel
import Foundation

/// The greedy baseline: every client starts on its least-work admissible configuration; while a
/// service target is missed, the upgrade (one client to a better configuration) with the least
/// extra work per unit of quality gained is made. Then the allocation is solved exactly.
/// No optimality claim: status `feasible`.
struct GreedySolver {
    var settings: SolverSettings

    func solve(_ problem: Problem) throws -> Solution {
        let start = Date()
        let menus = ClientMenus(problem: problem)  // least work first, quality strictly improving
        if !menus.diagnostics.isEmpty {
            return SolutionAssembly.noSolution(problem: problem, solver: .greedy, status: .infeasible,
                                               diagnostics: menus.diagnostics, solveTime: Date().timeIntervalSince(start))
        }
        let configs = problem.profile.configs
        let metric = problem.profile.metric
        var choice = [Int](repeating: 0, count: problem.clients.count)
        func quality(_ k: Int, _ n: Int) -> Double { configs[menus.options[k][n]].quality }
        for (j, target) in problem.serviceTargets.enumerated() {
            let members = target.memberIndices(in: problem)
            guard !members.isEmpty else { continue }
            var sum = members.reduce(0.0) { $0 + quality($1, choice[$1]) }
            while !metric.meets(sum / Double(members.count), requirement: target.meanQualityTarget, relativeTolerance: 1e-9) {
                var best: (k: Int, n: Int, rate: Double)? = nil
                for k in Set(members) {
                    for n in (choice[k] + 1)..<menus.options[k].count {
                        let gain = abs(quality(k, n) - quality(k, choice[k]))
                        let extra = configs[menus.options[k][n]].flops - configs[menus.options[k][choice[k]]].flops
                        let rate = extra / gain
                        if best == nil || rate < best!.rate { best = (k, n, rate) }
                    }
                }
                guard let upgrade = best else {
                    let reachable = members.reduce(0.0) { $0 + quality($1, menus.options[$1].count - 1) } / Double(members.count)
                    return SolutionAssembly.noSolution(
                        problem: problem, solver: .greedy, status: .infeasible,
                        diagnostics: [Diagnostic(
                            constraint: "service", clients: members.map { problem.clients[$0].id },
                            message: "mean \(metric.name) target \(target.meanQualityTarget) is out of reach: the best admissible configurations give \(reachable)",
                            serviceTarget: j, bestReachableQuality: reachable)],
                        solveTime: Date().timeIntervalSince(start))
                }
                let multiplicity = Double(members.filter { $0 == upgrade.k }.count)
                sum += multiplicity * (quality(upgrade.k, upgrade.n) - quality(upgrade.k, choice[upgrade.k]))
                choice[upgrade.k] = upgrade.n
            }
        }
        // Upgrades for one target never hurt another (all targets want better quality).
        let tasks = choice.enumerated().map { menus.task($0.offset, $0.element) }
        let allocation = try AllocationSolver(settings: settings.decomposition.allocation)
            .solve(tasks: tasks, computeRateFlopsPerS: problem.server.computeRateFlopsPerS,
                   bandwidthHz: problem.server.bandwidthHz)
        guard allocation.status.certifiesSolution else {
            return SolutionAssembly.noSolution(problem: problem, solver: .greedy, status: allocation.status,
                                               diagnostics: allocation.diagnostics, solveTime: Date().timeIntervalSince(start))
        }
        let configurations = choice.enumerated().map { menus.options[$0.offset][$0.element] }
        return SolutionAssembly.solution(
            problem: problem, solver: .greedy, status: .feasible,
            decisions: SolutionAssembly.decisions(configurations: configurations, allocation: allocation),
            lowerBound: nil, solveTime: Date().timeIntervalSince(start),
            prices: Solution.Prices(computeJPerFlopsPerS: allocation.computePrice, bandwidthJPerHz: allocation.bandwidthPrice))
    }
}
