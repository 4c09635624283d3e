import Foundation
import Testing
import FlexGenModel
import FlexGenScenarios
import FlexGenSolver
@testable import FlexGenBench

/// The admission policies of `flexgen bench --parts admission` against a brute force over every
/// subset of the clients that can be served alone: without service targets a set is admissible
/// iff its least-work tasks fit together (`FeasibilityFrontier.verdict`, the exact joint test), so
/// the largest fitting subset is the most any policy may serve, and FlexGen's admission must reach it.
@Suite struct AdmissionBenchmarkTests {
    /// The `tiny` preset with 8 clients on a server with 1/20 of the preset's F and B: overloaded.
    static func overloaded(seed: UInt64) -> Problem {
        var s = ScenarioSettings.preset("tiny") ?? ScenarioSettings()
        s.name = "overloaded-\(seed)"
        s.clientCount = 8
        var p = ScenarioGenerator.generate(settings: s, profile: BenchScenarios.sdLikeProfile, seed: seed)
        // The preset's server holds 8 clients easily: shrink it until it does not.
        p.server.bandwidthHz /= 20
        p.server.computeRateFlopsPerS /= 20
        return p
    }

    static func bruteForceMaxServed(_ problem: Problem) -> Int {
        let tasks = AdmissionPolicies.candidates(problem).map { $0.task }
        var best = 0
        for mask in 0..<(1 << tasks.count) where mask.nonzeroBitCount > best {
            let subset = tasks.indices.filter { mask & (1 << $0) != 0 }.map { tasks[$0] }
            if FeasibilityFrontier.verdict(tasks: subset, computeRate: problem.server.computeRateFlopsPerS,
                                           bandwidth: problem.server.bandwidthHz).fits {
                best = mask.nonzeroBitCount
            }
        }
        return best
    }

    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func policiesServeAtMostTheBruteForceMaximumAndFlexGenReachesIt(seed: UInt64) {
        let problem = Self.overloaded(seed: seed)
        let maximum = Self.bruteForceMaxServed(problem)
        #expect(maximum < problem.clients.count, "the instance must be overloaded for the test to mean anything")
        for policy in AdmissionPolicies.names {
            let row = AdmissionBenchmark.runOne(policy: policy, problem: problem, load: 8.0 / 3, seed: seed, timeLimitS: 30)
            #expect(!row.isFailure, "\(policy): \(row.outcome) \(row.note)")
            #expect(row.served <= maximum, "\(policy) served \(row.served) > brute-force maximum \(maximum)")
            #expect(row.servedFraction == Double(row.served) / 8)
            if policy == AdmissionPolicies.flexgen {
                #expect(row.served == maximum)
                #expect((row.priorityUpperBound ?? 0) >= Double(maximum) - 1e-9)
            }
        }
    }
}
