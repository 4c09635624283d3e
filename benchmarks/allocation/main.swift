// Allocation speed benchmark: median wall and CPU time of AllocationSolver.solve for K
// clients, time per client, price sweeps, split iterations per client, certified gap, peak RSS.
//
//     swift build -c release --product flexgen-bench-allocation
//     .build/release/flexgen-bench-allocation [--family synthetic|scenario] [--clients 1000,10000]
//                                             [--repeats N] [--compute-scale S] [--split-detail] [--quick]
//
// Families:
// - `synthetic` (default): per-client work, window, image size and channel drawn from fixed ranges
//   (SplitMix64, seed 42), F = 2e12·K FLOP/s and B = 4e5·K Hz so that both budgets bind (both
//   prices positive: the hard case for the price search).
// - `scenario`: the scenario generator's instances exactly as `flexgen bench --parts scaling`
//   builds them (`ScalingBenchmark.problem`: paper-default settings with K clients, F and B scaled
//   by K/20, the sd-like-512 profile law, seed 1), each client on its least-work admissible
//   configuration. Compute is slack there (μ = 0) and only the band is priced.
// `--compute-scale S` multiplies the server's compute rate F (e.g. 0.1 makes it bind on both
// families, μ > 0). The `mu>0` column says whether the compute budget binds at the solution,
// `F_used` is Σf/F, `capped` the number of clients on the power cap.
// `--split-detail`: after each size, replays the accepted price iterates through
// `ClientOracle.evaluate`, each client warm-started from its previous response (as the solver's
// sweeps do; rejected line-search trials are not replayed), and prints the split steps per client
// (mean and max) at each iterate.
import Foundation
import FlexGenModel
import FlexGenScenarios
import FlexGenSolver

struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * Double(next() >> 11) / Double(1 << 53) }
}

struct Instance {
    var tasks: [ClientTask]
    var computeRate: Double
    var bandwidth: Double
}

/// A paper-like instance scaled to K clients: per-client demand drawn from fixed ranges, the
/// server's F and B scaled with K so that both budgets bind (the hard case for the price search).
func syntheticInstance(clients k: Int, seed: UInt64) -> Instance {
    var rng = SplitMix64(state: seed)
    let tasks = (0..<k).map { i in
        ClientTask(id: "c\(i)", flops: rng.uniform(1e12, 8e12), windowS: rng.uniform(1.5, 6),
                   imageBits: rng.uniform(4e5, 1.2e6), channelGain: pow(10, rng.uniform(-115, -90) / 10),
                   noisePsdWPerHz: 3.98e-21, maxTxPowerW: 1.0, energyPerFlopJ: 1.5e-12, dvfsCoefficient: 1.5e-40)
    }
    return Instance(tasks: tasks, computeRate: 2e12 * Double(k), bandwidth: 4e5 * Double(k))
}

/// The scaling benchmark's instance (FlexGenBench `ScalingBenchmark.problem(clients:
/// serviceTargetTightness: nil, seed: 1)` with `AllocationTarget`'s configuration choice), rebuilt
/// here from the same generator calls so that this target needs only the solver and the generator.
func scenarioInstance(clients k: Int, seed: UInt64) -> Instance {
    var settings = ScenarioSettings().scaled(toClients: k)
    settings.name = "scaling-\(k)"
    settings.serviceTargetTightness = nil
    let problem = ScenarioGenerator.generate(settings: settings, profile: ProfileLaw.sdLike512Profile, seed: seed)
    let tasks = problem.clients.map { client -> ClientTask in
        guard let index = CheapestConfiguration.index(in: problem.profile, requirement: client.qualityRequirement) else {
            FileHandle.standardError.write("client \(client.id): no admissible configuration\n".data(using: .utf8)!)
            exit(1)
        }
        return ClientTask(client: client, configuration: problem.profile.configs[index], server: problem.server)
    }
    return Instance(tasks: tasks, computeRate: problem.server.computeRateFlopsPerS, bandwidth: problem.server.bandwidthHz)
}

/// CPU time of this thread (s): robust to other processes sharing the cores, unlike wall time.
func threadCPUTime() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

func peakRSSKiB() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
    for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1
    }
    return -1
}

func usage() -> Never {
    FileHandle.standardError.write("""
        usage: flexgen-bench-allocation [--family synthetic|scenario] [--clients 1000,10000,100000] [--repeats N]
                                        [--compute-scale S] [--split-detail] [--quick]

        """.data(using: .utf8)!)
    exit(2)
}

var family = "synthetic"
var sizes: [Int]?
var repeats: Int?
var quick = false
var computeScale = 1.0
var splitDetail = false
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--quick": quick = true
    case "--split-detail": splitDetail = true
    case "--family":
        guard let value = arguments.next(), value == "synthetic" || value == "scenario" else { usage() }
        family = value
    case "--clients":
        guard let list = arguments.next().map({ $0.split(separator: ",").map { Int($0) } }),
              !list.isEmpty, list.allSatisfy({ ($0 ?? 0) > 0 }) else { usage() }
        sizes = list.map { $0! }
    case "--compute-scale":
        guard let value = arguments.next().flatMap({ Double($0) }), value > 0, value.isFinite else { usage() }
        computeScale = value
    case "--repeats":
        guard let value = arguments.next().flatMap({ Int($0) }), value > 0 else { usage() }
        repeats = value
    default: usage()
    }
}
let defaultSizes = family == "scenario" ? [10_000, 100_000] : [1_000, 10_000, 100_000]
let chosenSizes = sizes ?? (quick ? [1_000, 10_000] : defaultSizes)
let runs = repeats ?? (quick ? 3 : 7)

print("family: \(family), compute scale \(computeScale), \(runs) runs per size (median)")
print("K        wall_median_s  cpu_median_s  cpu_per_client_us  sweeps     inner_its/client  mu>0  F_used  capped  status   gap        peak_rss_MiB")
for k in chosenSizes {
    var instance = family == "scenario" ? scenarioInstance(clients: k, seed: 1) : syntheticInstance(clients: k, seed: 42)
    instance.computeRate *= computeScale
    var times: [Double] = []
    var cpuTimes: [Double] = []
    var last: AllocationResult?
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        let cpuStart = threadCPUTime()
        let result = try AllocationSolver().solve(tasks: instance.tasks, computeRateFlopsPerS: instance.computeRate,
                                                  bandwidthHz: instance.bandwidth)
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
        cpuTimes.append(threadCPUTime() - cpuStart)
        last = result
    }
    times.sort()
    cpuTimes.sort()
    let median = times[times.count / 2]
    let cpuMedian = cpuTimes[cpuTimes.count / 2]
    let r = last!
    let capped = r.clients.filter(\.powerCapActive).count
    print(String(format: "%-8d %-14.4f %-13.4f %-18.3f %-10d %-17.1f %-5@ %-7.4f %-7d %-8@ %-10.2e %.1f",
                 k, median, cpuMedian, cpuMedian / Double(k) * 1e6, r.sweeps, Double(r.innerIterations) / Double(k),
                 r.computePrice > 0 ? "yes" : "no", r.computeRateUsed / instance.computeRate, capped,
                 r.status.rawValue, r.gap ?? .nan, Double(peakRSSKiB()) / 1024))
    if splitDetail {
        var previous: [ClientResponse?] = Array(repeating: nil, count: k)
        for (n, iterate) in r.iterations.enumerated() {
            var total = 0, worst = 0
            for i in 0..<k {
                let response = ClientOracle.evaluate(instance.tasks[i], computePrice: iterate.computePrice,
                                                     bandwidthPrice: iterate.bandwidthPrice, warmStart: previous[i])
                total += response.iterations
                worst = max(worst, response.iterations)
                previous[i] = response
            }
            print(String(format: "  iterate %d: mu %.4e lambda %.4e  split steps per client: mean %.2f, max %d",
                         n + 1, iterate.computePrice, iterate.bandwidthPrice, Double(total) / Double(k), worst))
        }
    }
}
