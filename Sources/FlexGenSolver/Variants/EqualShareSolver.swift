import FlexGenModel
import Foundation

/// The equal-share baseline: FlexGen's configurations, but every client gets f = min(F/K, f_max)
/// (the per-job cap, when the server states one: a job cannot use more than one accelerator's
/// rate, so with few clients part of F stays idle) and b = B/K, and transmits at P_max. With power and band fixed, the only remaining choice is the transmit
/// time, and the least one that delivers the image, t = D / (b log2(1 + P_max g/(N0 b))), is best:
/// transmit energy P_max·t grows with t and the deadline only needs t small enough. The scheme is
/// feasible only if u + C/f + t ≤ T holds for every client; otherwise it reports `infeasible`
/// with the clients it would make late and the latency they would see.
struct EqualShareSolver {
    var settings: SolverSettings

    func solve(_ problem: Problem) throws -> Solution {
        let start = Date()
        let flexgen = try DecompositionSolver(settings: settings.decomposition).solve(problem)
        if problem.clients.isEmpty, flexgen.status.certifiesSolution {
            // Nothing to share (and F/K would divide by 0): the empty allocation at 0 J.
            return SolutionAssembly.solution(problem: problem, solver: .equalShare, status: flexgen.status, decisions: [],
                                             lowerBound: nil, solveTime: Date().timeIntervalSince(start), prices: nil)
        }
        guard !flexgen.configurations.isEmpty else {
            return SolutionAssembly.noSolution(problem: problem, solver: .equalShare, status: flexgen.status,
                                               diagnostics: flexgen.diagnostics, solveTime: Date().timeIntervalSince(start))
        }
        let server = problem.server
        let K = Double(problem.clients.count)
        let rate = min(server.computeRateFlopsPerS / K, server.maxJobComputeRateFlopsPerS ?? .infinity)
        let band = server.bandwidthHz / K
        let power = server.maxTxPowerW
        var decisions: [SolutionAssembly.Decision] = []
        var late: [(id: String, latency: Double)] = []
        for (client, c) in zip(problem.clients, flexgen.configurations) {
            let configuration = problem.profile.configs[c]
            let txTime = EnergyModel.txTime(bits: client.imageBits, bandwidthHz: band, txPowerW: power,
                                            gain: client.channelGain.linear, noisePsd: server.noisePsdWPerHz)
            let latency = EnergyModel.latency(uplinkDelayS: client.uplinkDelayS, flops: configuration.flops, rate: rate,
                                              txTimeS: txTime)
            if !(latency <= client.deadlineS) { late.append((client.id, latency)) }
            decisions.append(SolutionAssembly.Decision(
                configuration: c, computeRate: rate, bandwidth: band, power: power, txTime: txTime,
                computeEnergy: EnergyModel.computeEnergy(flops: configuration.flops, rate: rate, server: server),
                txEnergy: EnergyModel.txEnergy(txPowerW: power, txTimeS: txTime)))
        }
        if !late.isEmpty {
            let worst = late.max { $0.latency < $1.latency }!
            return SolutionAssembly.noSolution(
                problem: problem, solver: .equalShare, status: .infeasible,
                diagnostics: [Diagnostic(
                    constraint: "latency", clients: late.map(\.id),
                    message: "an equal share (\(rate < server.computeRateFlopsPerS / K ? "f_max" : "F/K"), B/K, P_max) misses \(late.count) deadline(s); the worst, \(worst.id), would see \(worst.latency) s",
                    minimumLatencyS: worst.latency)],
                solveTime: Date().timeIntervalSince(start))
        }
        return SolutionAssembly.solution(problem: problem, solver: .equalShare, status: .feasible, decisions: decisions,
                                         lowerBound: nil, solveTime: Date().timeIntervalSince(start), prices: nil)
    }
}
