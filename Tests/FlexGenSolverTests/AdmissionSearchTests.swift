import FlexGenConcurrency
import FlexGenModel
import Foundation
import Testing
@testable import FlexGenSolver

/// The relaxation-guided admission search with service targets, and its stop path.
struct AdmissionSearchTests {
    /// The target-safe candidates against a brute force over the menu: each kept client has the
    /// least-work configuration that meets its requirement and, on its own, the strictest target of
    /// its groups; a client is left out exactly when no configuration does (or it cannot meet its
    /// deadline alone with it).
    @Test func targetSafeCandidatesMatchABruteForceOverTheMenu() throws {
        var kept = 0, tightened = 0
        for seed in UInt64(1)...40 {
            let problem = OverloadedInstances.make(seed: seed, clients: 5, targets: true, integerPriorities: true)
            guard !problem.serviceTargets.isEmpty else { continue }
            let candidates = AdmissionCandidates(problem: problem, allowed: nil)
            let safe = try #require(candidates.targetSafe(problem: problem, allowed: nil))
            let metric = problem.profile.metric
            for (position, k) in candidates.indices.enumerated() {
                let client = problem.clients[k]
                let targets = problem.serviceTargets.filter { $0.memberIndices(in: problem).contains(k) }
                    .map(\.meanQualityTarget)
                let admissible = problem.profile.configs.filter { c in
                    (client.qualityRequirement.map { metric.meets(c.quality, requirement: $0) } ?? true)
                        && targets.allSatisfy { metric.meets(c.quality, requirement: $0) }
                }
                let least = admissible.map(\.flops).min()
                let reachable = least.map { flops -> Bool in
                    let c = admissible.first { $0.flops == flops }!
                    return ClientTask(client: client, configuration: c, server: problem.server)
                        .canMeetDeadlineAlone(computeRate: problem.server.computeRateFlopsPerS,
                                              bandwidth: problem.server.bandwidthHz)
                } ?? false
                if let i = safe.indices.firstIndex(of: k) {
                    #expect(reachable, "seed \(seed): client \(client.id) kept without a reachable configuration")
                    #expect(safe.tasks[i].flops == least, "seed \(seed): client \(client.id)")
                    #expect(safe.priorities[i] == candidates.priorities[position])
                    kept += 1
                    if safe.tasks[i].flops > candidates.tasks[position].flops { tightened += 1 }
                } else {
                    #expect(!reachable, "seed \(seed): client \(client.id) left out although \(least ?? .nan) FLOP meets every target")
                }
            }
        }
        #expect(kept >= 50 && tightened >= 10, "the instances must exercise the targets: kept \(kept), tightened \(tightened)")
    }

    /// The search path with service targets (enumeration off) on instances the exact oracle
    /// settles: every admission checks against the targets, never exceeds the optimum, admits
    /// someone whenever the oracle does, and (the point of the target-safe start) needs no
    /// dropping rounds to get there: its status is never `time_limit`.
    @Test func searchWithTargetsServesWheneverTheOracleDoes() throws {
        var compared = 0, nonEmpty = 0
        for seed in UInt64(400)...439 {
            let problem = OverloadedInstances.make(seed: seed, clients: 4 + Int(seed % 2), targets: true,
                                                   integerPriorities: seed % 3 != 0)
            guard !problem.serviceTargets.isEmpty else { continue }
            var settings = OverloadedInstances.settings()
            let exact = try FlexGenSolver(.exhaustive, settings: settings).solve(problem)
            settings.admissionEnumerationLimit = 0
            let search = try FlexGenSolver(.flexgen, settings: settings).solve(problem)
            let optimum = try #require(exact.admission).admittedPriority
            let found = try #require(search.admission)
            #expect(Evaluation(problem: problem, solution: search).passes, "seed \(seed)")
            #expect(search.status.certifiesSolution, "seed \(seed): \(search.status)")
            #expect(found.admittedPriority <= optimum * (1 + 1e-9), "seed \(seed)")
            #expect(found.admittedPriorityUpperBound >= optimum * (1 - 1e-9), "seed \(seed)")
            if optimum > 0 {
                #expect(found.admittedCount > 0, "seed \(seed): the oracle admits \(optimum), the search nobody")
                nonEmpty += 1
            }
            compared += 1
        }
        #expect(compared >= 30 && nonEmpty >= 20, "compared \(compared), non-empty optima \(nonEmpty)")
    }

    /// A stop requested before the search starts: the answer is `time_limit`, with the admission
    /// block and a bound no smaller than what it admitted, and whatever allocation it carries checks.
    @Test func aStoppedSearchReportsTimeLimit() throws {
        for seed in UInt64(500)...509 {
            let problem = OverloadedInstances.make(seed: seed, clients: 6, targets: seed % 2 == 0, integerPriorities: true)
            var settings = OverloadedInstances.settings()
            settings.admissionEnumerationLimit = 0
            let signal = StopSignal()
            signal.stop()
            settings.decomposition.allocation.stopSignal = signal
            let solution = try FlexGenSolver(.flexgen, settings: settings).solve(problem)
            #expect(solution.status == .timeLimit, "seed \(seed): \(solution.status)")
            let admission = try #require(solution.admission)
            #expect(admission.admittedPriorityUpperBound >= admission.admittedPriority)
            if solution.hasAllocation {
                #expect(Evaluation(problem: problem, solution: solution).passes, "seed \(seed)")
            }
        }
    }
}
