import Foundation
import FlexGenModel
import FlexGenScenarios
import FlexGenNumerics
import FlexGenSolver

/// Admission under overload (benchmarks/README.md, "Admission under overload").
///
/// Offered load L: 40 clients of the paper-default family (deadlines, tiers, channels as generated
/// with that seed) are offered to the paper-default server with F and B both scaled by s*/L, where
/// s* is the capacity scale at which all 40, on their least-work configurations, just fit
/// (bisection on the exact joint-feasibility test, `FeasibilityFrontier.verdict`). So L = 1 is a
/// server exactly at capacity, L < 1 has room to spare and L = 3 offers three times what it can
/// carry. Each (L, seed, policy) is one run; every solution is re-checked by `Evaluation` (a
/// rejected one is a FAILURE).
public struct AdmissionBenchmark: Sendable {
    public struct Row: Sendable {
        public var load: Double
        public var seed: UInt64
        public var policy: String
        public var offered: Int
        public var served: Int
        public var outcome: String
        public var energyJ: Double?
        public var admittedPriority: Double?
        public var priorityUpperBound: Double?
        public var solveTimeS: Double
        public var note: String

        public var servedFraction: Double { offered > 0 ? Double(served) / Double(offered) : 0 }
        public var energyPerServedJ: Double? { served > 0 ? energyJ.map { $0 / Double(served) } : nil }
        /// (bound − achieved)/bound, when the policy reports a bound.
        public var boundGap: Double? {
            guard let p = admittedPriority, let u = priorityUpperBound, u > 0 else { return nil }
            return (u - p) / u
        }
        public var isFailure: Bool { outcome == "check_failed" || outcome == "error" }

        public static let csvHeader = ["load", "seed", "policy", "offered", "served", "served_fraction", "outcome", "energy_j",
                                       "energy_per_served_j", "admitted_priority", "priority_upper_bound", "bound_gap",
                                       "solve_time_s", "note"]
        public var csvRow: [String] {
            [CSVTable.number(load), "\(seed)", policy, "\(offered)", "\(served)", CSVTable.number(servedFraction), outcome,
             CSVTable.number(energyJ), CSVTable.number(energyPerServedJ), CSVTable.number(admittedPriority),
             CSVTable.number(priorityUpperBound), CSVTable.number(boundGap), CSVTable.number(solveTimeS), note]
        }
    }

    /// Per (load, policy): the summaries over seeds.
    public struct SummaryRow: Sendable {
        public var load: Double
        public var policy: String
        public var runs: Int
        public var failures: Int
        public var servedFraction: SampleSummary?
        public var energyPerServedJ: SampleSummary?
        public var boundGap: SampleSummary?
        public var solveTimeS: SampleSummary?

        public static let csvHeader = ["load", "policy", "runs", "failures", "served_fraction_mean", "served_fraction_ci95",
                                       "energy_per_served_j_mean", "energy_per_served_j_ci95", "bound_gap_mean", "bound_gap_max",
                                       "solve_time_s_mean"]
        public var csvRow: [String] {
            [CSVTable.number(load), policy, "\(runs)", "\(failures)", CSVTable.number(servedFraction?.mean),
             CSVTable.number(servedFraction?.confidenceHalfWidth95), CSVTable.number(energyPerServedJ?.mean),
             CSVTable.number(energyPerServedJ?.confidenceHalfWidth95), CSVTable.number(boundGap?.mean),
             CSVTable.number(boundGap?.maximum), CSVTable.number(solveTimeS?.mean)]
        }
    }

    public var loads: [Double]
    public var seeds: [UInt64]
    public var policies: [String]
    public var timeLimitS: Double
    public var profile: Profile

    public init(loads: [Double], seeds: [UInt64], policies: [String] = AdmissionPolicies.names, timeLimitS: Double = 5,
                profile: Profile = BenchScenarios.sdLikeProfile) {
        self.loads = loads; self.seeds = seeds; self.policies = policies; self.timeLimitS = timeLimitS; self.profile = profile
    }

    /// Clients offered at every load.
    public static let offeredClients = 40

    public func problem(load: Double, seed: UInt64) -> Problem {
        var s = ScenarioSettings()
        s.name = "admission-load\(load)-seed\(seed)"
        s.clientCount = Self.offeredClients
        var problem = ScenarioGenerator.generate(settings: s, profile: profile, seed: seed)
        let scale = Self.capacityScale(problem) / load
        problem.server.computeRateFlopsPerS *= scale
        problem.server.bandwidthHz *= scale
        return problem
    }

    /// s*: the least common factor on F and B at which every client, on its least-work admissible
    /// configuration, meets its deadline alone and all fit together (relative accuracy 1e-9).
    public static func capacityScale(_ problem: Problem) -> Double {
        let profile = problem.profile
        func fits(_ scale: Double) -> Bool {
            var server = problem.server
            server.computeRateFlopsPerS *= scale
            server.bandwidthHz *= scale
            var tasks: [ClientTask] = []
            for client in problem.clients {
                guard let c = CheapestConfiguration.index(in: profile, requirement: client.qualityRequirement) else { continue }
                let task = ClientTask(client: client, configuration: profile.configs[c], server: server)
                guard task.canMeetDeadlineAlone(computeRate: server.computeRateFlopsPerS, bandwidth: server.bandwidthHz)
                else { return false }
                tasks.append(task)
            }
            return FeasibilityFrontier.verdict(tasks: tasks, computeRate: server.computeRateFlopsPerS,
                                               bandwidth: server.bandwidthHz).fits
        }
        var high = 1.0
        while !fits(high) && high < 1e12 { high *= 2 }
        var low = high / 2
        while fits(low) && low > 1e-12 { high = low; low /= 2 }
        while high / low - 1 > 1e-9 {
            let mid = (low * high).squareRoot()
            if fits(mid) { high = mid } else { low = mid }
        }
        return high
    }

    public var workCount: Int { loads.count * seeds.count * policies.count }

    public func run(progress: (Int) -> Void = { _ in }, warn: (String) -> Void = { _ in }) -> [Row] {
        var rows: [Row] = []
        for load in loads {
            for seed in seeds {
                let problem = self.problem(load: load, seed: seed)
                for policy in policies {
                    rows.append(Self.runOne(policy: policy, problem: problem, load: load, seed: seed, timeLimitS: timeLimitS))
                    if rows.last!.isFailure { warn("FAILURE admission \(policy) load \(load) seed \(seed): \(rows.last!.note)") }
                    progress(rows.count)
                }
            }
        }
        return rows
    }

    static func runOne(policy: String, problem: Problem, load: Double, seed: UInt64, timeLimitS: Double) -> Row {
        var row = Row(load: load, seed: seed, policy: policy, offered: problem.clients.count, served: 0, outcome: "error",
                      solveTimeS: 0, note: "")
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let outcome = try AdmissionPolicies.solve(policy, problem: problem, timeLimitS: timeLimitS)
            row.solveTimeS = (clock.now - start).seconds
            let evaluation = Evaluation(problem: outcome.checkedProblem, solution: outcome.solution)
            if outcome.checkedProblem.clients.isEmpty && outcome.solution.admission == nil {
                row.outcome = "feasible"; row.energyJ = 0
            } else if evaluation.isFeasible || (outcome.admittedIDs.isEmpty && evaluation.passes) {
                row.outcome = outcome.solution.status.rawValue
                row.served = outcome.admittedIDs.count
                row.energyJ = outcome.solution.totalEnergyJ ?? evaluation.totalEnergyJ
            } else if !evaluation.hasAllocation {
                row.outcome = outcome.solution.status.rawValue
                row.note = (outcome.solution.diagnostics ?? []).prefix(2).map(\.description).joined(separator: "; ")
            } else {
                row.outcome = "check_failed"
                row.note = evaluation.violations.prefix(3).map(\.description).joined(separator: "; ")
            }
            if let a = outcome.solution.admission {
                row.admittedPriority = a.admittedPriority
                row.priorityUpperBound = a.admittedPriorityUpperBound
            }
        } catch {
            row.solveTimeS = (clock.now - start).seconds
            row.note = "threw: \(error)"
        }
        return row
    }

    public static func summarize(_ rows: [Row]) -> [SummaryRow] {
        var out: [SummaryRow] = []
        var keys: [(Double, String)] = []
        for r in rows where !keys.contains(where: { $0.0 == r.load && $0.1 == r.policy }) { keys.append((r.load, r.policy)) }
        for (load, policy) in keys {
            let rs = rows.filter { $0.load == load && $0.policy == policy }
            let ok = rs.filter { !$0.isFailure }
            out.append(SummaryRow(load: load, policy: policy, runs: rs.count, failures: rs.count - ok.count,
                                  servedFraction: SampleSummary(ok.map(\.servedFraction)),
                                  energyPerServedJ: SampleSummary(ok.compactMap(\.energyPerServedJ)),
                                  boundGap: SampleSummary(ok.compactMap(\.boundGap)),
                                  solveTimeS: SampleSummary(ok.map(\.solveTimeS))))
        }
        return out
    }
}
