import Foundation
import Testing
import FlexGenModel
@testable import FlexGenSolver

/// The per-job compute-rate cap f ≤ f_max (docs/model.md, "Per-job compute-rate cap") in the
/// oracle, the allocation, the diagnostics and every variant, against independent computations:
/// the brute force of `AllocationFixtures` restricted to τ ≥ C/f_max, the closed form where the cap
/// binds (τ = C/f_max and a transmit subproblem at t = W − τ), a dense two-client search, hand
/// computations, and the exhaustive variant.
@Suite struct JobComputeRateCapTests {
    typealias F = AllocationFixtures

    /// A cap placing τ_min = C/f_max a fraction `position` of the way from the unconstrained
    /// optimum τ* of `task` at (μ, λ) (position 0) to τ_max = W − t₀ (position 1): the cap binds for
    /// position > 0 and is slack for position < 0 (τ_min = τ*(1 + position)).
    static func cap(_ task: ClientTask, _ mu: Double, _ lambda: Double, position: Double) -> Double {
        let free = ClientOracle.evaluate(task, computePrice: mu, bandwidthPrice: lambda).computeTimeS
        let tauMax = task.windowS - task.minimumTxTimeS
        let tauMin = position > 0 ? free + position * (tauMax - free) : free * (1 + position)
        return task.flops / tauMin
    }

    /// Where the cap binds, the subproblem is the closed form τ = C/f_max plus the transmit
    /// subproblem min_b p·t + λb at t = W − τ, b ≥ b_min(t) (p from the delivery constraint), which
    /// is solved here by a log-b grid and golden section with the contract formulas only.
    @Test(arguments: [(1e-15, 1e-8), (0.0, 1e-8), (1e-13, 1e-6), (1e-14, 1e-7)])
    func bindingCapMatchesTheClosedForm(mu: Double, lambda: Double) {
        let cap = Self.cap(F.task(), mu, lambda, position: 0.4)
        let task = F.task(maxRate: cap)
        let r = ClientOracle.evaluate(task, computePrice: mu, bandwidthPrice: lambda)
        let tau = task.flops / cap, t = task.windowS - tau
        let bMin = F.bruteMinimumBandwidth(task, t: t)
        func transmit(_ logB: Double) -> Double {
            EnergyModel.requiredTxEnergy(bits: task.imageBits, bandwidthHz: exp(logB), txTimeS: t,
                                         gain: task.channelGain, noisePsd: task.noisePsdWPerHz) + lambda * exp(logB)
        }
        var best = (x: log(bMin), value: transmit(log(bMin)))
        for k in 1...600 {
            let x = log(bMin) + log(1e6) * Double(k) / 600
            let v = transmit(x)
            if v < best.value { best = (x, v) }
        }
        let refined = F.golden(max(best.x - log(1e6) / 600, log(bMin)), best.x + log(1e6) / 600) { transmit($0) }
        let transmitValue = min(best.value, refined.value)
        let expected = EnergyModel.computeEnergy(flops: task.flops, rate: cap, energyPerFlop: task.energyPerFlopJ,
                                                 dvfsCoefficient: task.dvfsCoefficient) + mu * cap + transmitValue
        #expect(r.computeRateCapActive)
        #expect(r.computeRateFlopsPerS == cap)
        #expect(abs(r.computeTimeS - tau) <= 1e-15 * tau)
        #expect(abs(r.txTimeS - t) <= 1e-12 * t)
        #expect(r.value <= expected * (1 + 1e-12), "oracle \(r.value) > closed form \(expected)")
        #expect(r.value >= expected * (1 - 1e-10), "oracle \(r.value) ≪ closed form \(expected)")
        #expect(abs(r.bandwidthHz - exp(refined.x)) <= 1e-4 * r.bandwidthHz)
        #expect(r.computeRateCapPrice > 0)
        // A pinned rate does not respond to the prices.
        #expect(r.dComputeRateDComputePrice == 0 && r.dComputeRateDBandwidthPrice == 0)
    }

    /// Brute force over τ ∈ [C/f_max, τ_max) (cap binding, slack, and at the edge of binding).
    @Test(arguments: [0.7, 0.1, 0.001, -0.05, -0.7])
    func cappedOracleAgreesWithBruteForce(_ fraction: Double) {
        let (mu, lambda) = (1e-15, 1e-8)
        let cap = Self.cap(F.task(), mu, lambda, position: fraction)
        let task = F.task(maxRate: cap)
        let r = ClientOracle.evaluate(task, computePrice: mu, bandwidthPrice: lambda)
        let brute = F.bruteForce(task, mu: mu, lambda: lambda, tauMin: task.flops / cap)
        #expect(r.value <= brute.value * (1 + 1e-12), "\(fraction): oracle \(r.value) > brute \(brute.value)")
        #expect(r.value >= brute.value * (1 - 1e-9), "\(fraction): oracle \(r.value) ≪ brute \(brute.value)")
        #expect(abs(r.computeTimeS - brute.tau) <= 1e-5 * brute.tau, "\(fraction): τ \(r.computeTimeS) vs \(brute.tau)")
        #expect(r.computeRateFlopsPerS <= cap)
        #expect(r.computeRateCapActive == (fraction > 0), "\(fraction)")
        if fraction < 0 {
            // A slack cap changes nothing.
            let free = ClientOracle.evaluate(F.task(), computePrice: mu, bandwidthPrice: lambda)
            #expect(abs(r.value - free.value) <= 1e-14 * free.value && r.computeRateCapPrice == 0)
        }
    }

    /// The multiplier is the price of the cap: by the envelope theorem dV/df_max = −ρ, checked by
    /// central differences of the oracle's value in the cap.
    @Test func capMultiplierIsTheValueSensitivity() {
        let (mu, lambda) = (1e-15, 1e-8)
        let cap = Self.cap(F.task(), mu, lambda, position: 0.5)
        let r = ClientOracle.evaluate(F.task(maxRate: cap), computePrice: mu, bandwidthPrice: lambda)
        let h = 1e-5
        let up = ClientOracle.evaluate(F.task(maxRate: cap * (1 + h)), computePrice: mu, bandwidthPrice: lambda).value
        let down = ClientOracle.evaluate(F.task(maxRate: cap * (1 - h)), computePrice: mu, bandwidthPrice: lambda).value
        let numeric = -(up - down) / (2 * h * cap)
        #expect(abs(r.computeRateCapPrice - numeric) <= 1e-4 * numeric, "\(r.computeRateCapPrice) vs \(numeric)")
    }

    /// Free compute (κ = 0, μ = 0) with a cap: the rate is the cap, not +∞.
    @Test func freeComputeRunsAtTheCap() {
        let task = F.task(kappa: 0, maxRate: 4e13)
        let r = ClientOracle.evaluate(task, computePrice: 0, bandwidthPrice: 1e-8)
        #expect(r.computeRateFlopsPerS == 4e13 && r.computeRateCapActive)
        let brute = F.bruteForce(task, mu: 0, lambda: 1e-8, tauMin: task.flops / 4e13)
        #expect(r.value <= brute.value * (1 + 1e-12) && r.value >= brute.value * (1 - 1e-9))
        #expect(r.dBandwidthDBandwidthPrice.isFinite && r.dBandwidthDBandwidthPrice < 0)
    }

    /// A cap that leaves no time to transmit makes the client infeasible.
    @Test func capLeavingNoTimeIsInfeasible() {
        let task = F.task(windowS: 2, maxRate: 4.1e13 / 2)   // τ_min = W
        #expect(!ClientOracle.evaluate(task, computePrice: 1e-15, bandwidthPrice: 1e-8).isFeasible)
    }

    /// The one per-client "alone" test, by hand: C/min(F, f_max) + D/(B log2(1 + P g/(N0 B))) < W.
    @Test func canMeetDeadlineAloneUsesTheCap() {
        let bandwidth = 2e7, computeRate = 1e14
        let rate = bandwidth * log2(1 + 1.0 * 1e-10 / (3.98e-21 * bandwidth))
        let transmit = 8e5 / rate
        // C = 4e13: 0.4 s at F, 2 s at a cap of 2e13. Window 1 s: fine with F, too short with the cap.
        let uncapped = F.task(flops: 4e13, windowS: 1.0, imageBits: 8e5, gainDb: -100)
        let capped = F.task(flops: 4e13, windowS: 1.0, imageBits: 8e5, gainDb: -100, maxRate: 2e13)
        #expect(uncapped.canMeetDeadlineAlone(computeRate: computeRate, bandwidth: bandwidth))
        #expect(!capped.canMeetDeadlineAlone(computeRate: computeRate, bandwidth: bandwidth))
        let expected = 4e13 / 2e13 + transmit
        #expect(abs(capped.minimumServiceTimeS(computeRate: computeRate, bandwidth: bandwidth) - expected) <= 1e-12 * expected)
        // A cap above F changes nothing.
        let loose = F.task(flops: 4e13, windowS: 1.0, imageBits: 8e5, gainDb: -100, maxRate: 1e15)
        #expect(loose.minimumServiceTimeS(computeRate: computeRate, bandwidth: bandwidth)
                == uncapped.minimumServiceTimeS(computeRate: computeRate, bandwidth: bandwidth))
    }

    @Test func allocationNamesTheClientTheCapMakesLate() throws {
        var tasks = F.randomTasks(4, seed: 3).map { task -> ClientTask in
            var task = task
            task.maxComputeRateFlopsPerS = 2e13
            return task
        }
        tasks.insert(F.task("late", flops: 4e13, windowS: 1.0, imageBits: 8e5, gainDb: -100, maxRate: 2e13), at: 1)
        let result = try AllocationSolver().solve(tasks: tasks, computeRateFlopsPerS: 1e14, bandwidthHz: 2e7)
        #expect(result.status == .infeasible)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.constraint == "latency" && diagnostic.clients == ["late"])
        #expect(diagnostic.message.contains("per-job compute-rate cap"))
        let rate = 2e7 * log2(1 + 1.0 * 1e-10 / (3.98e-21 * 2e7))
        let expected = 2.0 + 8e5 / rate
        #expect(abs(try #require(diagnostic.minimumLatencyS) - expected) <= 1e-12 * expected)
    }

    /// Two clients, a cap on the faster one that binds (the compute budget is slack): the
    /// solver's energy against a dense search over the band split, each point minimised over the
    /// compute split with every rate ≤ f_max (contract formulas only).
    @Test func twoClientCappedOptimumMatchesDenseSearch() throws {
        let computeRate = 2.4e13, bandwidth = 3e6
        let a0 = F.task("a", flops: 8e12, windowS: 1.2, imageBits: 8e5, gainDb: -98)
        let b0 = F.task("b", flops: 3e12, windowS: 0.9, imageBits: 1.2e6, gainDb: -108)
        let free = try AllocationSolver().solve(tasks: [a0, b0], computeRateFlopsPerS: computeRate, bandwidthHz: bandwidth)
        let fasterIsA = free.clients[0].computeRateFlopsPerS >= free.clients[1].computeRateFlopsPerS
        var a = a0, b = b0
        // The faster client's compute time is moved a fifth of the way towards its window (DVFS
        // already runs it slowly: the free optimum leaves little room below its window).
        func squeezed(_ task: ClientTask, _ r: ClientResponse) -> Double {
            task.flops / (r.computeTimeS + 0.2 * (task.windowS - r.computeTimeS))
        }
        if fasterIsA { a.maxComputeRateFlopsPerS = squeezed(a0, free.clients[0]) }
        else { b.maxComputeRateFlopsPerS = squeezed(b0, free.clients[1]) }
        let capA = a.maxComputeRateFlopsPerS, capB = b.maxComputeRateFlopsPerS
        let result = try AllocationSolver().solve(tasks: [a, b], computeRateFlopsPerS: computeRate, bandwidthHz: bandwidth)
        #expect(result.status == .optimal, "\(free.clients.map(\.computeRateFlopsPerS)) \(result.diagnostics) \(result.iterations.suffix(3))")
        #expect(result.clients[fasterIsA ? 0 : 1].computeRateCapActive)
        #expect(result.clients[0].computeRateFlopsPerS <= capA && result.clients[1].computeRateFlopsPerS <= capB)
        let energy = try #require(result.energyJ)

        func leastRate(_ task: ClientTask, _ band: Double) -> Double {
            let rate = band * log2(1 + task.maxTxPowerW * task.channelGain / (task.noisePsdWPerHz * band))
            let window = task.windowS - task.imageBits / rate
            return window > 0 ? task.flops / window * (1 + 1e-12) : .infinity
        }
        func second(_ b2: Double, upTo limit: Double) -> Double {
            let lowest = leastRate(b, b2), highest = min(limit, capB)
            guard highest > lowest else { return .infinity }
            return F.golden(lowest, highest, iterations: 90) { AllocationSolverTests.energy(b, f: $0, b: b2) }.value
        }
        func bestForBand(_ b1: Double) -> Double {
            let low = leastRate(a, b1), high = min(capA, computeRate - leastRate(b, bandwidth - b1))
            guard low < high else { return .infinity }
            return F.golden(low, high, iterations: 80) {
                AllocationSolverTests.energy(a, f: $0, b: b1) + second(bandwidth - b1, upTo: computeRate - $0)
            }.value
        }
        var best = (value: Double.infinity, b1: 0.0)
        let n = 300
        for j in 1..<n {
            let b1 = bandwidth * Double(j) / Double(n)
            let v = bestForBand(b1)
            if v < best.value { best = (v, b1) }
        }
        let refined = F.golden(best.b1 - bandwidth / Double(n), best.b1 + bandwidth / Double(n), iterations: 70) {
            bestForBand($0)
        }
        let dense = min(best.value, refined.value)
        #expect(energy <= dense * (1 + 1e-9), "solver \(energy) vs dense \(dense)")
        #expect(energy >= dense * (1 - 1e-7), "solver \(energy) vs dense \(dense)")
        #expect(try #require(result.lowerBoundJ) <= dense * (1 + 1e-12))
        let freeEnergy = try #require(free.energyJ)
        #expect(energy > freeEnergy)
    }

    /// Σ f_max < F: compute can never bind, so μ = 0, and every client runs at most at the cap;
    /// the certificate still holds (bound ≤ energy, gap within tolerance).
    @Test func capsBelowTheBudgetLeaveComputeUnpriced() throws {
        for kappa in [1.5e-40, 0] {
            let tasks = F.randomTasks(8, seed: 11, kappa: kappa).map { task -> ClientTask in
                var task = task
                task.maxComputeRateFlopsPerS = 2 * task.flops / task.windowS
                return task
            }
            let capSum = tasks.reduce(0) { $0 + $1.maxComputeRateFlopsPerS }
            let result = try AllocationSolver().solve(tasks: tasks, computeRateFlopsPerS: 2 * capSum, bandwidthHz: 1e7)
            #expect(result.status == .optimal, "κ = \(kappa)")
            #expect(result.computePrice == 0)
            for (task, r) in zip(tasks, result.clients) { #expect(r.computeRateFlopsPerS <= task.maxComputeRateFlopsPerS) }
            if kappa == 0 { #expect(result.clients.allSatisfy { $0.computeRateCapActive }) }
            let energy = try #require(result.energyJ), bound = try #require(result.lowerBoundJ)
            #expect(bound <= energy * (1 + 1e-12) && (energy - bound) / energy <= 1e-6, "κ = \(kappa): bound \(bound), energy \(energy)")
        }
    }

    /// κ = 0 with caps and Σ f_max > F: at μ = 0 every client sits at its cap (compute is free), so
    /// the compute budget binds while Σf does not respond to μ until μ unpins someone (the singular
    /// Jacobian fallback). Checks: the result respects every cap and F, its certificate closes to
    /// 1e-6, and (by hand) the bound is at least Σ C·e0, the compute energy alone, which with κ = 0
    /// no allocation can avoid.
    @Test func computeBindsWhileEveryClientIsCapped() throws {
        let tasks = F.randomTasks(6, seed: 17, kappa: 0).map { task -> ClientTask in
            var task = task
            task.maxComputeRateFlopsPerS = 4 * task.flops / task.windowS
            return task
        }
        let capSum = tasks.reduce(0) { $0 + $1.maxComputeRateFlopsPerS }
        let computeRate = 0.6 * capSum
        let result = try AllocationSolver().solve(tasks: tasks, computeRateFlopsPerS: computeRate, bandwidthHz: 1e7)
        #expect(result.status == .optimal, "\(result.status) \(result.iterations.suffix(4))")
        #expect(result.computePrice > 0)
        #expect(result.computeRateUsed <= computeRate)
        for (task, r) in zip(tasks, result.clients) { #expect(r.computeRateFlopsPerS <= task.maxComputeRateFlopsPerS) }
        let energy = try #require(result.energyJ), bound = try #require(result.lowerBoundJ)
        let fixed = tasks.reduce(0) { $0 + $1.flops * $1.energyPerFlopJ }
        #expect(bound >= fixed && bound <= energy * (1 + 1e-12) && (energy - bound) / energy <= 1e-6)
    }

    /// The band-starved diagnosis under caps that keep Σf below F: the band must grow to
    /// Σ b_min(W − C/f_max), computed here from the brute-force least band, and the scale is exact.
    @Test func bandScaleUnderCapsIsExact() throws {
        let tasks = F.randomTasks(5, seed: 5).map { task -> ClientTask in
            var task = task
            task.maxComputeRateFlopsPerS = 3 * task.flops / task.windowS
            return task
        }
        let needed = tasks.reduce(0.0) { sum, task in
            sum + F.bruteMinimumBandwidth(task, t: task.windowS - task.flops / task.maxComputeRateFlopsPerS)
        }
        let starved = try AllocationSolver().solve(tasks: tasks, computeRateFlopsPerS: 1e15, bandwidthHz: needed / 3)
        #expect(starved.status == .infeasible)
        let band = try #require(starved.diagnostics.first { $0.constraint == "bandwidth" })
        let scale = try #require(band.requiredScale)
        #expect(abs(scale * needed / 3 - needed) <= 1e-6 * needed, "\(scale * needed / 3) vs \(needed)")
        let fits = try AllocationSolver().solve(tasks: tasks, computeRateFlopsPerS: 1e15, bandwidthHz: needed * (1 + 1e-3))
        #expect(fits.status == .optimal)
        let short = try AllocationSolver().solve(tasks: tasks, computeRateFlopsPerS: 1e15, bandwidthHz: needed * (1 - 1e-6))
        #expect(short.status == .infeasible)
    }

    /// The cap on the tiny instances: 5.165–36.14 TFLOP per image take 0.65–4.5 s at it, against
    /// windows of 2.3–6 s, so it binds and rules some configurations out.
    static let tinyCap = 8e12

    /// Every variant honours the cap (each solution passes `Evaluation`, which checks f ≤ f_max),
    /// and FlexGen still equals the exhaustive optimum.
    @Test func everyVariantHonoursTheCapAndFlexGenIsExact() throws {
        var settings = SolverSettings()
        settings.decomposition.gapTolerance = 1e-9
        var compared = 0, binding = 0   // binding: solutions (any variant) with a client at the cap
        for seed in UInt64(1)...12 {
            var problem = TinyInstances.make(seed: seed, clients: 1 + Int(seed % 3), targets: seed % 3 != 0)
            problem.server.maxJobComputeRateFlopsPerS = Self.tinyCap
            var energies: [SolverVariant: Double] = [:]
            for variant in SolverVariant.allCases {
                let solution = try FlexGenSolver(variant, settings: settings).solve(problem)
                if solution.status.certifiesSolution {
                    let check = Evaluation(problem: problem, solution: solution)
                    #expect(check.isFeasible, "seed \(seed) \(variant): \(check.violations)")
                    #expect(solution.clients.allSatisfy { $0.computeRateFlopsPerS <= Self.tinyCap * (1 + 1e-12) })
                    energies[variant] = solution.totalEnergyJ
                    if solution.clients.contains(where: { $0.computeRateFlopsPerS >= Self.tinyCap * (1 - 1e-9) }) {
                        binding += 1
                    }
                } else {
                    #expect(!(solution.diagnostics ?? []).isEmpty, "seed \(seed) \(variant)")
                }
            }
            let exact = energies[.exhaustive], driver = energies[.flexgen]
            #expect((exact == nil) == (driver == nil), "seed \(seed)")
            if let exact, let driver {
                compared += 1
                #expect(abs(driver - exact) <= 1e-6 * exact, "seed \(seed): \(driver) vs \(exact)")
                for (variant, energy) in energies { #expect(energy >= exact * (1 - 1e-9), "seed \(seed) \(variant)") }
            }
        }
        #expect(compared >= 6)
        #expect(binding >= 5, "the cap must bind in some solutions")
    }

    /// Equal share under a cap gives min(F/K, f_max).
    @Test func equalShareGivesTheCappedShare() throws {
        let profile = Profile(name: "one", metric: .fid,
                              configs: [Configuration(width: 1, steps: 10, flops: 1e13, quality: 20)])
        let server = Server(bandwidthHz: 2e7, noisePsdWPerHz: 3.98e-21, maxTxPowerW: 1, computeRateFlopsPerS: 1e14,
                            energyPerFlopJ: 1e-12, dvfsCoefficient: 1e-40, maxJobComputeRateFlopsPerS: 2e13)
        let clients = (0..<2).map { Client(id: "c\($0)", deadlineS: 5, channelGain: .decibels(-90), imageBits: 4e5) }
        let problem = Problem(name: "equal-capped", server: server, profile: profile, clients: clients)
        let solution = try FlexGenSolver(.equalShare).solve(problem)
        #expect(solution.status == .feasible)
        #expect(solution.clients.allSatisfy { $0.computeRateFlopsPerS == 2e13 })   // F/K = 5e13 > f_max
        // Compute energy by hand: C(e0 + κ f²) = 1e13 · (1e-12 + 1e-40 · 4e26) = 10.4 J.
        #expect(solution.clients.allSatisfy { abs($0.computeEnergyJ - 10.4) <= 1e-12 * 10.4 })
    }
}
