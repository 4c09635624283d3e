import FlexGenModel
import Foundation

/// The equal-share baseline: FlexGen's configurations, but every client gets f = F/K and b = B/K
/// and transmits at P_max. With power and band fixed, the only remaining choice is the transmit
/// time, and the least one that delivers the image, t = D / (b log2(1 + P_max g/(N0 b))), is best:
/// transmit energy P_max·t grows with t and the deadline only needs t small enough. The scheme is
/// feasible only if u + C/f + t ≤ T holds for every client; otherwise it reports `infeasible`
/// with the clients it would make late and the latency they would see.
struct EqualShareSolver {
    var settings: SolverSettings

    func solve(_ problem: Problem) throws -> Solution {
        let start = Date()
        let flexgen = try DecompositionSolver(settings: settings.decomposition).solve(problem)
        guard !flexgen.configurations.isEmpty else {
            return SolutionAssembly.noSolution(problem: problem, solver: .equalShare, status: flexgen.status,
                                               diagnostics: flexgen.diagnostics, solveTime: Date().timeIntervalSince(start))
        }
        let server = problem.server
        let K = Double(problem.clients.count)
        let rate = server.computeRateFlopsPerS / K
        let band = server.bandwidthHz / K
        let power = server.maxTxPowerW
        var decisions: [SolutionAssembly.Decision] = []
        var late: [(id: String, latency: Double)] = []
        for (client, c) in zip(problem.clients, flexgen.configurations) {
            let configuration = problem.profile.configs[c]
            let snr = power * client.channelGain.linear / (server.noisePsdWPerHz * band)
            let txTime = client.imageBits * log(2) / (band * log1p(snr))
            let latency = client.uplinkDelayS + configuration.flops / rate + txTime
            if !(latency <= client.deadlineS) { late.append((client.id, latency)) }
            decisions.append(SolutionAssembly.Decision(
                configuration: c, computeRate: rate, bandwidth: band, power: power, txTime: txTime,
                computeEnergy: EnergyModel.computeEnergy(flops: configuration.flops, rate: rate, server: server),
                txEnergy: power * txTime))
        }
        if !late.isEmpty {
            let worst = late.max { $0.latency < $1.latency }!
            return SolutionAssembly.noSolution(
                problem: problem, solver: .equalShare, status: .infeasible,
                diagnostics: [Diagnostic(
                    constraint: "latency", clients: late.map(\.id),
                    message: "an equal share (F/K, B/K, P_max) misses \(late.count) deadline(s); the worst, \(worst.id), would see \(worst.latency) s",
                    minimumLatencyS: worst.latency)],
                solveTime: Date().timeIntervalSince(start))
        }
        return SolutionAssembly.solution(problem: problem, solver: .equalShare, status: .feasible, decisions: decisions,
                                         lowerBound: nil, solveTime: Date().timeIntervalSince(start), prices: nil)
    }
}
