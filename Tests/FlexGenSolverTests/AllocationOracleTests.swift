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
}
