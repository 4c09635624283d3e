import Foundation
import Testing
import FlexGenModel
@testable import FlexGenSolver

/// `FlexGenSolver` on problems without service targets: every solution it returns passes the
/// independent `Evaluation` with zero violations, and the configuration choice is the cheapest
/// admissible one.
@Suite struct AllocationFacadeTests {
    static let profile = Profile(name: "menu", metric: .fid, configs: [
        Configuration(width: 1.0, steps: 50, flops: 4.1e13, quality: 13.1),
        Configuration(width: 1.0, steps: 20, flops: 1.7e13, quality: 15.2),
        Configuration(width: 0.75, steps: 20, flops: 9.8e12, quality: 17.0),
        Configuration(width: 0.5, steps: 20, flops: 5.3e12, quality: 19.7),
        Configuration(width: 0.5, steps: 10, flops: 2.8e12, quality: 24.0),
        Configuration(width: 0.25, steps: 10, flops: 2.8e12, quality: 29.0),   // tie in FLOPs, worse quality
    ])

    static func problem(clients count: Int, seed: UInt64, computeRate: Double = 2.5e14) -> Problem {
        var rng = AllocationFixtures.Random(state: seed)
        let requirements: [Double?] = [nil, 14, 16, 18, 20, 25]
        let clients = (0..<count).map { i in
            Client(id: "u\(i)", deadlineS: rng.uniform(2, 8), uplinkDelayS: rng.uniform(0, 0.2),
                   channelGain: .decibels(rng.uniform(-110, -90)), imageBits: rng.uniform(4e5, 1.6e6),
                   qualityRequirement: requirements[Int(rng.next() % 6)])
        }
        let server = Server(bandwidthHz: 2e7, noisePsdWPerHz: 3.98e-21, maxTxPowerW: 1, computeRateFlopsPerS: computeRate,
                            energyPerFlopJ: 1.5e-12, dvfsCoefficient: 1.5e-40)
        return Problem(name: "random-\(seed)", server: server, profile: profile, clients: clients)
    }

    @Test(arguments: [UInt64(1), 2, 3, 4])
    func solutionsPassEvaluation(_ seed: UInt64) throws {
        let problem = Self.problem(clients: 30, seed: seed)
        let solution = try FlexGenSolver().solve(problem)
        #expect(solution.status == .optimal)
        let evaluation = Evaluation(problem: problem, solution: solution, relativeTolerance: 1e-6)
        #expect(evaluation.violations.isEmpty, "\(evaluation.violations)")
        #expect(evaluation.isFeasible)
        // Strictly within the budgets, not merely within tolerance.
        #expect(evaluation.computeRateUsed <= problem.server.computeRateFlopsPerS)
        #expect(evaluation.bandwidthUsed <= problem.server.bandwidthHz)
        let total = try #require(solution.totalEnergyJ), bound = try #require(solution.lowerBoundJ)
        let gap = try #require(solution.gap)
        #expect(bound <= total && gap <= 1e-9)
        #expect(abs(evaluation.totalEnergyJ - total) <= 1e-12 * total)
        for (client, decision) in zip(problem.clients, solution.clients) {
            let admissible = Self.profile.configs.filter { c in
                client.qualityRequirement.map { r in Self.profile.metric.meets(c.quality, requirement: r) } ?? true
            }
            let least = try #require(admissible.map(\.flops).min())
            #expect(decision.flops == least)
            // Ties in FLOPs go to the better quality.
            #expect(decision.quality == admissible.filter { $0.flops == least }.map(\.quality).min())
        }
    }

    @Test func unreachableQualityIsInfeasible() throws {
        var problem = Self.problem(clients: 5, seed: 7)
        problem.clients[2].qualityRequirement = 10   // better than any configuration
        let solution = try FlexGenSolver().solve(problem)
        #expect(solution.status == .infeasible)
        let diagnostic = try #require(solution.diagnostics?.first)
        #expect(diagnostic.constraint == "quality" && diagnostic.clients == [problem.clients[2].id])
        #expect(solution.clients.isEmpty && solution.totalEnergyJ == nil)
    }

    @Test func jointlyInfeasibleProblemIsDiagnosed() throws {
        let problem = Self.problem(clients: 30, seed: 2, computeRate: 2e13)
        let solution = try FlexGenSolver().solve(problem)
        #expect(solution.status == .infeasible)
        let scale = try #require(solution.diagnostics?.first { $0.constraint == "compute" }?.requiredScale)
        var enough = problem
        enough.server.computeRateFlopsPerS *= scale * 1.001
        #expect(try FlexGenSolver().solve(enough).status == .optimal)
    }

    @Test func emptyAndHopelessProblems() throws {
        var empty = Self.problem(clients: 0, seed: 1)
        empty.clients = []
        let none = try FlexGenSolver().solve(empty)
        #expect(none.status == .optimal && none.totalEnergyJ == 0 && none.clients.isEmpty)
        // A deadline at or before the uplink delay is a valid instance that no allocation can serve.
        var late = Self.problem(clients: 4, seed: 2)
        late.clients[1].deadlineS = late.clients[1].uplinkDelayS
        let solution = try FlexGenSolver().solve(late)
        #expect(solution.status == .infeasible)
        let diagnostic = try #require(solution.diagnostics?.first)
        #expect(diagnostic.constraint == "latency" && diagnostic.clients == [late.clients[1].id])
        #expect(try #require(diagnostic.minimumLatencyS) > late.clients[1].deadlineS)
    }

    @Test func invalidProblemThrows() {
        var problem = Self.problem(clients: 3, seed: 1)
        problem.clients[1].deadlineS = -1
        #expect(throws: SolverError.self) { try FlexGenSolver().solve(problem) }
    }
}
