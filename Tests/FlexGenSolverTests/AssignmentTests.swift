import FlexGenModel
import Testing
@testable import FlexGenSolver

/// The assignment step against brute force over every choice, on seeded random menus.
struct AssignmentTests {
    private func randomProblem(_ random: inout AssignmentTestRandom, clients: Int, configs: Int, targets: Int,
                               better: QualityMetric.Direction) -> AssignmentProblem {
        let qualities = (0..<configs).map { _ in Double(random.uniform(10, 30)) }
        var candidates: [[AssignmentProblem.Candidate]] = []
        for _ in 0..<clients {
            // Admissible subset: at least one configuration per client.
            var menu = (0..<configs).filter { _ in random.uniform(0, 1) < 0.8 }
            if menu.isEmpty { menu = [Int(random.uniform(0, Double(configs))) % configs] }
            candidates.append(menu.map { c in
                AssignmentProblem.Candidate(configuration: c, cost: random.uniform(1, 100), quality: qualities[c])
            })
        }
        var list: [AssignmentProblem.Target] = []
        for _ in 0..<targets {
            let members = (0..<clients).filter { _ in random.uniform(0, 1) < 0.7 }
            let mean = members.isEmpty ? 20 : members.map { k in candidates[k].map(\.quality).reduce(0, +) / Double(candidates[k].count) }.reduce(0, +) / Double(members.count)
            // A target around the average quality: sometimes binding, sometimes not, sometimes impossible.
            let shift = random.uniform(-4, 4)
            list.append(.init(members: members, meanQualityTarget: better == .lower ? mean - shift : mean + shift))
        }
        return AssignmentProblem(candidates: candidates, targets: list, metric: QualityMetric(name: "q", better: better))
    }

    private func bruteForce(_ problem: AssignmentProblem) -> Double? {
        var best: Double? = nil
        var choice = [Int](repeating: 0, count: problem.candidates.count)
        func visit(_ k: Int) {
            if k == choice.count {
                if problem.meetsTargets(choice) {
                    let cost = problem.cost(of: choice)
                    if best == nil || cost < best! { best = cost }
                }
                return
            }
            for c in problem.candidates[k].indices { choice[k] = c; visit(k + 1) }
        }
        visit(0)
        return best
    }

    @Test func matchesBruteForceOnRandomMenus() throws {
        var random = AssignmentTestRandom(seed: 2024)
        var binding = 0, infeasible = 0
        for trial in 0..<120 {
            let better: QualityMetric.Direction = trial % 2 == 0 ? .lower : .higher
            let problem = randomProblem(&random, clients: 2 + trial % 5, configs: 4, targets: 1 + trial % 2, better: better)
            let result = try AssignmentSolver().solve(problem)
            let exact = bruteForce(problem)
            if let exact {
                #expect(result.status == .optimal, "trial \(trial): \(problem)")
                guard result.status == .optimal else { continue }
                #expect(problem.meetsTargets(result.choice))
                #expect(abs(result.cost - exact) <= 1e-9 * exact, "trial \(trial)")
                #expect(result.relaxationBound <= exact * (1 + 1e-12))
                #expect(result.targetPrices.allSatisfy { $0 >= 0 })
                if result.targetPrices.contains(where: { $0 > 0 }) { binding += 1 }
            } else {
                #expect(result.status == .infeasible, "trial \(trial)")
                infeasible += 1
                // The best reachable quality misses some target.
                #expect(problem.targets.indices.contains { j in
                    !problem.metric.meets(result.bestReachableQuality[j], requirement: problem.targets[j].meanQualityTarget)
                })
            }
        }
        // The generator must exercise binding targets and infeasible ones, or the test proves little.
        #expect(binding > 10 && infeasible > 3)
    }

    /// Without targets every client takes its cheapest candidate, and ν is empty.
    @Test func withoutTargetsTheCheapestWins() throws {
        let menu = [AssignmentProblem.Candidate(configuration: 0, cost: 5, quality: 10),
                    AssignmentProblem.Candidate(configuration: 1, cost: 2, quality: 20)]
        let problem = AssignmentProblem(candidates: [menu, menu.reversed()], targets: [], metric: .fid)
        let result = try AssignmentSolver().solve(problem)
        #expect(result.choice == [1, 0] && result.cost == 4 && result.status == .optimal)
    }

    /// Two clients, two configurations (FID 10 costs 5 / 4, FID 20 costs 2 / 1), target mean ≤ 15:
    /// exactly one client upgrades; the cheaper upgrade is client 1's (extra 3 vs 3 → tie broken by
    /// cost: both extra 3, total 6 + … ). Worked out: choices (0,1): 5+1 = 6, (1,0): 2+4 = 6 → 6.
    /// ν equals the extra cost per unit of mean FID: 3 J / (10/2) = 0.6.
    @Test func bindingTargetPriceByHand() throws {
        let problem = AssignmentProblem(
            candidates: [
                [.init(configuration: 0, cost: 5, quality: 10), .init(configuration: 1, cost: 2, quality: 20)],
                [.init(configuration: 0, cost: 4, quality: 10), .init(configuration: 1, cost: 1, quality: 20)],
            ],
            targets: [.init(members: [0, 1], meanQualityTarget: 15)], metric: .fid)
        let result = try AssignmentSolver().solve(problem)
        #expect(result.cost == 6)
        #expect(abs(result.targetPrices[0] - 0.6) < 1e-9)
        #expect(abs(result.relaxationBound - 6) < 1e-9)
    }

    /// Mid-size knapsacks (too big for brute force), solved twice: by the DP path and by GLPK's
    /// branch-and-bound alone (DP disabled, given time to prove its optimum). Two independent exact
    /// methods must agree on the optimal cost, and the DP's choice must meet the targets.
    @Test func dynamicProgramAgreesWithGLPKOnMidSizeKnapsacks() throws {
        var random = AssignmentTestRandom(seed: 4242)
        var compared = 0, withIntegralityGap = 0
        for trial in 0..<12 {
            let better: QualityMetric.Direction = trial % 2 == 0 ? .lower : .higher
            let problem = randomProblem(&random, clients: 14 + trial % 6, configs: 5, targets: 1 + trial % 2,
                                        better: better)
            var exact = AssignmentSettings()
            exact.relativeGap = 1e-12
            var glpkOnly = exact
            glpkOnly.dynamicProgramStateLimit = 0
            glpkOnly.integerTimeLimitS = 30
            let viaDP = try AssignmentSolver(settings: exact).solve(problem)
            let viaGLPK = try AssignmentSolver(settings: glpkOnly).solve(problem)
            #expect(viaDP.status == viaGLPK.status || viaGLPK.status == .feasible, "trial \(trial)")
            guard viaDP.status == .optimal, viaGLPK.status == .optimal else { continue }
            compared += 1
            // An integrality gap means the exact search (not the LP rounding) decided the answer.
            if viaDP.cost > viaDP.relaxationBound + 1e-9 * abs(viaDP.cost) { withIntegralityGap += 1 }
            #expect(problem.meetsTargets(viaDP.choice), "trial \(trial)")
            #expect(abs(viaDP.cost - viaGLPK.cost) <= 1e-9 * max(abs(viaGLPK.cost), 1), "trial \(trial)")
            #expect(viaDP.integerBound <= viaGLPK.cost + 1e-9 * max(abs(viaGLPK.cost), 1))
        }
        #expect(compared >= 6)
        #expect(withIntegralityGap >= 3, "\(withIntegralityGap) of \(compared)")
    }

    @Test func invalidInputThrows() {
        let problem = AssignmentProblem(candidates: [[]], targets: [], metric: .fid)
        #expect(throws: AssignmentError.self) { try AssignmentSolver().solve(problem) }
        let nanCost = AssignmentProblem(candidates: [[.init(configuration: 0, cost: .nan, quality: 1)]], targets: [], metric: .fid)
        #expect(throws: AssignmentError.self) { try AssignmentSolver().solve(nanCost) }
    }
}

struct AssignmentTestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
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
