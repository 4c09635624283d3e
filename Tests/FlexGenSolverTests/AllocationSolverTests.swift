import Foundation
import Testing
import FlexGenModel
@testable import FlexGenSolver

@Suite struct AllocationSolverTests {
    typealias F = AllocationFixtures

    /// The energy of one client at (f, b) with latency and delivery tight (contract formulas);
    /// +∞ when the deadline or the power cap cannot hold.
    static func energy(_ task: ClientTask, f: Double, b: Double) -> Double {
        let t = task.windowS - task.flops / f
        guard t > 0, f > 0, b > 0 else { return .infinity }
        let p = EnergyModel.requiredTxPower(bits: task.imageBits, bandwidthHz: b, txTimeS: t, gain: task.channelGain,
                                            noisePsd: task.noisePsdWPerHz)
        guard p <= task.maxTxPowerW * (1 + 1e-12) else { return .infinity }
        return EnergyModel.computeEnergy(flops: task.flops, rate: f, energyPerFlop: task.energyPerFlopJ,
                                         dvfsCoefficient: task.dvfsCoefficient) + p * t
    }

    /// KKT conditions checked numerically, independently of the solver's own residuals:
    /// primal feasibility, complementary slackness, and stationarity −∂E_k/∂f = μ, −∂E_k/∂b = λ by
    /// central differences of the contract energy for every client off the power cap.
    @Test(arguments: [(UInt64(1), 1.0), (2, 1.0), (3, 0.85), (4, 5.0), (5, 1.0), (6, 100.0)])
    func kktConditionsHold(_ seed: UInt64, _ computeScale: Double) throws {
        let tasks = F.randomTasks(40, seed: seed)
        let computeRate = 2e12 * 40 * computeScale, bandwidth = 4e5 * 40
        let result = try AllocationSolver().solve(tasks: tasks, computeRateFlopsPerS: computeRate, bandwidthHz: bandwidth)
        #expect(result.status == .optimal)
        let gap = try #require(result.gap)
        #expect(gap <= 1e-9)
        let residuals = try #require(result.residuals)
        #expect(residuals.stationarity <= 1e-10 && residuals.primalFeasibility == 0)
        let usedF = result.clients.map(\.computeRateFlopsPerS).reduce(0, +)
        let usedB = result.clients.map(\.bandwidthHz).reduce(0, +)
        #expect(usedF <= computeRate && usedB <= bandwidth)
        let energy = try #require(result.energyJ)
        let mu = result.computePrice, lambda = result.bandwidthPrice
        #expect(mu >= 0 && lambda > 0)
        #expect(mu * (computeRate - usedF) <= 1e-9 * energy)
        #expect(lambda * (bandwidth - usedB) <= 1e-9 * energy)
        if mu == 0 { #expect(usedF < computeRate) }
        var checked = 0
        for (task, r) in zip(tasks, result.clients) where !r.powerCapActive {
            let f = r.computeRateFlopsPerS, b = r.bandwidthHz
            let hf = 1e-5 * f, hb = 1e-5 * b
            let dEdf = (Self.energy(task, f: f + hf, b: b) - Self.energy(task, f: f - hf, b: b)) / (2 * hf)
            let dEdb = (Self.energy(task, f: f, b: b + hb) - Self.energy(task, f: f, b: b - hb)) / (2 * hb)
            // Scale: the compute term of ∂E/∂f, 2κCf, plus μ (central differences of an energy
            // of a few J carry ~1e-16·E/h of noise, far below this).
            let scale = 2 * task.dvfsCoefficient * task.flops * f + mu
            #expect(abs(dEdf + mu) <= 1e-5 * scale, "client \(task.id): ∂E/∂f \(dEdf) vs μ \(mu)")
            #expect(abs(dEdb + lambda) <= 1e-5 * lambda, "client \(task.id): ∂E/∂b \(dEdb) vs λ \(lambda)")
            checked += 1
        }
        #expect(checked > 0)
        // The lower bound is below the energy of any other feasible allocation: try the equal split.
        let equal = zip(tasks, result.clients).map { task, _ in
            Self.energy(task, f: computeRate / 40, b: bandwidth / 40)
        }.reduce(0, +)
        if equal.isFinite { #expect(try #require(result.lowerBoundJ) <= equal) }
    }

    @Test func symmetricClientsGetIdenticalAllocations() throws {
        let one = F.task(flops: 3e12, windowS: 2.5, gainDb: -100)
        let tasks = (0..<12).map { i -> ClientTask in var t = one; t.id = "s\(i)"; return t }
        let result = try AllocationSolver().solve(tasks: tasks, computeRateFlopsPerS: 1.6e13, bandwidthHz: 6e6)
        #expect(result.status == .optimal)
        let first = result.clients[0]
        for r in result.clients {
            #expect(abs(r.computeRateFlopsPerS - first.computeRateFlopsPerS) <= 1e-12 * first.computeRateFlopsPerS)
            #expect(abs(r.bandwidthHz - first.bandwidthHz) <= 1e-12 * first.bandwidthHz)
        }
        // By symmetry each gets at most an equal share; the band is used fully.
        #expect(abs(first.bandwidthHz * 12 - 6e6) <= 1e-9 * 6e6)
    }

    @Test func nonBindingBudgetHasZeroPrice() throws {
        let tasks = F.randomTasks(25, seed: 9)
        let result = try AllocationSolver().solve(tasks: tasks, computeRateFlopsPerS: 1e18, bandwidthHz: 1e7)
        #expect(result.status == .optimal)
        #expect(result.computePrice == 0)
        #expect(result.computeRateUsed < 1e18 * 0.5)
        #expect(try #require(result.gap) <= 1e-9)
        // With μ = 0 each client runs at its own DVFS-vs-transmit optimum: compare one with the
        // oracle at (0, λ) directly.
        let r = ClientOracle.evaluate(tasks[3], computePrice: 0, bandwidthPrice: result.bandwidthPrice)
        #expect(abs(r.computeRateFlopsPerS - result.clients[3].computeRateFlopsPerS) <= 1e-9 * r.computeRateFlopsPerS)
    }

    /// Near the feasibility frontier the band is so dear that clients transmit at full power: take
    /// the least band these clients need (the frontier's exact scale) plus 2%, and check that the
    /// power cap binds where it must (p = P_max, b = b_min(t) by brute force) with a certified gap.
    @Test func powerCapBindsInTheAllocation() throws {
        var tasks = F.randomTasks(4, seed: 11)
        tasks.append(F.task("far", flops: 2e12, windowS: 1.0, imageBits: 1.2e6, gainDb: -125))
        let computeRate = 1.5e13
        let starved = FeasibilityFrontier.diagnose(tasks: tasks, computeRate: computeRate, bandwidth: 1e3)
        let scale = try #require(starved.first { $0.constraint == "bandwidth" }?.requiredScale)
        let bandwidth = 1e3 * scale * 1.02
        let result = try AllocationSolver().solve(tasks: tasks, computeRateFlopsPerS: computeRate, bandwidthHz: bandwidth)
        #expect(result.status == .optimal)
        let far = try #require(result.clients.last)
        #expect(far.powerCapActive)
        #expect(abs(far.txPowerW - 1.0) <= 1e-12)
        let bMin = F.bruteMinimumBandwidth(tasks.last!, t: far.txTimeS)
        #expect(abs(far.bandwidthHz - bMin) <= 1e-9 * bMin)
        // The far client's allocation is its own optimum at the final prices (brute force).
        let brute = F.bruteForce(tasks.last!, mu: result.computePrice, lambda: result.bandwidthPrice)
        #expect(far.value <= brute.value * (1 + 1e-12) && far.value >= brute.value * (1 - 1e-9))
        #expect(try #require(result.gap) <= 1e-9)
    }

    @Test func clientThatCannotMakeItAloneIsNamed() throws {
        var tasks = F.randomTasks(5, seed: 3)
        let hopeless = F.task("late", flops: 4e13, windowS: 0.2, imageBits: 8e5, gainDb: -100)
        tasks.insert(hopeless, at: 2)
        let computeRate = 1e14, bandwidth = 2e7
        let result = try AllocationSolver().solve(tasks: tasks, computeRateFlopsPerS: computeRate, bandwidthHz: bandwidth)
        #expect(result.status == .infeasible)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.constraint == "latency" && diagnostic.clients == ["late"])
        // Least latency by hand: C/F + D/(B log2(1 + P g/(N0 B))) = 0.4 s + transmission.
        let rate = bandwidth * log2(1 + 1.0 * 1e-10 / (3.98e-21 * bandwidth))
        let expected = 4e13 / computeRate + 8e5 / rate
        let reported = try #require(diagnostic.minimumLatencyS)
        #expect(abs(reported - expected) <= 1e-12 * expected)
        #expect(reported > 0.2)
        #expect(result.clients.isEmpty && result.energyJ == nil)
    }

    /// Clients that fit alone but not together: the reported scale is exact — 1e-6 below it the
    /// instance is infeasible, 1e-6 (and 1e-3) above it the solve is optimal.
    @Test func jointInfeasibilityReportsTheExactScale() throws {
        let tasks = F.randomTasks(10, seed: 5)
        let bandwidth = 4e6
        let tooSmall = tasks.map { $0.flops / $0.windowS }.reduce(0, +)   // Σ C/W: impossible even with t → 0
        let result = try AllocationSolver().solve(tasks: tasks, computeRateFlopsPerS: tooSmall, bandwidthHz: bandwidth)
        #expect(result.status == .infeasible)
        let compute = try #require(result.diagnostics.first { $0.constraint == "compute" })
        let scale = try #require(compute.requiredScale)
        #expect(scale > 1 && scale.isFinite)
        let above = try AllocationSolver().solve(tasks: tasks, computeRateFlopsPerS: tooSmall * scale * (1 + 1e-3),
                                                 bandwidthHz: bandwidth)
        #expect(above.status == .optimal, "\(above.iterations.map { ($0.computePrice, $0.bandwidthPrice, $0.computeExcess, $0.bandwidthExcess, $0.stepLength) })")
        // A hair above the frontier the prices are huge and the clearing conditions ill-conditioned;
        // the dual-ascent safeguard still reaches a certified optimum.
        let hair = try AllocationSolver().solve(tasks: tasks, computeRateFlopsPerS: tooSmall * scale * (1 + 1e-6),
                                                bandwidthHz: bandwidth)
        #expect(hair.status == .optimal, "\(hair.status) \(hair.gap as Any)")
        if hair.status.certifiesSolution {
            #expect(hair.computeRateUsed <= tooSmall * scale * (1 + 1e-6) && hair.bandwidthUsed <= bandwidth)
        }
        let below = try AllocationSolver().solve(tasks: tasks, computeRateFlopsPerS: tooSmall * scale * (1 - 1e-6),
                                                 bandwidthHz: bandwidth)
        #expect(below.status == .infeasible)
        // Band-starved: the band scale is exact too.
        let starved = try AllocationSolver().solve(tasks: tasks, computeRateFlopsPerS: 1e14, bandwidthHz: 2e4)
        #expect(starved.status == .infeasible)
        let band = try #require(starved.diagnostics.first { $0.constraint == "bandwidth" })
        let bandScale = try #require(band.requiredScale)
        let fits = try AllocationSolver().solve(tasks: tasks, computeRateFlopsPerS: 1e14, bandwidthHz: 2e4 * bandScale * (1 + 1e-3))
        #expect(fits.status == .optimal)
        let short = try AllocationSolver().solve(tasks: tasks, computeRateFlopsPerS: 1e14, bandwidthHz: 2e4 * bandScale * (1 - 1e-6))
        #expect(short.status == .infeasible)
    }

    /// Two clients, optimum worked out independently from the contract formulas: a dense scan of the
    /// band split (b₁, B − b₁); at each split the compute split is minimised exactly (golden section
    /// over f₁ on its feasible range, client 2 taking its best f₂ ≤ F − f₁), then the best split is
    /// refined by golden section (the value is convex in b₁).
    @Test func twoClientOptimumMatchesDenseSearch() throws {
        let a = F.task("a", flops: 8e12, windowS: 1.2, imageBits: 8e5, gainDb: -98)
        let b = F.task("b", flops: 3e12, windowS: 0.9, imageBits: 1.2e6, gainDb: -108)
        let computeRate = 2.4e13, bandwidth = 3e6
        let result = try AllocationSolver().solve(tasks: [a, b], computeRateFlopsPerS: computeRate, bandwidthHz: bandwidth)
        #expect(result.status == .optimal)
        let energy = try #require(result.energyJ)

        // Least compute rate that lets a client meet its deadline with band b at full power.
        func leastRate(_ task: ClientTask, _ band: Double) -> Double {
            let rate = band * log2(1 + task.maxTxPowerW * task.channelGain / (task.noisePsdWPerHz * band))
            let window = task.windowS - task.imageBits / rate
            return window > 0 ? task.flops / window * (1 + 1e-12) : .infinity
        }
        func second(_ b2: Double, cap: Double) -> Double {
            // Client b's best compute rate up to `cap` (its energy is convex in f on the feasible range).
            let lowest = leastRate(b, b2)
            guard cap > lowest else { return .infinity }
            return F.golden(lowest, cap, iterations: 90) { Self.energy(b, f: $0, b: b2) }.value
        }
        func total(_ f1: Double, _ b1: Double) -> Double {
            Self.energy(a, f: f1, b: b1) + second(bandwidth - b1, cap: computeRate - f1)
        }
        /// min over f₁ at band split b₁: golden over the feasible f₁ range (convex there).
        func bestForBand(_ b1: Double) -> (value: Double, f1: Double) {
            let low = leastRate(a, b1), high = computeRate - leastRate(b, bandwidth - b1)
            guard low < high else { return (.infinity, .nan) }
            let g = F.golden(low, high, iterations: 80) { total($0, b1) }
            return (g.value, g.x)
        }
        // Dense scan of the band split, each point minimised over the compute split, then golden
        // refinement around the best point (the value is convex in b₁).
        var best = (value: Double.infinity, b1: 0.0)
        let n = 300
        for j in 1..<n {
            let b1 = bandwidth * Double(j) / Double(n)
            let v = bestForBand(b1).value
            if v < best.value { best = (v, b1) }
        }
        let refined = F.golden(best.b1 - bandwidth / Double(n), best.b1 + bandwidth / Double(n), iterations: 70) {
            bestForBand($0).value
        }
        let dense = min(best.value, refined.value)
        #expect(energy <= dense * (1 + 1e-9), "solver \(energy) vs dense \(dense)")
        #expect(energy >= dense * (1 - 1e-7), "solver \(energy) vs dense \(dense)")
        #expect(abs(result.clients[0].bandwidthHz - refined.x) <= 5e-3 * bandwidth)
    }

    @Test func invalidInputThrows() {
        #expect(throws: SolverError.self) {
            try AllocationSolver().solve(tasks: [F.task()], computeRateFlopsPerS: -1, bandwidthHz: 1e6)
        }
        #expect(throws: SolverError.self) {
            try AllocationSolver().solve(tasks: [F.task(flops: .nan)], computeRateFlopsPerS: 1e14, bandwidthHz: 1e6)
        }
        #expect(throws: SolverError.self) {
            try AllocationSolver(settings: AllocationSettings(gapTolerance: -1)).solve(tasks: [], computeRateFlopsPerS: 1, bandwidthHz: 1)
        }
    }

    /// Stopped by a limit: either no allocation, or a checked one within the budgets, never a
    /// placeholder; the status says which limit.
    @Test func limitsNeverReturnAnUncheckedAllocation() throws {
        let tasks = F.randomTasks(30, seed: 21)
        for settings in [AllocationSettings(maxPriceIterations: 1), AllocationSettings(maxPriceIterations: 2),
                         AllocationSettings(timeLimitS: 1e-12)] {
            let result = try AllocationSolver(settings: settings).solve(tasks: tasks, computeRateFlopsPerS: 6e13,
                                                                        bandwidthHz: 1.2e7)
            if result.clients.isEmpty {
                #expect([.iterationLimit, .timeLimit].contains(result.status), "\(result.status)")
                #expect(result.energyJ == nil)
            } else {
                #expect(result.computeRateUsed <= 6e13 && result.bandwidthUsed <= 1.2e7)
                #expect(result.clients.allSatisfy { $0.computeRateFlopsPerS > 0 && $0.bandwidthHz > 0 })
                let bound = try #require(result.lowerBoundJ), energy = try #require(result.energyJ)
                #expect(bound <= energy)
            }
        }
        let limited = try AllocationSolver(settings: AllocationSettings(timeLimitS: 1e-12))
            .solve(tasks: tasks, computeRateFlopsPerS: 6e13, bandwidthHz: 1.2e7)
        #expect(limited.status == .timeLimit)
    }

    @Test func emptyProblemIsTriviallyOptimal() throws {
        let result = try AllocationSolver().solve(tasks: [], computeRateFlopsPerS: 1e14, bandwidthHz: 1e6)
        #expect(result.status == .optimal && result.energyJ == 0)
    }
}
