import FlexGenGLPK
import Testing
@testable import FlexGenSolver

/// The assignment LP by column generation against a hand-solved fractional knapsack and against
/// the whole LP handed to GLPK at once (the solver's method before column generation).
struct HullStepProgramTests {
    /// Two clients, one row. Steps by price: A's first (1 per unit), B's (2), A's second (3). The
    /// row asks for 2.5 units of badness removed: take the first two whole and half of the third,
    /// cost 1 + 2 + 0.5·3 = 4.5; the row's price is the last step's, 3 (GLPK's dual −3).
    @Test func fractionalKnapsackByHand() throws {
        var program = HullStepProgram(rowUpper: [-2.5])
        program.appendStep(cost: 1, badness: -1)
        program.appendStep(cost: 3, badness: -1)
        program.closeGroup(rows: [0], coefficients: [1])
        program.appendStep(cost: 2, badness: -1)
        program.closeGroup(rows: [0], coefficients: [1])
        for solution in [try program.solveByColumnGeneration(), try program.solveWhole()] {
            #expect(solution.outcome == .optimal)
            #expect(abs(solution.objective - 4.5) <= 1e-12)
            #expect(abs(solution.rowDuals[0] + 3) <= 1e-12)
            #expect(solution.values.count == 3)
            for (value, expected) in zip(solution.values, [1, 0.5, 1]) { #expect(abs(value - expected) <= 1e-12) }
        }
        // 3 units at most can be removed: asking for 10 is infeasible either way.
        program.rowUpper = [-10]
        #expect(try program.solveByColumnGeneration().outcome == .infeasible)
        #expect(try program.solveWhole().outcome == .infeasible)
    }

    /// Random convex groups (prices increasing along each group), one to three overlapping rows,
    /// some slack, some binding: column generation reaches the whole LP's optimum, with a point
    /// that is feasible for the whole LP.
    @Test func agreesWithTheWholeLP() throws {
        var random = AssignmentTestRandom(seed: 77)
        var binding = 0
        for trial in 0..<40 {
            let groups = 20 + trial * 15
            let rows = 1 + trial % 3
            let program = randomProgram(&random, groups: groups, rows: rows, tightness: random.uniform(0.05, 0.95))
            let whole = try program.solveWhole()
            let generated = try program.solveByColumnGeneration()
            #expect(generated.outcome == whole.outcome, "trial \(trial)")
            guard whole.outcome == .optimal, generated.outcome == .optimal else { continue }
            if whole.rowDuals.contains(where: { $0 < -1e-9 }) { binding += 1 }
            #expect(abs(generated.objective - whole.objective) <= 1e-9 * max(abs(whole.objective), 1), "trial \(trial)")
            // The point: within the bounds, every row met (GLPK's feasibility tolerance), its cost the objective.
            var usage = [Double](repeating: 0, count: rows)
            var cost = 0.0
            for g in 0..<program.groupCount {
                for n in program.stepStart[g]..<program.stepStart[g + 1] {
                    let y = generated.values[n]
                    #expect(y >= -1e-9 && y <= 1 + 1e-9)
                    cost += program.cost[n] * y
                    for e in program.rowStart[g]..<program.rowStart[g + 1] {
                        usage[program.rowOf[e]] += program.coefficientOf[e] * program.badness[n] * y
                    }
                }
            }
            #expect(abs(cost - generated.objective) <= 1e-9 * max(abs(cost), 1))
            for j in 0..<rows where program.rowUpper[j] < .infinity {
                #expect(usage[j] <= program.rowUpper[j] + 1e-7 * max(abs(program.rowUpper[j]), 1), "trial \(trial) row \(j)")
            }
        }
        #expect(binding >= 20, "\(binding) of 40 trials have a binding row")
    }

    /// One target over many clients (the solver's usual case): the masters hold a small part of the
    /// steps, since the first prices are close and most steps are fixed at 0 or 1.
    @Test func mastersStaySmallWithOneTarget() throws {
        var random = AssignmentTestRandom(seed: 5)
        let program = randomProgram(&random, groups: 5_000, rows: 1, tightness: 0.5)
        let generated = try program.solveByColumnGeneration()
        let whole = try program.solveWhole()
        #expect(generated.outcome == .optimal)
        #expect(abs(generated.objective - whole.objective) <= 1e-9 * abs(whole.objective))
        #expect(generated.largestMasterColumns * 10 < program.stepCount,
                "\(generated.largestMasterColumns) of \(program.stepCount) steps in the largest master")
        #expect(generated.masterSolves <= 3, "\(generated.masterSolves) master solves")
    }

    /// The assignment step with and without column generation, on random menus of a few thousand
    /// clients (the exact search switched off, so that only the LP and its rounding run): the same
    /// LP bound (to 1e-9), and a rounded choice that meets the targets either way.
    @Test func assignmentBoundIsTheSameEitherWay() throws {
        var random = AssignmentTestRandom(seed: 31)
        var compared = 0
        for trial in 0..<8 {
            // Above `HullStepProgram.wholeStepLimit` steps, so that column generation runs: costs on a
            // convex curve of the quality (lower FID is dearer) put most of the 12 options on the hull.
            let clients = 1_500 + 100 * trial
            let qualities = (0..<12).map { _ in random.uniform(10, 30) }
            var candidates: [[AssignmentProblem.Candidate]] = []
            for _ in 0..<clients {
                let scale = random.uniform(1, 10)
                candidates.append(qualities.indices.map { c in
                    let cost = scale * (40 - qualities[c]) * (40 - qualities[c]) / 10 * random.uniform(0.999, 1.001)
                    return .init(configuration: c, cost: cost, quality: qualities[c])
                })
            }
            let everyone = Array(0..<clients)
            let firstHalf = Array(0..<(clients / 2 + clients / 5))
            let targets: [AssignmentProblem.Target] = trial % 2 == 0
                ? [.init(members: everyone, meanQualityTarget: random.uniform(14, 24))]
                : [.init(members: everyone, meanQualityTarget: random.uniform(16, 24)),
                   .init(members: firstHalf, meanQualityTarget: random.uniform(14, 22))]
            let problem = AssignmentProblem(candidates: candidates, targets: targets, metric: .fid)
            var generated = AssignmentSettings()
            generated.branchAndBound = false
            var whole = generated
            whole.columnGeneration = false
            let a = try AssignmentSolver(settings: generated).solve(problem)
            let b = try AssignmentSolver(settings: whole).solve(problem)
            #expect((a.status == .infeasible) == (b.status == .infeasible), "trial \(trial)")
            guard a.status != .infeasible, b.status != .infeasible else { continue }
            compared += 1
            #expect(abs(a.relaxationBound - b.relaxationBound) <= 1e-9 * abs(b.relaxationBound), "trial \(trial)")
            #expect(problem.meetsTargets(a.choice), "trial \(trial)")
            #expect(a.cost >= a.relaxationBound - 1e-9 * abs(a.cost))
        }
        #expect(compared >= 6)
    }

    /// `groups` clients with 1–7 steps each at increasing prices; each row over a random ~60 % of
    /// the clients (coefficient 1/|members|), its bound a fraction `tightness` of the way from the
    /// cheapest points (everything at 0) to the best (everything at 1), sometimes free.
    private func randomProgram(_ random: inout AssignmentTestRandom, groups: Int, rows: Int,
                               tightness: Double) -> HullStepProgram {
        var members = [[Int]](repeating: [], count: rows)
        var rowsOf = [[Int]](repeating: [], count: groups)
        for g in 0..<groups {
            for j in 0..<rows where random.uniform(0, 1) < 0.6 || (j == 0 && rowsOf[g].isEmpty) {
                members[j].append(g)
                rowsOf[g].append(j)
            }
        }
        var program = HullStepProgram(rowUpper: [Double](repeating: 0, count: rows))
        var reachable = [Double](repeating: 0, count: rows)
        for g in 0..<groups {
            let coefficients = rowsOf[g].map { 1 / Double(members[$0].count) }
            var price = random.uniform(0.01, 1)
            for _ in 0..<(1 + Int(random.uniform(0, 7))) {
                let badness = -random.uniform(0.1, 3)
                program.appendStep(cost: price * -badness, badness: badness)
                for (j, a) in zip(rowsOf[g], coefficients) { reachable[j] += a * badness }
                price *= random.uniform(1.05, 3)
            }
            program.closeGroup(rows: rowsOf[g], coefficients: coefficients)
        }
        program.rowUpper = reachable.map { tightness * $0 }
        if rows > 2 { program.rowUpper[2] = .infinity }
        return program
    }
}
