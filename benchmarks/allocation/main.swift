// Allocation speed benchmark: median wall time of AllocationSolver.solve for K clients,
// time per client and peak RSS. Run: swift run -c release flexgen-bench-allocation [--quick]
import Foundation
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

/// A paper-like instance scaled to K clients: per-client demand drawn from fixed ranges, the
/// server's F and B scaled with K so that both budgets bind (the hard case for the price search).
func instance(clients k: Int, seed: UInt64) -> (tasks: [ClientTask], computeRate: Double, bandwidth: Double) {
    var rng = SplitMix64(state: seed)
    let tasks = (0..<k).map { i in
        ClientTask(id: "c\(i)", flops: rng.uniform(1e12, 8e12), windowS: rng.uniform(1.5, 6),
                   imageBits: rng.uniform(4e5, 1.2e6), channelGain: pow(10, rng.uniform(-115, -90) / 10),
                   noisePsdWPerHz: 3.98e-21, maxTxPowerW: 1.0, energyPerFlopJ: 1.5e-12, dvfsCoefficient: 1.5e-40)
    }
    return (tasks, 2e12 * Double(k), 4e5 * Double(k))
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

let quick = CommandLine.arguments.contains("--quick")
let sizes = quick ? [1_000, 10_000] : [1_000, 10_000, 100_000]
let runs = quick ? 3 : 7
print("K        wall_median_s  cpu_median_s  cpu_per_client_us  sweeps     inner_its/client  status   gap        peak_rss_MiB")
for k in sizes {
    let (tasks, f, b) = instance(clients: k, seed: 42)
    var times: [Double] = []
    var cpuTimes: [Double] = []
    var last: AllocationResult?
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        let cpuStart = threadCPUTime()
        let result = try AllocationSolver().solve(tasks: tasks, computeRateFlopsPerS: f, bandwidthHz: b)
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
        cpuTimes.append(threadCPUTime() - cpuStart)
        last = result
    }
    times.sort()
    cpuTimes.sort()
    let median = times[times.count / 2]
    let cpuMedian = cpuTimes[cpuTimes.count / 2]
    let r = last!
    print(String(format: "%-8d %-14.4f %-13.4f %-18.3f %-10d %-17.1f %-8@ %-10.2e %.1f",
                 k, median, cpuMedian, cpuMedian / Double(k) * 1e6, r.sweeps, Double(r.innerIterations) / Double(k),
                 r.status.rawValue, r.gap ?? .nan, Double(peakRSSKiB()) / 1024))
}
