import FlexGenModel
import FlexGenScenarios
import Foundation
import Testing
@testable import FlexGenSolver

/// Seeded tiny instances: a few clients, a small menu, budgets that bind, targets that sometimes bind.
enum TinyInstances {
    static let menu: [Configuration] = [
        Configuration(width: 0.25, steps: 10, flops: 5.165e12, quality: 35.7),
        Configuration(width: 0.5, steps: 10, flops: 8.0e12, quality: 23.0),
        Configuration(width: 0.5, steps: 20, flops: 1.346e13, quality: 20.6),
        Configuration(width: 0.75, steps: 15, flops: 1.78e13, quality: 17.1),
        Configuration(width: 1, steps: 10, flops: 1.934e13, quality: 16.6),
        Configuration(width: 1, steps: 20, flops: 3.614e13, quality: 14.3),
    ]

    static func make(seed: UInt64, clients: Int, targets: Bool, higherIsBetter: Bool = false) -> Problem {
        var random = AssignmentTestRandom(seed: seed)
        let configs = menu.filter { _ in random.uniform(0, 1) < 0.7 }
        let chosen = configs.count >= 2 ? configs : Array(menu.prefix(3))
        let metric = higherIsBetter ? QualityMetric(name: "score", better: .higher) : QualityMetric.fid
        let profile = Profile(name: "tiny", metric: metric,
                              configs: chosen.map { c in
                                  var c = c
                                  if higherIsBetter { c.quality = 100 - c.quality }
                                  return c
                              })
        let server = Server(bandwidthHz: random.uniform(2e6, 2e7), noisePsdWPerHz: 3.98e-21, maxTxPowerW: 1,
                            computeRateFlopsPerS: random.uniform(2e13, 6e13) * Double(clients),
                            energyPerFlopJ: 1.5e-12, dvfsCoefficient: 1.5e-40)
        let people = (0..<clients).map { k in
            Client(id: "c\(k)", deadlineS: random.uniform(2.5, 6), uplinkDelayS: random.uniform(0, 0.2),
                   channelGain: .decibels(random.uniform(-110, -85)), imageBits: random.uniform(2e5, 1.6e6),
                   qualityRequirement: random.uniform(0, 1) < 0.3 ? (higherIsBetter ? 60 : 40) : nil)
        }
        var serviceTargets: [ServiceTarget] = []
        if targets {
            let qualities = profile.configs.map(\.quality)
            let best = higherIsBetter ? qualities.max()! : qualities.min()!
            let worst = higherIsBetter ? qualities.min()! : qualities.max()!
            let target = best + (worst - best) * random.uniform(0.1, 0.6)
            serviceTargets.append(ServiceTarget(clients: nil, meanQualityTarget: target))
            if clients >= 3, random.uniform(0, 1) < 0.5 {
                serviceTargets.append(ServiceTarget(clients: ["c0", "c1"], meanQualityTarget: best + (worst - best) * 0.3))
            }
        }
        return Problem(name: "tiny-\(seed)", server: server, profile: profile, clients: people, serviceTargets: serviceTargets)
    }
}

struct DecompositionTests {
    /// The driver against the exact oracle on 60 random tiny instances, with and without targets,
    /// both metric directions: same feasibility verdict, same optimal energy within 1e-6.
    @Test func driverMatchesExhaustive() throws {
        var settings = SolverSettings()
        settings.decomposition.gapTolerance = 1e-9
        var compared = 0, withBindingTarget = 0
        for seed in UInt64(1)...60 {
            let problem = TinyInstances.make(seed: seed, clients: 1 + Int(seed % 4), targets: seed % 3 != 0,
                                             higherIsBetter: seed % 5 == 0)
            let exact = try FlexGenSolver(.exhaustive, settings: settings).solve(problem)
            let driver = try FlexGenSolver(.flexgen, settings: settings).solve(problem)
            #expect(exact.status.certifiesSolution == driver.status.certifiesSolution, "seed \(seed): \(exact.status) vs \(driver.status)")
            guard let e = exact.totalEnergyJ, let d = driver.totalEnergyJ else { continue }
            compared += 1
            #expect(abs(d - e) <= 1e-6 * e, "seed \(seed): driver \(d) J, exhaustive \(e) J")
            #expect(driver.status == .optimal, "seed \(seed)")
            // The certified bound never exceeds the true optimum.
            #expect(try #require(driver.lowerBoundJ) <= e * (1 + 1e-9), "seed \(seed)")
            if let nu = driver.prices?.serviceTargets, nu.contains(where: { $0 > 0 }) { withBindingTarget += 1 }
        }
        #expect(compared >= 45)
        #expect(withBindingTarget >= 10, "the generator must make targets bind")
    }

    /// Every bound the driver reports along the way is below every feasible energy it found.
    /// Issue 4's certification target on generated instances in the hard range (20–50 clients,
    /// where the integrality gap of the knapsack is ~1e-3 of the energy). The 50-client seed 6
    /// failed with gap 1.66e-3 before the knapsack was solved exactly. Independent checks: every
    /// solution passes `Evaluation`, and the certified bound sits below the energy of every
    /// baseline's feasible solution (each is a different assignment).
    @Test(arguments: [(20, UInt64(3)), (30, UInt64(7)), (50, UInt64(6)), (50, UInt64(4))])
    func generatedServiceTargetInstancesAreCertified(clients: Int, seed: UInt64) throws {
        let settings = ScenarioSettings.preset("service-target")!.scaled(toClients: clients)
        let problem = ScenarioGenerator.generate(settings: settings, profile: ProfileLaw.sdLike512Profile, seed: seed)
        let solution = try FlexGenSolver(.flexgen).solve(problem)
        #expect(solution.status == .optimal)
        let gap = try #require(solution.gap)
        #expect(gap <= 1e-3)
        #expect(Evaluation(problem: problem, solution: solution).isFeasible)
        let bound = try #require(solution.lowerBoundJ)
        for variant in [SolverVariant.greedy, .stepsOnly, .widthOnly] {
            let other = try FlexGenSolver(variant).solve(problem)
            if let energy = other.totalEnergyJ, other.status.certifiesSolution {
                #expect(bound <= energy * (1 + 1e-12), "\(variant)")
            }
        }
    }

    @Test func lowerBoundNeverExceedsAFeasibleEnergy() throws {
        for seed in UInt64(100)..<115 {
            let problem = TinyInstances.make(seed: seed, clients: 4, targets: true)
            let result = try DecompositionSolver(settings: DecompositionSettings(gapTolerance: 1e-9)).solve(problem)
            guard let energy = result.energyJ else { continue }
            for iteration in result.iterations {
                #expect(iteration.lowerBoundJ <= energy * (1 + 1e-9))
                if let e = iteration.energyJ { #expect(iteration.lowerBoundJ <= e * (1 + 1e-9) || iteration.lowerBoundJ <= energy) }
            }
            #expect(try #require(result.lowerBoundJ) <= energy)
        }
    }

    /// A target every assignment meets leaves ν = 0 and reproduces the per-client result
    /// (least-work admissible configurations + the allocation).
    @Test func nonBindingTargetHasZeroPrice() throws {
        var problem = TinyInstances.make(seed: 7, clients: 4, targets: false)
        let worst = problem.profile.configs.map(\.quality).max()!
        problem.serviceTargets = [ServiceTarget(meanQualityTarget: worst + 1)]
        let withTarget = try DecompositionSolver().solve(problem)
        problem.serviceTargets = []
        let without = try DecompositionSolver().solve(problem)
        #expect(withTarget.status == .optimal && without.status == .optimal)
        #expect(withTarget.targetPrices == [0])
        #expect(withTarget.configurations == without.configurations)
        let a = try #require(withTarget.energyJ), b = try #require(without.energyJ)
        #expect(abs(a - b) <= 1e-12 * b)
        // …and the per-client path of the facade (cheapest admissible configuration + allocation).
        let perClient = try #require(try FlexGenSolver().solve(problem).totalEnergyJ)
        #expect(abs(a - perClient) <= 1e-9 * perClient)
        // Without targets the least-work admissible configuration of each client is chosen.
        let configs = problem.profile.configs
        for (k, c) in without.configurations.enumerated() {
            let client = problem.clients[k]
            let admissible = configs.indices.filter { i in
                client.qualityRequirement.map { configs[i].quality <= $0 } ?? true
            }
            #expect(configs[c].flops == admissible.map { configs[$0].flops }.min())
        }
    }

    /// A target beyond the best configurations is diagnosed with its index and the best reachable mean.
    @Test func unreachableTargetIsDiagnosed() throws {
        var problem = TinyInstances.make(seed: 3, clients: 3, targets: false)
        let best = problem.profile.configs.map(\.quality).min()!
        problem.serviceTargets = [ServiceTarget(meanQualityTarget: 100), ServiceTarget(meanQualityTarget: best - 1)]
        let result = try DecompositionSolver().solve(problem)
        #expect(result.status == .infeasible)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.constraint == "service" && diagnostic.serviceTarget == 1)
        let reachable = try #require(diagnostic.bestReachableQuality)
        #expect(reachable > best - 1 && reachable >= best)
    }

    /// Budgets too small for any assignment meeting the target: infeasible, naming the budget(s)
    /// that must grow (and by how much when growing one alone suffices).
    @Test func budgetsThatCarryNoAssignmentAreDiagnosed() throws {
        var problem = TinyInstances.make(seed: 11, clients: 4, targets: true)
        problem.server.computeRateFlopsPerS = 2e12 * 4
        let result = try FlexGenSolver(.flexgen).solve(problem)
        #expect(result.status == .infeasible)
        let diagnostics = try #require(result.diagnostics)
        #expect(!diagnostics.isEmpty)
        #expect(diagnostics.allSatisfy { ["compute", "bandwidth"].contains($0.constraint) }, "\(diagnostics)")
        #expect(diagnostics.allSatisfy { $0.requiredScale.map { $0 > 1 } ?? true })
    }
}
