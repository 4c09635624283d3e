import Benchmark
import FlexGen
import FlexGenNumerics

/// Micro-benchmarks of the kernels the solver spends its time in. Inputs are built once, outside
/// the measured closure; `blackHole` keeps the optimiser from deleting the work.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident],
        warmupIterations: 3,
        scalingFactor: .one,
        maxDuration: .seconds(2),
        maxIterations: 10_000
    )

    // Lambert W₀ over the range the per-client bandwidth closed form uses (arguments from just
    // above −1/e to 1e6), 1 000 evaluations per iteration.
    let lambertArguments: [Double] = (0..<1_000).map { i in
        let u = Double(i) / 999
        return -0.367_879_441_171_442 + 1e-12 + (1e6 + 0.367_879_441_171_442) * u * u * u * u
    }
    Benchmark("LambertW.w0 x1000", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations {
            for x in lambertArguments { blackHole(LambertW.w0(x)) }
        }
    }

    // The per-client oracle at typical prices, on the 20 clients of the paper-default scenario.
    let problem = ScenarioGenerator.generate(settings: ScenarioSettings(), profile: microProfile, seed: 1)
    let tasks = problem.clients.map { client in
        ClientTask(client: client, configuration: cheapestAdmissible(client, problem.profile), server: problem.server)
    }
    Benchmark("ClientOracle.evaluate x20", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations {
            for task in tasks { blackHole(ClientOracle.evaluate(task, computePrice: 1e-13, bandwidthPrice: 1e-6)) }
        }
    }

    // One allocation (price search + primal recovery) for K = 1 000 clients.
    var large = ScenarioSettings()
    large.clientCount = 1_000
    large.server.computeRateFlopsPerS *= 50
    large.server.bandwidthHz *= 50
    let big = ScenarioGenerator.generate(settings: large, profile: microProfile, seed: 1)
    let bigTasks = big.clients.map { ClientTask(client: $0, configuration: cheapestAdmissible($0, big.profile), server: big.server) }
    Benchmark("AllocationSolver.solve K=1000") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try? AllocationSolver().solve(tasks: bigTasks, computeRateFlopsPerS: big.server.computeRateFlopsPerS,
                                                    bandwidthHz: big.server.bandwidthHz))
        }
    }
}

let microProfile = ProfileLaw.sdLike512.profile(name: "sd-like-512", widths: ProfileLaw.defaultWidths,
                                               steps: ProfileLaw.defaultSteps)

/// The least-work configuration meeting the client's requirement (what FlexGen picks without
/// service targets).
func cheapestAdmissible(_ client: Client, _ profile: Profile) -> Configuration {
    let ok = profile.configs.filter { c in
        client.qualityRequirement.map { profile.metric.meets(c.quality, requirement: $0) } ?? true
    }
    return (ok.isEmpty ? profile.configs : ok).min { $0.flops < $1.flops }!
}
