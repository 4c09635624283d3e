import Testing
@testable import FlexGenModel

@Suite struct EvaluationTests {
    @Test func oneClientMatchesHandComputation() throws {
        let e = Evaluation(problem: HandFixture.oneClient, solution: HandFixture.oneClientSolution)
        #expect(e.violations.isEmpty, "\(e.violations)")
        #expect(e.isFeasible)
        let a = try #require(e.clients.first)
        #expect(close(a.latencyS, 1.15))
        #expect(close(a.computeTimeS, 1))
        #expect(close(a.deliveredBits, 2e5))
        #expect(close(a.computeEnergyJ, 11))
        #expect(close(a.txEnergyJ, 3e-5))
        #expect(close(a.deadlineSlackS, 0.85))
        #expect(close(a.deliverySlackBits, 5e4))
        #expect(close(try #require(a.qualitySlack), 1))
        #expect(close(a.powerSlackW, 1 - 3e-4))
        #expect(close(e.totalEnergyJ, 11.00003))
        #expect(close(e.computeRateUsed, 1e13))
        #expect(close(e.bandwidthUsed, 1e6))
    }

    @Test func twoClientsMatchHandComputation() throws {
        let e = Evaluation(problem: HandFixture.twoClients, solution: HandFixture.twoClientSolution)
        #expect(e.violations.isEmpty, "\(e.violations)")
        #expect(e.clients.map(\.id) == ["a", "b"])
        let b = e.clients[1]
        #expect(close(b.latencyS, 2.3))
        #expect(close(b.deliveredBits, 1.2e6))
        #expect(close(b.computeEnergyJ, 4.016))
        #expect(close(b.txEnergyJ, 2.8e-5))
        #expect(close(e.totalEnergyJ, 15.016058))
        #expect(close(e.totalComputeEnergyJ, 15.016))
        #expect(close(e.computeRateUsed, 1.2e13))
        #expect(close(e.computeRateSlack, 8e12))
        #expect(close(e.bandwidthSlack, 1e6))
        let target = try #require(e.serviceTargets.first)
        #expect(close(target.meanQuality, 17.5))
        #expect(close(target.slack, 0.5))
    }

    /// Each mutation of the valid solution must produce its own kind of violation.
    @Test(arguments: ConstraintKind.allCases)
    func eachViolationKindIsDetected(kind: ConstraintKind) {
        var problem = HandFixture.twoClients
        var solution = HandFixture.twoClientSolution
        var a = HandFixture.decisionA, b = HandFixture.decisionB
        switch kind {
        case .latency: a.computeRateFlopsPerS = 5e12  // τ = 2 s ⇒ latency 2.15 > 2
        case .delivery: a.txPowerW = 1e-4            // SNR 1 ⇒ 1e5 bits < 1.5e5
        case .quality: a = decision(a, config: HandFixture.profile.configs[1])  // FID 20 > 16
        case .serviceTarget: b = decision(b, config: HandFixture.profile.configs[2])  // mean 22.5 > 18
        case .computeBudget: a.computeRateFlopsPerS = 1.9e13  // Σ f = 2.1e13 > 2e13
        case .bandwidthBudget: b.bandwidthHz = 3.5e6          // Σ b = 4.5e6 > 4e6
        case .power: a.txPowerW = 1.5                          // > 1 W
        case .positivity: b.txTimeS = -0.2
        case .configuration: a.width = 0.6
        case .reportedValue: a.computeEnergyJ = 12
        case .missingClient: break
        case .unknownClient: problem.serviceTargets = []
        case .admission:  // both clients admitted, but the block claims three and a bound below the priority
            solution.admission = Admission(mode: .maxServed, admittedCount: 3, admittedPriority: 2,
                                           admittedPriorityUpperBound: 1.5, rejected: [])
        }
        solution.clients = kind == .missingClient ? [a] : [a, b]
        if kind == .unknownClient {
            solution.clients.append(ClientDecision(
                id: "ghost", width: 1, steps: 10, flops: 1e13, quality: 15, computeRateFlopsPerS: 1, bandwidthHz: 1,
                txPowerW: 0, txTimeS: 1, latencyS: 1, computeEnergyJ: 1, txEnergyJ: 0))
        }
        let e = Evaluation(problem: problem, solution: solution)
        #expect(e.violatedKinds.contains(kind), "\(kind): \(e.violations)")
        #expect(!e.isFeasible)
        for v in e.violations { #expect(!v.description.lowercased().contains("nan"), "\(v)") }
    }

    @Test func toleranceIsRelative() {
        // Σ f exceeding F by half the tolerance passes, by twice the tolerance fails.
        var solution = HandFixture.oneClientSolution
        var problem = HandFixture.oneClient
        problem.server.computeRateFlopsPerS = 1e13 * (1 - 0.5e-6)
        #expect(!Evaluation(problem: problem, solution: solution).violatedKinds.contains(.computeBudget))
        problem.server.computeRateFlopsPerS = 1e13 * (1 - 2e-6)
        #expect(Evaluation(problem: problem, solution: solution).violatedKinds.contains(.computeBudget))
        solution.totalEnergyJ = 11.00003 * (1 + 2e-6)
        #expect(Evaluation(problem: HandFixture.oneClient, solution: solution).violatedKinds == [.reportedValue])
    }

    @Test func noAllocationIsNothingToCheck() {
        let solution = Solution(problem: "hand-2", solver: "x", status: .infeasible, totalEnergyJ: nil, solveTimeS: 0,
                                diagnostics: [Diagnostic(constraint: "latency", clients: ["a"], message: "too tight")],
                                clients: [])
        let e = Evaluation(problem: HandFixture.twoClients, solution: solution)
        #expect(!e.hasAllocation)
        #expect(e.passes)
        #expect(!e.isFeasible)
        #expect(e.clients.isEmpty)
        // A "feasible" status without decisions is a missing-client violation.
        var claimed = solution
        claimed.status = .feasible
        claimed.totalEnergyJ = 0
        #expect(Evaluation(problem: HandFixture.twoClients, solution: claimed).violatedKinds == [.missingClient])
    }

    @Test func zeroRateGivesNoNaNInMessages() {
        var a = HandFixture.decisionA
        a.computeRateFlopsPerS = 0
        a.bandwidthHz = 0
        var solution = HandFixture.oneClientSolution
        solution.clients = [a]
        let e = Evaluation(problem: HandFixture.oneClient, solution: solution)
        #expect(e.violatedKinds.contains(.positivity))
        #expect(e.violatedKinds.contains(.latency))
        for v in e.violations { #expect(!v.description.lowercased().contains("nan"), "\(v)") }
    }

    private func decision(_ d: ClientDecision, config: Configuration) -> ClientDecision {
        var d = d
        d.width = config.width
        d.steps = config.steps
        d.flops = config.flops
        d.quality = config.quality
        // Keep the reported figures consistent so only the intended constraint fails.
        let client = d.id == "a" ? HandFixture.clientA : HandFixture.clientB
        d.latencyS = client.uplinkDelayS + config.flops / d.computeRateFlopsPerS + d.txTimeS
        d.computeEnergyJ = config.flops * (1e-12 + 1e-39 * d.computeRateFlopsPerS * d.computeRateFlopsPerS)
        return d
    }
}

@Suite struct EnergyModelTests {
    @Test func formulasAgainstHandValues() {
        #expect(close(EnergyModel.computeEnergy(flops: 1e13, rate: 1e13, energyPerFlop: 1e-12, dvfsCoefficient: 1e-39), 11))
        #expect(close(EnergyModel.deliveredBits(bandwidthHz: 1e6, txTimeS: 0.1, txPowerW: 3e-4, gain: 1e-10, noisePsd: 1e-20), 2e5))
        #expect(close(EnergyModel.requiredTxPower(bits: 2e5, bandwidthHz: 1e6, txTimeS: 0.1, gain: 1e-10, noisePsd: 1e-20), 3e-4))
        #expect(close(EnergyModel.requiredTxEnergy(bits: 1.2e6, bandwidthHz: 2e6, txTimeS: 0.2, gain: 1e-9, noisePsd: 1e-20), 2.8e-5))
    }

    @Test func edgeCases() {
        #expect(EnergyModel.deliveredBits(bandwidthHz: 0, txTimeS: 1, txPowerW: 1, gain: 1, noisePsd: 1) == 0)
        #expect(EnergyModel.deliveredBits(bandwidthHz: 1e6, txTimeS: 1, txPowerW: 0, gain: 1, noisePsd: 1) == 0)
        #expect(EnergyModel.computeTime(flops: 1, rate: 0) == .infinity)
        #expect(EnergyModel.deliveredBits(bandwidthHz: .nan, txTimeS: 1, txPowerW: 1, gain: 1, noisePsd: 1).isNaN)
        // Low SNR keeps relative accuracy through log1p: bits ≈ t p g / (N0 ln 2).
        let bits = EnergyModel.deliveredBits(bandwidthHz: 1e6, txTimeS: 1, txPowerW: 1e-12, gain: 1, noisePsd: 1)
        #expect(close(bits, 1e-12 / 0.693_147_180_559_945_3, 1e-6))
        // Round trip: the required power delivers exactly the bits.
        let p = EnergyModel.requiredTxPower(bits: 3.3e6, bandwidthHz: 1.7e6, txTimeS: 0.3, gain: 2e-11, noisePsd: 3.98e-21)
        #expect(close(EnergyModel.deliveredBits(bandwidthHz: 1.7e6, txTimeS: 0.3, txPowerW: p, gain: 2e-11, noisePsd: 3.98e-21), 3.3e6, 1e-12))
        // Bits that do not fit: infinite power, not NaN.
        #expect(EnergyModel.requiredTxPower(bits: 1e12, bandwidthHz: 1, txTimeS: 1, gain: 1, noisePsd: 1) == .infinity)
    }
}

@Suite struct HigherIsBetterTests {
    /// With a "higher is better" metric (e.g. CLIP score) the quality checks flip direction.
    @Test func qualityDirectionFollowsTheMetric() {
        var problem = HandFixture.oneClient
        problem.profile.metric = QualityMetric(name: "CLIP", better: .higher)
        problem.clients[0].qualityRequirement = 14  // config quality 15 ≥ 14: met
        #expect(Evaluation(problem: problem, solution: HandFixture.oneClientSolution).isFeasible)
        problem.clients[0].qualityRequirement = 16  // 15 < 16: not met
        let e = Evaluation(problem: problem, solution: HandFixture.oneClientSolution)
        #expect(e.violatedKinds == [.quality])
        #expect(close(e.clients[0].qualitySlack!, -1))
        problem.clients[0].qualityRequirement = nil
        problem.serviceTargets = [ServiceTarget(clients: ["a"], meanQualityTarget: 15 * (1 + 0.5e-6))]
        #expect(Evaluation(problem: problem, solution: HandFixture.oneClientSolution).isFeasible)  // within tolerance
        problem.serviceTargets = [ServiceTarget(clients: ["a"], meanQualityTarget: 15.1)]
        #expect(Evaluation(problem: problem, solution: HandFixture.oneClientSolution).violatedKinds == [.serviceTarget])
    }
}
