import FlexGenModel
import Foundation

/// The exact oracle: every assignment of admissible configurations (no pruning at all) that meets
/// the service targets is allocated exactly; the least energy wins. Its bound is the least of the
/// allocations' own bounds over all of them, so its gap is the allocation's (≈1e-9).
/// Refuses instances with more than `limit` assignments.
struct ExhaustiveSolver {
    var limit: Int
    var allocation: AllocationSettings
    var gapTolerance: Double

    func solve(_ problem: Problem) throws -> Solution {
        let start = Date()
        let menus = ClientMenus(problem: problem, pruneDominated: false)
        if !menus.diagnostics.isEmpty {
            return SolutionAssembly.noSolution(problem: problem, solver: .exhaustive, status: .infeasible,
                                               diagnostics: menus.diagnostics, solveTime: Date().timeIntervalSince(start))
        }
        var count = 1.0
        for options in menus.options { count *= Double(options.count) }
        guard count <= Double(limit) else {
            throw SolverError.unsupported(
                "exhaustive: \(count < 1e15 ? String(Int(count)) : String(format: "%.3g", count)) assignments exceed its limit of \(limit)")
        }
        let configs = problem.profile.configs
        let metric = problem.profile.metric
        let targets = problem.serviceTargets.map { ($0.memberIndices(in: problem), $0.meanQualityTarget) }
        let solver = AllocationSolver(settings: allocation)
        let K = problem.clients.count
        var choice = [Int](repeating: 0, count: K)
        var best: (choice: [Int], result: AllocationResult, energy: Double)? = nil
        var bound = Double.infinity
        var anyMeetsTargets = false
        var closest: Diagnostic? = nil
        var limitHit: SolutionStatus? = nil
        var unresolved: [Diagnostic] = []
        while true {
            let meets = targets.allSatisfy { members, target in
                members.isEmpty || metric.meets(
                    members.reduce(0.0) { $0 + configs[menus.options[$1][choice[$1]]].quality } / Double(members.count),
                    requirement: target, relativeTolerance: 1e-9)
            }
            if meets {
                anyMeetsTargets = true
                let tasks = (0..<K).map { menus.task($0, choice[$0]) }
                let result = try solver.solve(tasks: tasks, computeRateFlopsPerS: problem.server.computeRateFlopsPerS,
                                              bandwidthHz: problem.server.bandwidthHz)
                if result.status.certifiesSolution, let energy = result.energyJ {
                    bound = min(bound, result.lowerBoundJ ?? energy)
                    if best == nil || energy < best!.energy { best = (choice, result, energy) }
                } else if result.status == .infeasible {
                    for d in result.diagnostics where d.requiredScale != nil {
                        if closest == nil || d.requiredScale! < closest!.requiredScale! { closest = d }
                    }
                } else {
                    // An allocation that stopped early leaves the answer unproven: say which.
                    limitHit = result.status
                    let keys = (0..<K).map { configs[menus.options[$0][choice[$0]]].key.description }
                    unresolved.append(Diagnostic(
                        constraint: "allocation", clients: problem.clients.map(\.id),
                        message: "the allocation of assignment [\(keys.joined(separator: ", "))] ended \(result.status.rawValue)"))
                }
            }
            // Next assignment (mixed radix).
            var k = 0
            while k < K {
                choice[k] += 1
                if choice[k] < menus.options[k].count { break }
                choice[k] = 0
                k += 1
            }
            if k == K { break }
        }
        let elapsed = Date().timeIntervalSince(start)
        guard let best else {
            var diagnostics: [Diagnostic] = []
            if !anyMeetsTargets {
                for (j, (members, target)) in targets.enumerated() where !members.isEmpty {
                    let reachable = members.reduce(0.0) { sum, k in
                        sum + menus.options[k].map { configs[$0].quality }.min { metric.isBetter($0, than: $1) }!
                    } / Double(members.count)
                    if !metric.meets(reachable, requirement: target, relativeTolerance: 1e-9) {
                        diagnostics.append(Diagnostic(
                            constraint: "service", clients: members.map { problem.clients[$0].id },
                            message: "mean \(metric.name) target \(target) is out of reach: the best admissible configurations give \(reachable)",
                            serviceTarget: j, bestReachableQuality: reachable))
                    }
                }
                if diagnostics.isEmpty {
                    diagnostics.append(Diagnostic(constraint: "service", clients: [],
                                                  message: "no assignment meets all service targets together"))
                }
            } else if var closest {
                closest.message = "no assignment meeting the service targets fits the budgets; the closest needs its budget scaled by \(closest.requiredScale!)"
                diagnostics.append(closest)
            }
            return SolutionAssembly.noSolution(problem: problem, solver: .exhaustive, status: limitHit ?? .infeasible,
                                               diagnostics: unresolved + diagnostics, solveTime: elapsed)
        }
        let configurations = best.choice.enumerated().map { menus.options[$0.offset][$0.element] }
        let gap = max(0, best.energy - bound) / best.energy
        var solution = SolutionAssembly.solution(
            problem: problem, solver: .exhaustive,
            status: limitHit ?? (gap <= gapTolerance ? .optimal : .feasible),
            decisions: SolutionAssembly.decisions(configurations: configurations, allocation: best.result),
            lowerBound: limitHit == nil ? bound : nil, solveTime: elapsed,
            prices: Solution.Prices(computeJPerFlopsPerS: best.result.computePrice,
                                    bandwidthJPerHz: best.result.bandwidthPrice))
        if !unresolved.isEmpty { solution.diagnostics = (solution.diagnostics ?? []) + unresolved }
        return solution
    }
}
