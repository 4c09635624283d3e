import FlexGenModel

/// A 2-client problem whose every figure is computed by hand (numbers chosen so that the SNRs
/// are 3 and 7, i.e. log2(1 + SNR) = 2 and 3 exactly):
///
/// client a: g = 1e-10 (linear), N0 = 1e-20, b = 1e6 ⇒ N0 b = 1e-14; p = 3e-4 ⇒ p g = 3e-14, SNR 3.
///   delivered = t b log2 4 = 0.1 · 1e6 · 2 = 2e5 bits ≥ D = 1.5e5.
///   config (1, 10): C = 1e13, f = 1e13 ⇒ τ = 1 s; κ f² = 1e-39 · 1e26 = 1e-13;
///   E^c = 1e13 · (1e-12 + 1e-13) = 11 J; E^t = 3e-4 · 0.1 = 3e-5 J; latency 0.05 + 1 + 0.1 = 1.15 s.
/// client b: g = −90 dB = 1e-9, b = 2e6 ⇒ N0 b = 2e-14; p = 1.4e-4 ⇒ p g = 1.4e-13, SNR 7.
///   delivered = 0.2 · 2e6 · 3 = 1.2e6 bits ≥ D = 1e6.
///   config (0.5, 20): C = 4e12, f = 2e12 ⇒ τ = 2 s; κ f² = 4e-15; E^c = 4e12 · 1.004e-12 = 4.016 J;
///   E^t = 1.4e-4 · 0.2 = 2.8e-5 J; latency 0.1 + 2 + 0.2 = 2.3 s.
/// totals: E = 15.016058 J, Σ f = 1.2e13 ≤ 2e13, Σ b = 3e6 ≤ 4e6; mean FID (15 + 20)/2 = 17.5 ≤ 18.
enum HandFixture {
    static let server = Server(bandwidthHz: 4e6, noisePsdWPerHz: 1e-20, maxTxPowerW: 1,
                               computeRateFlopsPerS: 2e13, energyPerFlopJ: 1e-12, dvfsCoefficient: 1e-39)
    static let profile = Profile(name: "hand", metric: .fid, configs: [
        Configuration(width: 1, steps: 10, flops: 1e13, quality: 15),
        Configuration(width: 0.5, steps: 20, flops: 4e12, quality: 20),
        Configuration(width: 0.25, steps: 10, flops: 2e12, quality: 30),
    ])
    static let clientA = Client(id: "a", deadlineS: 2, uplinkDelayS: 0.05, channelGain: .linear(1e-10),
                                imageBits: 1.5e5, qualityRequirement: 16)
    static let clientB = Client(id: "b", deadlineS: 3, uplinkDelayS: 0.1, channelGain: .decibels(-90),
                                imageBits: 1e6, qualityRequirement: 30)

    static var twoClients: Problem {
        Problem(name: "hand-2", server: server, profile: profile, clients: [clientA, clientB],
                serviceTargets: [ServiceTarget(clients: nil, meanQualityTarget: 18)])
    }
    static var oneClient: Problem {
        Problem(name: "hand-1", server: server, profile: profile, clients: [clientA])
    }

    static let decisionA = ClientDecision(id: "a", width: 1, steps: 10, flops: 1e13, quality: 15,
                                          computeRateFlopsPerS: 1e13, bandwidthHz: 1e6, txPowerW: 3e-4, txTimeS: 0.1,
                                          latencyS: 1.15, computeEnergyJ: 11, txEnergyJ: 3e-5)
    static let decisionB = ClientDecision(id: "b", width: 0.5, steps: 20, flops: 4e12, quality: 20,
                                          computeRateFlopsPerS: 2e12, bandwidthHz: 2e6, txPowerW: 1.4e-4, txTimeS: 0.2,
                                          latencyS: 2.3, computeEnergyJ: 4.016, txEnergyJ: 2.8e-5)

    static var twoClientSolution: Solution {
        Solution(problem: "hand-2", solver: "hand", status: .feasible, totalEnergyJ: 15.016058, solveTimeS: 0,
                 clients: [decisionA, decisionB])
    }
    static var oneClientSolution: Solution {
        Solution(problem: "hand-1", solver: "hand", status: .feasible, totalEnergyJ: 11.00003, solveTimeS: 0,
                 clients: [decisionA])
    }
}

/// |a − b| ≤ tol · max(|a|, |b|).
func close(_ a: Double, _ b: Double, _ tol: Double = 1e-9) -> Bool {
    abs(a - b) <= tol * max(abs(a), abs(b))
}
