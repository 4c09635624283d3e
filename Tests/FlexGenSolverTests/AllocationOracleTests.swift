import Foundation
import Testing
import FlexGenModel
@testable import FlexGenSolver

/// The per-client oracle against an independent brute force (a fine grid over the compute time
/// and the band, refined by golden section, using only the contract formulas of `EnergyModel`).
@Suite struct AllocationOracleTests {
    typealias F = AllocationFixtures

    static let cases: [(String, ClientTask, Double, Double)] = [
        ("default", F.task(), 1e-15, 1e-8),
        ("pricier", F.task(), 1e-13, 1e-6),
        ("free compute price", F.task(), 0, 1e-8),
        ("good channel", F.task(gainDb: -80), 1e-14, 1e-7),
        ("bad channel, power cap binding", F.task(windowS: 1.0, imageBits: 1.2e6, gainDb: -125), 1e-14, 1e-6),
        ("no DVFS", F.task(kappa: 0), 1e-14, 1e-7),
        ("tight deadline", F.task(windowS: 0.5), 1e-13, 1e-7),
    ]

    @Test(arguments: 0..<cases.count)
    func agreesWithBruteForce(_ index: Int) {
        let (name, task, mu, lambda) = Self.cases[index]
        let r = ClientOracle.evaluate(task, computePrice: mu, bandwidthPrice: lambda)
        let brute = F.bruteForce(task, mu: mu, lambda: lambda)
        // The brute force is a feasible point: the oracle's exact minimum can only be lower, and
        // the refined brute force is within ~1e-12 of the minimum.
        #expect(r.value <= brute.value * (1 + 1e-12), "\(name): oracle \(r.value) > brute \(brute.value)")
        #expect(r.value >= brute.value * (1 - 1e-9), "\(name): oracle \(r.value) ≪ brute \(brute.value)")
        #expect(abs(r.computeTimeS - brute.tau) <= 1e-5 * brute.tau, "\(name): τ \(r.computeTimeS) vs \(brute.tau)")
        #expect(abs(r.bandwidthHz - brute.b) <= 1e-3 * brute.b, "\(name): b \(r.bandwidthHz) vs \(brute.b)")
        // Internal consistency with the contract formulas.
        let t = task.windowS - r.computeTimeS
        #expect(abs(r.txTimeS - t) <= 1e-12 * t)
        let power = EnergyModel.requiredTxPower(bits: task.imageBits, bandwidthHz: r.bandwidthHz, txTimeS: r.txTimeS,
                                                gain: task.channelGain, noisePsd: task.noisePsdWPerHz)
        #expect(abs(power - r.txPowerW) <= 1e-12 * power, "\(name)")
        #expect(r.txPowerW <= task.maxTxPowerW * (1 + 1e-14))
        #expect(r.stationarityResidual <= 1e-12)
    }

    @Test func powerCapBindsForABadChannel() {
        let (_, task, mu, lambda) = Self.cases[4]
        let r = ClientOracle.evaluate(task, computePrice: mu, bandwidthPrice: lambda)
        #expect(r.powerCapActive)
        #expect(abs(r.txPowerW - task.maxTxPowerW) <= 1e-12)
        // b sits on its lower bound b_min(t): the brute-force least band at full power.
        let bMin = F.bruteMinimumBandwidth(task, t: r.txTimeS)
        #expect(abs(r.bandwidthHz - bMin) <= 1e-9 * bMin)
    }

    /// The sensitivities (implicit differentiation) against central differences of the oracle.
    @Test(arguments: [0, 1, 4, 5])
    func sensitivitiesMatchFiniteDifferences(_ index: Int) {
        let (name, task, mu0, lambda) = Self.cases[index]
        let mu = max(mu0, 1e-15)
        let r = ClientOracle.evaluate(task, computePrice: mu, bandwidthPrice: lambda)
        let h = 1e-5
        let muUp = ClientOracle.evaluate(task, computePrice: mu * (1 + h), bandwidthPrice: lambda)
        let muDown = ClientOracle.evaluate(task, computePrice: mu * (1 - h), bandwidthPrice: lambda)
        let lUp = ClientOracle.evaluate(task, computePrice: mu, bandwidthPrice: lambda * (1 + h))
        let lDown = ClientOracle.evaluate(task, computePrice: mu, bandwidthPrice: lambda * (1 - h))
        let pairs: [(Double, Double)] = [
            (r.dComputeRateDComputePrice, (muUp.computeRateFlopsPerS - muDown.computeRateFlopsPerS) / (2 * h * mu)),
            (r.dBandwidthDComputePrice, (muUp.bandwidthHz - muDown.bandwidthHz) / (2 * h * mu)),
            (r.dComputeRateDBandwidthPrice, (lUp.computeRateFlopsPerS - lDown.computeRateFlopsPerS) / (2 * h * lambda)),
            (r.dBandwidthDBandwidthPrice, (lUp.bandwidthHz - lDown.bandwidthHz) / (2 * h * lambda)),
        ]
        for (i, (analytic, numeric)) in pairs.enumerated() {
            #expect(abs(analytic - numeric) <= 1e-4 * abs(numeric) + 1e-12, "\(name) #\(i): \(analytic) vs \(numeric)")
        }
        // Symmetry of the dual Hessian block.
        #expect(abs(r.dComputeRateDBandwidthPrice - r.dBandwidthDComputePrice)
                <= 1e-9 * abs(r.dBandwidthDComputePrice))
        // Demands fall with their own price (negative definite block).
        #expect(r.dComputeRateDComputePrice < 0 && r.dBandwidthDBandwidthPrice < 0)
    }

    /// A warm start changes the work, not the answer.
    @Test func warmStartGivesTheSameResponse() {
        for (name, task, mu, lambda) in Self.cases {
            let cold = ClientOracle.evaluate(task, computePrice: mu, bandwidthPrice: lambda)
            for (otherMu, otherLambda) in [(mu * 3 + 1e-15, lambda / 5), (mu / 7, lambda * 11)] {
                let seed = ClientOracle.evaluate(task, computePrice: otherMu, bandwidthPrice: otherLambda)
                let warm = ClientOracle.evaluate(task, computePrice: mu, bandwidthPrice: lambda, warmStart: seed)
                #expect(abs(warm.computeTimeS - cold.computeTimeS) <= 1e-13 * cold.computeTimeS, "\(name)")
                #expect(abs(warm.bandwidthHz - cold.bandwidthHz) <= 1e-12 * cold.bandwidthHz, "\(name)")
                #expect(abs(warm.value - cold.value) <= 1e-14 * cold.value, "\(name)")
            }
        }
    }

    @Test func edgeCases() {
        let task = F.task()
        // λ = 0: free band, the infimum is approached as b → ∞; its value is the limit of small λ.
        let free = ClientOracle.evaluate(task, computePrice: 1e-14, bandwidthPrice: 0)
        #expect(free.bandwidthHz == .infinity && free.value.isFinite)
        let almostFree = ClientOracle.evaluate(task, computePrice: 1e-14, bandwidthPrice: 1e-30)
        #expect(almostFree.value >= free.value && almostFree.value - free.value <= 1e-6 * free.value)
        // κ = 0 and μ = 0: free compute.
        let freeCompute = ClientOracle.evaluate(F.task(kappa: 0), computePrice: 0, bandwidthPrice: 1e-8)
        #expect(freeCompute.computeRateFlopsPerS == .infinity && freeCompute.value.isFinite)
        // A window shorter than the Shannon-limit transmit time: infeasible, never NaN in the value.
        let hopeless = F.task(windowS: 1e-4, gainDb: -130)
        let r = ClientOracle.evaluate(hopeless, computePrice: 1e-14, bandwidthPrice: 1e-8)
        #expect(!r.isFeasible && r.value == .infinity)
        // Extreme prices stay finite.
        for (mu, lambda) in [(1e-30, 1e-30), (1e-5, 1e-2), (1e-30, 1e-2), (1e-5, 1e-30)] {
            let x = ClientOracle.evaluate(task, computePrice: mu, bandwidthPrice: lambda)
            #expect(x.value.isFinite && x.computeRateFlopsPerS.isFinite && x.bandwidthHz.isFinite, "\(mu), \(lambda)")
            #expect(x.computeTimeS > 0 && x.txTimeS > task.minimumTxTimeS)
        }
    }

    /// The two closed forms solve their equations to a few ulps across their whole range.
    @Test func closedFormsSolveTheirEquations() {
        for e in stride(from: -20.0, through: 8, by: 0.25) {
            let k = pow(10, e)
            let y = ClientOracle.unconstrainedEfficiency(k)
            // Reference h(y) = Σ_{n≥2} (n−1)/n!·yⁿ in 80-bit arithmetic (no cancellation), or the
            // direct form y·eʸ − (eʸ − 1) in 80 bits where the series would be long.
            let x = Float80(y)
            var reference: Float80 = 0
            if y < 1 {
                var term = x            // xⁿ/n!
                for n in 2...40 { term *= x / Float80(n); reference += Float80(n - 1) * term }
            } else {
                reference = x * exp(x) - (exp(x) - 1)
            }
            #expect(abs(Double(reference) - k) <= 1e-13 * k, "k = \(k): y = \(y)")
        }
        for e in stride(from: -12.0, through: 12, by: 0.25) {
            let ratio = 1 + pow(10, e)
            let y = ClientOracle.cappedEfficiency(ratio: ratio)
            #expect(y > 0)
            let value = Double(Float80(expm1(y)) / Float80(y))
            #expect(abs(value - ratio) <= 1e-14 * ratio, "R = \(ratio): y = \(y)")
        }
        #expect(ClientOracle.cappedEfficiency(ratio: 1) == 0)
        #expect(ClientOracle.unconstrainedEfficiency(0) == 0)
    }

    /// The hinted capped efficiency (Newton from a nearby y, as the split search uses it) solves
    /// the same equation expm1(y)/y = R to the same accuracy as the closed form, from hints close
    /// by, far off (the closed form takes over), zero, infinite and NaN.
    @Test func hintedCappedEfficiencyAgreesWithTheClosedForm() {
        for e in stride(from: -10.0, through: 10, by: 0.5) {
            let ratio = 1 + pow(10, e)
            let exact = ClientOracle.cappedEfficiency(ratio: ratio)
            for hint in [exact, exact * (1 + 1e-9), exact * 1.01, exact * 0.9, exact * 3, exact / 5, 0, .infinity, .nan] {
                let y = ClientOracle.cappedEfficiency(ratio: ratio, hint: hint)
                let value = Double(Float80(expm1(y)) / Float80(y))
                #expect(abs(value - ratio) <= 1e-14 * ratio, "R = \(ratio), hint \(hint): y = \(y)")
                // y is determined only as well as R is: a few ulps of R over dR/dy = h(y)/y²
                // (≈ 1/2 as R → 1, where that is most of y's digits).
                let h = exact < 0.1 ? exact * exact / 2 * (1 + 2 * exact / 3) : exact * exp(exact) - expm1(exact)
                let conditioning = ratio.ulp / (h / (exact * exact))
                #expect(abs(y - exact) <= 1e-13 * exact + 4 * conditioning, "R = \(ratio), hint \(hint)")
            }
        }
        #expect(ClientOracle.cappedEfficiency(ratio: 1, hint: 0.5) == 0)
        #expect(ClientOracle.cappedEfficiency(ratio: .infinity, hint: 2) == .infinity)
    }

    // MARK: Unpriced compute (μ = 0): the case of the scenario generator's instances

    /// A client of the scenario generator's paper-default instances (sd-like-512 least-work
    /// configuration, paper-default server): compute is slack there, so μ = 0 and the client
    /// computes for almost its whole window (t ≪ W), the regime the split search must handle well.
    static func scenarioClient(gainDb: Double = -95, windowS: Double = 2.33, imageBits: Double = 8e5) -> ClientTask {
        F.task(flops: 2.774e13, windowS: windowS, imageBits: imageBits, gainDb: gainDb, e0: 1e-12, kappa: 4e-40)
    }

    /// (name, task, λ) at μ = 0: tiny, typical and huge band prices, power cap off and on.
    static let unpricedCases: [(String, ClientTask, Double)] = [
        ("typical price (the scenario's clearing λ)", scenarioClient(), 2.56e-8),
        ("tiny price", scenarioClient(), 1e-15),
        ("huge price", scenarioClient(), 1e-4),
        ("good channel, tiny price", scenarioClient(gainDb: -75), 1e-16),
        ("power cap binding", scenarioClient(gainDb: -125, windowS: 1.0, imageBits: 1.6e6), 2.56e-8),
        ("power cap binding, tiny price", scenarioClient(gainDb: -125, windowS: 1.0, imageBits: 1.6e6), 1e-15),
        ("power cap binding, huge price", scenarioClient(gainDb: -125, windowS: 1.0, imageBits: 1.6e6), 1e-4),
        ("synthetic-family client", F.task(flops: 3e12, windowS: 4, imageBits: 6e5, gainDb: -110), 2.57e-9),
    ]

    /// An independent 1-D minimisation of the client's Lagrangian over the transmit time t, with
    /// the compute price at 0: t in log(t − t₀) by a grid and golden section; for each t the band
    /// by golden section on log b over [b_min(t), 10¹²·b_min(t)], b_min by bisection on the
    /// delivered bits. Only the contract formulas (`EnergyModel`), none of the oracle's closed forms.
    static func bruteForceUnpriced(_ task: ClientTask, lambda: Double) -> (value: Double, t: Double, b: Double, capped: Bool) {
        let t0 = task.shannonEnergyJ / task.maxTxPowerW
        let w = task.windowS
        func lagrangian(t: Double, b: Double) -> Double {
            let f = task.flops / (w - t)
            return EnergyModel.computeEnergy(flops: task.flops, rate: f, energyPerFlop: task.energyPerFlopJ,
                                             dvfsCoefficient: task.dvfsCoefficient)
                + EnergyModel.requiredTxEnergy(bits: task.imageBits, bandwidthHz: b, txTimeS: t,
                                               gain: task.channelGain, noisePsd: task.noisePsdWPerHz)
                + lambda * b
        }
        func bestBand(_ t: Double) -> (b: Double, value: Double, bMin: Double) {
            let bMin = F.bruteMinimumBandwidth(task, t: t)
            guard bMin.isFinite else { return (.infinity, .infinity, bMin) }
            let g = F.golden(log(bMin), log(bMin) + log(1e12), iterations: 160) { lagrangian(t: t, b: exp($0)) }
            let atMin = lagrangian(t: t, b: bMin)
            return atMin <= g.value ? (bMin, atMin, bMin) : (exp(g.x), g.value, bMin)
        }
        let lo = log(1e-9 * (w - t0)), hi = log((w - t0) * (1 - 1e-9))
        var bestU = lo, bestV = Double.infinity
        let n = 200
        for k in 0...n {
            let u = lo + (hi - lo) * Double(k) / Double(n)
            let v = bestBand(t0 + exp(u)).value
            if v < bestV { bestV = v; bestU = u }
        }
        let step = (hi - lo) / Double(n)
        let g = F.golden(max(bestU - step, lo), min(bestU + step, hi), iterations: 100) { bestBand(t0 + exp($0)).value }
        let u = g.value < bestV ? g.x : bestU
        let t = t0 + exp(u)
        let band = bestBand(t)
        return (band.value, t, band.b, band.b <= band.bMin * (1 + 1e-9))
    }

    @Test(arguments: 0..<unpricedCases.count)
    func unpricedComputeAgreesWithBruteForce(_ index: Int) {
        let (name, task, lambda) = Self.unpricedCases[index]
        let r = ClientOracle.evaluate(task, computePrice: 0, bandwidthPrice: lambda)
        let brute = Self.bruteForceUnpriced(task, lambda: lambda)
        // The brute-force point is feasible, so the exact minimum can only be lower (to rounding);
        // golden section on a function flat at its minimum finds its value to ~1e-16.
        #expect(r.value <= brute.value * (1 + 1e-14), "\(name): oracle \(r.value) > brute \(brute.value)")
        #expect(r.value >= brute.value * (1 - 1e-11), "\(name): oracle \(r.value) ≪ brute \(brute.value)")
        // The argmin of a flat function is known only to ~√ε relative from values: t and b to 1e-4.
        #expect(abs(r.txTimeS - brute.t) <= 1e-4 * brute.t, "\(name): t \(r.txTimeS) vs \(brute.t)")
        #expect(abs(r.bandwidthHz - brute.b) <= 1e-4 * brute.b, "\(name): b \(r.bandwidthHz) vs \(brute.b)")
        #expect(r.powerCapActive == brute.capped, "\(name): cap \(r.powerCapActive) vs brute \(brute.capped)")
        // Contract: latency within the window after rounding, power within the cap, f·τ = C.
        #expect(r.computeTimeS + r.txTimeS <= task.windowS, "\(name)")
        #expect(r.txPowerW <= task.maxTxPowerW * (1 + 1e-14), "\(name)")
        #expect(abs(r.computeRateFlopsPerS * r.computeTimeS - task.flops) <= 1e-15 * task.flops, "\(name)")
        let power = EnergyModel.requiredTxPower(bits: task.imageBits, bandwidthHz: r.bandwidthHz, txTimeS: r.txTimeS,
                                                gain: task.channelGain, noisePsd: task.noisePsdWPerHz)
        #expect(abs(power - r.txPowerW) <= 1e-9 * power, "\(name): p \(r.txPowerW) vs \(power)")
        // Stationarity to rounding, where rounding is that of t = W − τ: with t ≪ W, τ is resolved
        // to ulp(W), i.e. t only to ulp(W)/t relative (2.6e-11 at the tiny price's t ≈ 1.7e-5 s).
        // Next to the cap's pole J' ∝ (t − t₀)⁻², so there the resolution is ulp(W)/(t − t₀).
        let tResolution = task.windowS.ulp / (r.txTimeS - (r.powerCapActive ? task.minimumTxTimeS : 0))
        #expect(r.stationarityResidual <= max(1e-13, 20 * tResolution), "\(name): residual \(r.stationarityResidual)")
        #expect(r.iterations <= 12, "\(name): \(r.iterations) split iterations")
    }

    /// λ = 0 with μ = 0: the band is free, the infimum is E_c(τ_max) + a (b → ∞, t → t₀): it lies
    /// below any feasible point (checked at t just above t₀ with a huge band) and is the limit of
    /// small λ.
    @Test func unpricedComputeAndFreeBand() {
        for task in [Self.scenarioClient(), Self.scenarioClient(gainDb: -125, windowS: 1.0, imageBits: 1.6e6)] {
            let free = ClientOracle.evaluate(task, computePrice: 0, bandwidthPrice: 0)
            #expect(free.bandwidthHz == .infinity && free.value.isFinite && free.isFeasible)
            let t0 = task.minimumTxTimeS
            let t = t0 * (1 + 1e-6), b = 1e18
            let nearby = EnergyModel.computeEnergy(flops: task.flops, rate: task.flops / (task.windowS - t),
                                                   energyPerFlop: task.energyPerFlopJ, dvfsCoefficient: task.dvfsCoefficient)
                + EnergyModel.requiredTxEnergy(bits: task.imageBits, bandwidthHz: b, txTimeS: t,
                                               gain: task.channelGain, noisePsd: task.noisePsdWPerHz)
            #expect(free.value <= nearby * (1 + 1e-15) && nearby - free.value <= 1e-6 * free.value,
                    "infimum \(free.value) vs feasible \(nearby)")
            let almostFree = ClientOracle.evaluate(task, computePrice: 0, bandwidthPrice: 1e-30)
            #expect(almostFree.value >= free.value * (1 - 1e-15))
            #expect(almostFree.value - free.value <= 1e-6 * free.value)
        }
    }

    /// The split search is short from any start at μ = 0 — cold, and after the band price moved
    /// 100× either way (the price search's largest step) — across channels from very good to
    /// power-capped and prices over twelve decades, and every start gives the same answer.
    /// On these 702 calls the search takes 5.5 steps on average and 17 at worst (a power-capped
    /// client whose root sits just past the switch to the capped branch at a tiny λ); Newton on J'
    /// in τ, the previous method, took 32.6 on average and 180 at worst.
    @Test func unpricedSplitSearchIsShortFromAnyStart() {
        var total = 0, calls = 0, worst = 0
        for gainDb in stride(from: -75.0, through: -125, by: -10) {
            for windowS in [0.6, 2.33, 3.9] {
                let task = Self.scenarioClient(gainDb: gainDb, windowS: windowS, imageBits: 1.6e6)
                guard task.minimumTxTimeS < windowS / 2 else { continue }
                for e in stride(from: -16.0, through: -4, by: 1) {
                    let lambda = pow(10, e)
                    let cold = ClientOracle.evaluate(task, computePrice: 0, bandwidthPrice: lambda)
                    var responses = [cold]
                    for factor in [100.0, 0.01] {
                        let seed = ClientOracle.evaluate(task, computePrice: 0, bandwidthPrice: lambda * factor)
                        responses.append(ClientOracle.evaluate(task, computePrice: 0, bandwidthPrice: lambda, warmStart: seed))
                    }
                    for r in responses {
                        total += r.iterations; calls += 1; worst = max(worst, r.iterations)
                        #expect(abs(r.computeTimeS - cold.computeTimeS) <= 8 * cold.computeTimeS.ulp,
                                "g \(gainDb) dB, W \(windowS), λ \(lambda): τ \(r.computeTimeS) vs \(cold.computeTimeS)")
                        #expect(abs(r.value - cold.value) <= 1e-14 * cold.value)
                    }
                }
            }
        }
        #expect(calls > 100)
        #expect(worst <= 20, "worst \(worst) split iterations")
        #expect(Double(total) / Double(calls) <= 7, "mean \(Double(total) / Double(calls)) split iterations")
    }

    /// A capped split search (`maxIterations`, including the τ-Newton fallback's share) still
    /// returns a checked point: inside the window, finite, and no better than the optimum.
    @Test func cappedSplitSearchReturnsAFeasiblePoint() {
        let task = Self.scenarioClient(gainDb: -125, windowS: 1.0, imageBits: 1.6e6)
        let optimum = ClientOracle.evaluate(task, computePrice: 0, bandwidthPrice: 1e-15)
        for cap in 1...12 {
            let r = ClientOracle.evaluate(task, computePrice: 0, bandwidthPrice: 1e-15, maxIterations: cap)
            #expect(r.iterations <= cap + 1)
            #expect(r.value.isFinite && r.value >= optimum.value * (1 - 1e-15), "cap \(cap)")
            #expect(r.computeTimeS > 0 && r.txTimeS > task.minimumTxTimeS
                    && r.computeTimeS + r.txTimeS <= task.windowS, "cap \(cap)")
        }
    }
}
