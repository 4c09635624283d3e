import Foundation
import FlexGenModel
@testable import FlexGenSolver

/// Shared fixtures and an independent brute-force reference for the allocation tests.
/// The reference uses only the contract formulas (`EnergyModel`), never the oracle's closed forms.
enum AllocationFixtures {
    static func task(_ id: String = "c", flops: Double = 4.1e13, windowS: Double = 2.0, imageBits: Double = 8e5,
                     gainDb: Double = -100, noise: Double = 3.98e-21, maxPower: Double = 1.0,
                     e0: Double = 1.5e-12, kappa: Double = 1.5e-40, maxRate: Double = .infinity) -> ClientTask {
        ClientTask(id: id, flops: flops, windowS: windowS, imageBits: imageBits, channelGain: pow(10, gainDb / 10),
                   noisePsdWPerHz: noise, maxTxPowerW: maxPower, energyPerFlopJ: e0, dvfsCoefficient: kappa,
                   maxComputeRateFlopsPerS: maxRate)
    }

    /// A deterministic pseudo-random generator (SplitMix64) so failures reproduce.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func uniform(_ a: Double, _ b: Double) -> Double {
            a + (b - a) * Double(next() >> 11) / Double(1 << 53)
        }
    }

    static func randomTasks(_ count: Int, seed: UInt64, kappa: Double = 1.5e-40, flopsScale: Double = 1) -> [ClientTask] {
        var rng = Random(state: seed)
        return (0..<count).map { i in
            task("c\(i)", flops: flopsScale * rng.uniform(1e12, 8e12), windowS: rng.uniform(1.5, 6),
                 imageBits: rng.uniform(4e5, 1.2e6), gainDb: rng.uniform(-115, -90), kappa: kappa)
        }
    }

    /// The least band delivering D in t at P_max, by bisection on the delivered bits (contract formula).
    static func bruteMinimumBandwidth(_ task: ClientTask, t: Double) -> Double {
        func bits(_ b: Double) -> Double {
            EnergyModel.deliveredBits(bandwidthHz: b, txTimeS: t, txPowerW: task.maxTxPowerW,
                                      gain: task.channelGain, noisePsd: task.noisePsdWPerHz)
        }
        var lo = 1e-3, hi = 1.0
        while bits(hi) < task.imageBits { hi *= 2; if hi > 1e30 { return .infinity } }
        for _ in 0..<200 { let mid = (lo * hi).squareRoot(); if bits(mid) < task.imageBits { lo = mid } else { hi = mid } }
        return hi
    }

    /// Lagrangian term at (τ, b): compute energy + μf + transmit energy + λb (contract formulas).
    static func lagrangian(_ task: ClientTask, tau: Double, b: Double, mu: Double, lambda: Double) -> Double {
        let f = task.flops / tau
        let t = task.windowS - tau
        return EnergyModel.computeEnergy(flops: task.flops, rate: f, energyPerFlop: task.energyPerFlopJ,
                                         dvfsCoefficient: task.dvfsCoefficient)
            + mu * f
            + EnergyModel.requiredTxEnergy(bits: task.imageBits, bandwidthHz: b, txTimeS: t,
                                           gain: task.channelGain, noisePsd: task.noisePsdWPerHz)
            + lambda * b
    }

    /// Golden-section minimum of a unimodal function on [a, b].
    static func golden(_ a0: Double, _ b0: Double, iterations: Int = 120, _ f: (Double) -> Double) -> (x: Double, value: Double) {
        let r = (5.0.squareRoot() - 1) / 2
        var a = a0, b = b0
        var x1 = b - r * (b - a), x2 = a + r * (b - a)
        var f1 = f(x1), f2 = f(x2)
        for _ in 0..<iterations {
            if f1 < f2 { b = x2; x2 = x1; f2 = f1; x1 = b - r * (b - a); f1 = f(x1) }
            else { a = x1; x1 = x2; f1 = f2; x2 = a + r * (b - a); f2 = f(x2) }
        }
        return f1 < f2 ? (x1, f1) : (x2, f2)
    }

    /// Brute force: a fine grid over (τ, log b) with b ≥ b_min(t), then nested golden-section
    /// refinement around the best grid cell. Returns (value, τ, b). `tauMin` > 0: only compute
    /// times τ ≥ tauMin (a per-job rate cap f ≤ C/tauMin), the grid then starting at tauMin itself.
    static func bruteForce(_ task: ClientTask, mu: Double, lambda: Double,
                           tauMin: Double = 0) -> (value: Double, tau: Double, b: Double) {
        let t0 = task.shannonEnergyJ / task.maxTxPowerW
        let tauMax = task.windowS - t0
        func bestBand(_ tau: Double) -> (b: Double, value: Double) {
            let t = task.windowS - tau
            let bMin = bruteMinimumBandwidth(task, t: t)
            guard bMin.isFinite else { return (.infinity, .infinity) }
            // log-b grid from b_min up 1e6×, then golden on the best cell.
            var bestK = 0, bestV = Double.infinity
            let n = 300
            for k in 0...n {
                let b = bMin * pow(1e6, Double(k) / Double(n))
                let v = lagrangian(task, tau: tau, b: b, mu: mu, lambda: lambda)
                if v < bestV { bestV = v; bestK = k }
            }
            let lo = log(bMin) + log(1e6) * Double(max(bestK - 1, 0)) / Double(n)
            let hi = log(bMin) + log(1e6) * Double(min(bestK + 1, n)) / Double(n)
            let g = golden(lo, hi) { lagrangian(task, tau: tau, b: exp($0), mu: mu, lambda: lambda) }
            return g.value < bestV ? (exp(g.x), g.value) : (bMin * pow(1e6, Double(bestK) / Double(n)), bestV)
        }
        var bestTau = 0.0, bestV = Double.infinity
        let n = 400
        let width = tauMax - tauMin
        for k in (tauMin > 0 ? 0 : 1)..<n {
            let tau = tauMin + width * Double(k) / Double(n)
            let v = bestBand(tau).value
            if v < bestV { bestV = v; bestTau = tau }
        }
        let g = golden(max(bestTau - width / Double(n), tauMin > 0 ? tauMin : 1e-9 * tauMax),
                       min(bestTau + width / Double(n), tauMax * (1 - 1e-12)),
                       iterations: 80) { bestBand($0).value }
        let tau = g.value < bestV ? g.x : bestTau
        let band = bestBand(tau)
        return (band.value, tau, band.b)
    }
}
