// flexgen-bench-assignment: the full FlexGen solve (assignment + allocation + certified gap) on
// generated service-target instances. Not a test: run it from a release build,
//
//     swift run -c release flexgen-bench-assignment [--clients 1000,10000] [--repeats 5] [--seed 1]
//
// Instances: the `service-target` scenario (one mean-FID target over all clients, tightness 0.5)
// with the sd-like-512 profile law on 4 widths × 6 step counts = 24 configurations, and the
// server's compute rate and band scaled with K (the scenario's 20-client budgets × K/20) so that
// the per-client load is the same at every size. Prints, per size, the median wall time over the
// repeats (each a different seed), the median and worst CPU time of the solving thread, the worst
// certified gap, and the status counts. Every solution is re-checked by `Evaluation`; a failed
// check shows up as CHECK-FAILED in the status column.
import FlexGenModel
import FlexGenScenarios
import FlexGenSolver
import Foundation

/// CPU time of this thread (s): the single-core cost, unaffected by waiting for a core.
func threadCPUTime() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
}

var sizes = [1_000, 10_000]
var repeats = 5
var firstSeed: UInt64 = 1
var verbose = false
var groupTargets = 0
var decompositionSettings = DecompositionSettings()
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--clients": sizes = arguments.next().map { $0.split(separator: ",").compactMap { Int($0) } } ?? sizes
    case "--repeats": repeats = arguments.next().flatMap { Int($0) } ?? repeats
    case "--seed": firstSeed = arguments.next().flatMap { UInt64($0) } ?? firstSeed
    case "--verbose": verbose = true
    case "--group-targets": groupTargets = arguments.next().flatMap { Int($0) } ?? groupTargets
    case "--node-limit":
        decompositionSettings.branchAndBoundNodeLimit = arguments.next().flatMap { Int($0) } ?? decompositionSettings.branchAndBoundNodeLimit
    case "--gap-tolerance":
        decompositionSettings.gapTolerance = arguments.next().flatMap { Double($0) } ?? decompositionSettings.gapTolerance
    default:
        FileHandle.standardError.write("usage: flexgen-bench-assignment [--clients 1000,10000] [--repeats N] [--seed S] [--node-limit N] [--gap-tolerance G] [--group-targets N] [--verbose]\n".data(using: .utf8)!)
        exit(2)
    }
}

let profile = ProfileLaw.sdLike512Profile

/// `--group-targets N`: N more mean-quality targets, each over a random half or third of the
/// clients (so they overlap each other and the scenario's all-client target), each set within
/// ±1.5 FID of the scenario's target. Seeded by the instance's seed; a combination no assignment
/// meets shows up as `infeasible` in the status column.
func addGroupTargets(_ count: Int, to problem: inout Problem, seed: UInt64) {
    guard count > 0, let base = problem.serviceTargets.first?.meanQualityTarget else { return }
    var random = SeededGenerator(seed: seed ^ 0x6772_6F75_7073)
    for _ in 0..<count {
        let share = Double.random(in: 0..<1, using: &random) < 0.5 ? 2 : 3
        let members = problem.clients.map(\.id).shuffled(using: &random).prefix(max(1, problem.clients.count / share))
        let shift = Double.random(in: -1.5...1.5, using: &random)
        problem.serviceTargets.append(ServiceTarget(clients: Array(members), meanQualityTarget: base + shift))
    }
}
print("profile: \(profile.configs.count) configurations; gap tolerance \(DecompositionSettings().gapTolerance)")
print("clients  repeats  wall_median_s  cpu_median_s  cpu_max_s  worst_gap  median_iterations  statuses")
for clients in sizes {
    var times: [Double] = [], cpuTimes: [Double] = [], gaps: [Double] = [], iterations: [Int] = []
    var statuses: [String: Int] = [:]
    for r in 0..<repeats {
        let settings = ScenarioSettings.preset("service-target")!.scaled(toClients: clients)
        var problem = ScenarioGenerator.generate(settings: settings, profile: profile, seed: firstSeed + UInt64(r))
        addGroupTargets(groupTargets, to: &problem, seed: firstSeed + UInt64(r))
        let start = Date(), cpuStart = threadCPUTime()
        let result = try DecompositionSolver(settings: decompositionSettings).solve(problem)
        let elapsed = Date().timeIntervalSince(start)
        cpuTimes.append(threadCPUTime() - cpuStart)
        // The benchmark trusts nothing it did not check: the solution is re-evaluated.
        var variantSettings = SolverSettings()
        variantSettings.decomposition = decompositionSettings
        let solution = try FlexGenSolver(.flexgen, settings: variantSettings).solve(problem)
        let check = Evaluation(problem: problem, solution: solution)
        if !check.isFeasible { statuses["CHECK-FAILED", default: 0] += 1 }
        times.append(elapsed)
        if verbose {
            let rootBound = result.iterations.first?.lowerBoundJ ?? .nan
            print(String(format: "  seed %3d  %-9@  energy %.6f J  bound %.6f J  gap %.2e  root bound %.6f J  nodes %d  allocations %d  %.3f s",
                         Int(firstSeed) + r, result.status.rawValue, result.energyJ ?? .nan, result.lowerBoundJ ?? .nan,
                         result.gap ?? .nan, rootBound, result.enumeratedNodes, result.allocationsSolved, elapsed))
        }
        // An infeasible instance (a group target no assignment meets) has no gap; it is counted
        // in the status column. A solved instance without a gap would be a bug: +∞ shows it.
        if result.status != .infeasible { gaps.append(result.gap ?? .infinity) }
        iterations.append(result.iterations.count)
        statuses[result.status.rawValue, default: 0] += 1
    }
    let median = times.sorted()[times.count / 2]
    let its = iterations.sorted()[iterations.count / 2]
    let statusText = statuses.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    let cpu = cpuTimes.sorted()
    print(String(format: "%7d  %7d  %13.3f  %12.3f  %9.3f  %9.2e  %17d  %@", clients, repeats, median,
                 cpu[cpu.count / 2], cpu.last!, gaps.max() ?? .nan, its, statusText))
}
