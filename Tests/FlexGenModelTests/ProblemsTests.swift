import Foundation
import Testing
import FlexGenModel
import FlexGenIO

/// The shipped instances are what problems/README.md says: the feasible ones have an explicit
/// witness allocation (checked by `Evaluation`), the infeasible ones fail for the stated reason.
@Suite struct ProblemsTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("problems")

    static func load(_ name: String) throws -> Problem {
        try ProblemFile.load(path: folder.appendingPathComponent(name).path)
    }

    /// Least-work configuration meeting the client's requirement.
    static func cheapestAdmissible(_ client: Client, _ profile: Profile) -> Configuration? {
        profile.configs.filter { c in client.qualityRequirement.map { c.quality <= $0 } ?? true }
            .min { $0.flops < $1.flops }
    }

    /// A witness: equal bandwidth shares B/n at full power, transmission 1% longer than the
    /// least time that delivers the image, compute at the rate that finishes 0.1% before the
    /// deadline. Written with the textbook formulas, independent of `EnergyModel`.
    static func witness(_ problem: Problem, configs: [Configuration]) -> Solution? {
        let s = problem.server
        let b = s.bandwidthHz / Double(problem.clients.count)
        var decisions: [ClientDecision] = []
        for (client, c) in zip(problem.clients, configs) {
            let g = client.channelGain.linear
            let rate = b * log2(1 + s.maxTxPowerW * g / (s.noisePsdWPerHz * b))
            let t = 1.01 * client.imageBits / rate
            let tau = client.deadlineS - client.uplinkDelayS - t
            guard tau > 0 else { return nil }
            let f = c.flops / (0.999 * tau)
            decisions.append(ClientDecision(
                id: client.id, width: c.width, steps: c.steps, flops: c.flops, quality: c.quality,
                computeRateFlopsPerS: f, bandwidthHz: b, txPowerW: s.maxTxPowerW, txTimeS: t,
                latencyS: client.uplinkDelayS + c.flops / f + t,
                computeEnergyJ: c.flops * (s.energyPerFlopJ + s.dvfsCoefficient * f * f),
                txEnergyJ: s.maxTxPowerW * t))
        }
        let total = decisions.map { $0.computeEnergyJ + $0.txEnergyJ }.reduce(0, +)
        return Solution(problem: problem.name, solver: "witness", status: .feasible, totalEnergyJ: total,
                        solveTimeS: 0, clients: decisions)
    }

    @Test(arguments: ["paper-default.json", "tiny-3.json"])
    func perClientInstancesAreFeasible(name: String) throws {
        let problem = try Self.load(name)
        let configs = try problem.clients.map { try #require(Self.cheapestAdmissible($0, problem.profile)) }
        let solution = try #require(Self.witness(problem, configs: configs))
        let e = Evaluation(problem: problem, solution: solution)
        #expect(e.isFeasible, "\(e.violations)")
        // Slack: the witness leaves at least half the compute rate unused.
        #expect(e.computeRateUsed < 0.5 * problem.server.computeRateFlopsPerS)
    }

    @Test func paperDefaultShape() throws {
        let problem = try Self.load("paper-default.json")
        #expect(problem.clients.count == 20)
        #expect(problem.server.bandwidthHz == 20e6)
        #expect(problem.server.noisePsdWPerHz == 3.98e-21)
        #expect(Set(problem.clients.compactMap(\.qualityRequirement)).count == 3)
        #expect(problem.profilePath == "profiles/sd-like-512.json")
        // Configuration choice matters: the full model for everyone costs several times the cheapest admissible work.
        let cheapest = problem.clients.map { Self.cheapestAdmissible($0, problem.profile)!.flops }.reduce(0, +)
        let full = Double(problem.clients.count) * problem.profile.configs.map(\.flops).max()!
        #expect(full > 3 * cheapest)
    }

    @Test func serviceTargetIsBindingAndFeasible() throws {
        let problem = try Self.load("service-target-20.json")
        let target = try #require(problem.serviceTargets.first)
        #expect(target.clients == nil)
        var configs = problem.clients.map { Self.cheapestAdmissible($0, problem.profile)! }
        func mean() -> Double { configs.map(\.quality).reduce(0, +) / Double(configs.count) }
        // Binding: the per-client requirements alone leave the mean above (worse than) the target.
        #expect(mean() > target.meanQualityTarget)
        // Feasible: upgrading clients, longest window first, to the best configuration meets it.
        let best = problem.profile.configs.min { $0.quality < $1.quality }!
        let order = problem.clients.indices.sorted {
            problem.clients[$0].serviceWindowS > problem.clients[$1].serviceWindowS
        }
        for k in order where mean() > target.meanQualityTarget { configs[k] = best }
        let solution = try #require(Self.witness(problem, configs: configs))
        let e = Evaluation(problem: problem, solution: solution)
        #expect(e.isFeasible, "\(e.violations)")
    }

    @Test func infeasibleDeadline() throws {
        let problem = try Self.load("infeasible-deadline.json")
        let u1 = problem.clients[0]
        let least = try #require(Self.cheapestAdmissible(u1, problem.profile))
        // Even with the whole server and zero transmission time, compute alone overruns the window.
        #expect(least.flops / problem.server.computeRateFlopsPerS > u1.deadlineS - u1.uplinkDelayS)
        // The other clients alone are fine.
        var rest = problem
        rest.clients.removeFirst()
        let configs = rest.clients.map { Self.cheapestAdmissible($0, rest.profile)! }
        #expect(Evaluation(problem: rest, solution: try #require(Self.witness(rest, configs: configs))).isFeasible)
    }

    @Test func infeasibleBudget() throws {
        let problem = try Self.load("infeasible-budget.json")
        let F = problem.server.computeRateFlopsPerS
        // Together: even with t_k → 0 every client needs f_k ≥ C_min,k / (T_k − u_k); the sum exceeds F.
        let needed = problem.clients.map { c in Self.cheapestAdmissible(c, problem.profile)!.flops / c.serviceWindowS }
        #expect(needed.reduce(0, +) > F)
        // Alone: each client has a feasible witness with the whole server.
        for client in problem.clients {
            var alone = problem
            alone.clients = [client]
            let solution = try #require(Self.witness(alone, configs: [Self.cheapestAdmissible(client, alone.profile)!]))
            #expect(Evaluation(problem: alone, solution: solution).isFeasible)
        }
    }
}
