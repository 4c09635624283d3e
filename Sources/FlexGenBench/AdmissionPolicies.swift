import Foundation
import FlexGenModel
import FlexGenSolver

/// The admission policies `flexgen bench --parts admission` compares (benchmarks/README.md,
/// "Admission under overload"). Each returns the admitted problem's solution together with the
/// admitted problem, so that the harness checks it with `Evaluation` on exactly that problem.
///
/// - `flexgen`, `full-model`, `steps-only`: the variant with `SolverSettings.admission = .maxServed`
///   (the solver's own admission; the solution carries the `admission` block and is checked
///   against the whole problem).
/// - `edf-greedy`: clients in increasing deadline order join, each on its least-work admissible
///   configuration, when the set with them still fits (`FeasibilityFrontier.verdict`; a client that
///   does not fit is skipped and later ones are still tried: first fit); FlexGen (no admission)
///   then minimises the admitted set's energy.
/// - `largest-first`: starting from every client that can be served alone, the client with the
///   largest least resource need, f_k/F + b_k/B with f_k = C_k/τ_max,k (the least compute rate it
///   can do with) and b_k = b_min,k(W_k) (the least band, with infinitely fast compute), leaves
///   until the rest fits; FlexGen then solves the rest.
/// Both simple policies see only the clients that can be served alone (as FlexGen's admission
/// does), so the comparison is on the choice among those.
public enum AdmissionPolicies {
    public static let flexgen = "flexgen"
    public static let names = ["flexgen", "full-model", "steps-only", "edf-greedy", "largest-first"]

    /// The outcome of one policy on one problem.
    public struct Outcome: Sendable {
        /// The problem the solution answers: the whole one for the solvers' own admission, the
        /// admitted clients only for the simple policies.
        public var checkedProblem: Problem
        public var solution: Solution
        /// Ids admitted by the policy.
        public var admittedIDs: Set<String>
    }

    public static func solve(_ policy: String, problem: Problem, timeLimitS: Double) throws -> Outcome {
        switch policy {
        case "edf-greedy":
            let order = candidates(problem).sorted { $0.client.deadlineS < $1.client.deadlineS }
            var admitted: [ClientTask] = []
            var ids: Set<String> = []
            for c in order {
                let trial = admitted + [c.task]
                if FeasibilityFrontier.verdict(tasks: trial, computeRate: problem.server.computeRateFlopsPerS,
                                               bandwidth: problem.server.bandwidthHz).fits {
                    admitted = trial
                    ids.insert(c.client.id)
                }
            }
            return try solveAdmitted(problem, ids: ids, dropOrder: Array(order.map { $0.client.id }.reversed()), timeLimitS: timeLimitS)
        case "largest-first":
            let f = problem.server.computeRateFlopsPerS, b = problem.server.bandwidthHz
            let order = candidates(problem).sorted { need($0.task, f, b) > need($1.task, f, b) }
            var start = 0
            while start < order.count,
                  !FeasibilityFrontier.verdict(tasks: order[start...].map { $0.task }, computeRate: f, bandwidth: b).fits {
                start += 1
            }
            let ids = Set(order[start...].map { $0.client.id })
            return try solveAdmitted(problem, ids: ids, dropOrder: order[start...].map { $0.client.id }, timeLimitS: timeLimitS)
        default:
            guard let variant = SolverVariant(rawValue: policy) else { throw BenchError.unknownPolicy(policy) }
            var settings = SolverSettings()
            settings.timeLimitS = timeLimitS
            settings.admission = .maxServed
            let solution = try FlexGenSolver(variant, settings: settings).solve(problem)
            let rejected = Set((solution.admission?.rejected ?? []).map(\.id))
            return Outcome(checkedProblem: problem, solution: solution,
                           admittedIDs: Set(problem.clients.map(\.id)).subtracting(rejected))
        }
    }

    /// f_k/F + b_k/B: the client's least compute rate and least band as shares of the budgets.
    static func need(_ task: ClientTask, _ computeRate: Double, _ bandwidth: Double) -> Double {
        FeasibilityFrontier.leastComputeRate([task]) / computeRate + FeasibilityFrontier.leastBandwidth([task]) / bandwidth
    }

    /// Clients that can be served alone, each with its least-work admissible configuration's task
    /// (the same screen as the solver's admission: a quality-reachable configuration, and the
    /// deadline met with the whole server).
    static func candidates(_ problem: Problem) -> [(client: Client, task: ClientTask)] {
        problem.clients.compactMap { client in
            guard let c = AllocationTarget.leastWorkAdmissible(client, problem.profile) else { return nil }
            let task = ClientTask(client: client, configuration: c, server: problem.server)
            guard task.minimumServiceTimeS(computeRate: problem.server.computeRateFlopsPerS,
                                           bandwidth: problem.server.bandwidthHz) < task.windowS else { return nil }
            return (client, task)
        }
    }

    /// FlexGen (no admission) on the admitted clients. Should it find no allocation (a service
    /// target out of reach of the admitted members), clients leave in `dropOrder` until it does.
    static func solveAdmitted(_ problem: Problem, ids: Set<String>, dropOrder: [String], timeLimitS: Double) throws -> Outcome {
        var settings = SolverSettings()
        settings.timeLimitS = timeLimitS
        let solver = FlexGenSolver(.flexgen, settings: settings)
        var ids = ids
        var drop = dropOrder.filter { ids.contains($0) }[...]
        while true {
            let restricted = problem.restricted(to: ids)
            if restricted.clients.isEmpty {
                let empty = Solution(problem: problem.name, solver: "flexgen", status: .optimal, totalEnergyJ: 0,
                                     lowerBoundJ: 0, gap: 0, solveTimeS: 0, clients: [])
                return Outcome(checkedProblem: restricted, solution: empty, admittedIDs: [])
            }
            let solution = try solver.solve(restricted)
            if solution.hasAllocation || drop.isEmpty {
                return Outcome(checkedProblem: restricted, solution: solution, admittedIDs: solution.hasAllocation ? ids : [])
            }
            ids.remove(drop.removeFirst())
        }
    }
}
