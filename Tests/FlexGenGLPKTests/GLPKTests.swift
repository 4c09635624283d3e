import Testing
@testable import FlexGenGLPK

/// Small LPs and MILPs whose optima are worked out by hand (in the comments), plus brute force.
struct GLPKLinearProgramTests {
    /// max 3x + 2y s.t. x + y ≤ 4, x + 3y ≤ 7, x ≤ 3 (as a row), x, y ≥ 0.
    /// Vertex (3, 1): 11. Duals: rows 1 and 3 bind; 3 = y1 + y3, 2 = y1 → y1 = 2, y3 = 1, y2 = 0.
    @Test(arguments: [GLPKSettings.LPMethod.primalSimplex, .dualSimplex, .interiorPoint])
    func maximisationWithDuals(method: GLPKSettings.LPMethod) throws {
        var m = LinearModel(sense: .maximize)
        let x = m.addVariable(cost: 3), y = m.addVariable(cost: 2)
        m.addRow([(x, 1), (y, 1)], upper: 4)
        m.addRow([(x, 1), (y, 3)], upper: 7)
        m.addRow([(x, 1)], upper: 3)
        var settings = GLPKSettings()
        settings.lpMethod = method
        let s = try GLPK.solve(m, settings: settings)
        #expect(s.outcome == .optimal)
        let tol = method == .interiorPoint ? 1e-6 : 1e-9
        #expect(abs(try #require(s.objective) - 11) < tol)
        #expect(abs(s.values[0] - 3) < tol && abs(s.values[1] - 1) < tol)
        #expect(abs(s.rowDuals[0] - 2) < tol && abs(s.rowDuals[1]) < tol && abs(s.rowDuals[2] - 1) < tol)
    }

    /// min x + y s.t. x + 2y ≥ 4, 3x + y ≥ 6: vertex (8/5, 6/5), value 14/5;
    /// duals from y1 + 3y2 = 1, 2y1 + y2 = 1: (2/5, 1/5). Objective constant 1 is added.
    @Test func minimisationWithLowerRows() throws {
        var m = LinearModel()
        m.objectiveConstant = 1
        let x = m.addVariable(cost: 1), y = m.addVariable(cost: 1)
        m.addRow([(x, 1), (y, 2)], lower: 4)
        m.addRow([(x, 3), (y, 1)], lower: 6)
        let s = try GLPK.solve(m)
        #expect(s.outcome == .optimal)
        #expect(abs(try #require(s.objective) - (1 + 14.0 / 5)) < 1e-12)
        #expect(abs(s.values[0] - 1.6) < 1e-12 && abs(s.values[1] - 1.2) < 1e-12)
        #expect(abs(s.rowDuals[0] - 0.4) < 1e-12 && abs(s.rowDuals[1] - 0.2) < 1e-12)
    }

    @Test(arguments: [GLPKSettings.LPMethod.primalSimplex, .dualSimplex, .interiorPoint])
    func infeasibleLP(method: GLPKSettings.LPMethod) throws {
        var m = LinearModel()
        let x = m.addVariable(cost: 1), y = m.addVariable(cost: 1)
        m.addRow([(x, 1), (y, 1)], upper: -1)  // x, y ≥ 0 cannot sum to ≤ −1
        var settings = GLPKSettings()
        settings.lpMethod = method
        let s = try GLPK.solve(m, settings: settings)
        #expect(s.outcome == .infeasible)
        #expect(s.values.isEmpty && s.objective == nil)
    }

    @Test func unboundedLP() throws {
        var m = LinearModel()
        let x = m.addVariable(cost: -1), y = m.addVariable(cost: 0)
        m.addRow([(x, 1), (y, -1)], upper: 1)  // x can grow with y
        var settings = GLPKSettings()
        settings.lpMethod = .primalSimplex
        #expect(try GLPK.solve(m, settings: settings).outcome == .unbounded)
    }

    @Test func modelWithoutRowsAndWithoutVariables() throws {
        var m = LinearModel()
        m.addVariable(lower: -2, upper: 5, cost: 1)  // min x on [−2, 5] = −2
        let s = try GLPK.solve(m)
        #expect(s.outcome == .optimal && s.values == [-2])

        var empty = LinearModel()
        empty.objectiveConstant = 7
        #expect(try GLPK.solve(empty).objective == 7)
        var impossible = LinearModel()
        impossible.addRow([], lower: 1)  // 0 ≥ 1
        #expect(try GLPK.solve(impossible).outcome == .infeasible)
    }

    /// Invalid input is a thrown error, never a GLPK abort.
    @Test func invalidModelsAreRejectedBeforeGLPK() {
        var nanBound = LinearModel()
        nanBound.addVariable(lower: .nan)
        #expect(throws: GLPKError.self) { try GLPK.solve(nanBound) }

        var crossed = LinearModel()
        let x = crossed.addVariable()
        crossed.addRow([(x, 1)], lower: 2, upper: 1)
        #expect(throws: GLPKError.self) { try GLPK.solve(crossed) }

        var badIndex = LinearModel()
        badIndex.addRow([(LinearModel.Variable(index: 3), 1)], upper: 1)
        #expect(throws: GLPKError.self) { try GLPK.solve(badIndex) }

        var infiniteCoefficient = LinearModel()
        let y = infiniteCoefficient.addVariable()
        infiniteCoefficient.addRow([(y, .infinity)], upper: 1)
        #expect(throws: GLPKError.self) { try GLPK.solve(infiniteCoefficient) }

        var wrongSide = LinearModel()
        wrongSide.addVariable(lower: .infinity)
        #expect(throws: GLPKError.self) { try GLPK.solve(wrongSide) }

        var settings = GLPKSettings()
        settings.timeLimitS = 0
        #expect(throws: GLPKError.self) { try GLPK.solve(LinearModel(), settings: settings) }
    }

    /// Duplicate (row, column) entries are summed: x + x ≤ 4 is 2x ≤ 4.
    @Test func duplicateEntriesAreSummed() throws {
        var m = LinearModel(sense: .maximize)
        let x = m.addVariable(cost: 1)
        let row = m.addRow([(x, 1)], upper: 4)
        m.addCoefficient(row: row, variable: x, value: 1)
        #expect(abs(try #require(GLPK.solve(m).objective) - 2) < 1e-12)
    }
}

struct GLPKIntegerProgramTests {
    /// max y s.t. −x + y ≤ 1, 3x + 2y ≤ 12, 2x + 3y ≤ 12, x, y ≥ 0 integer.
    /// The LP optimum is (2.4, 2.4)… with y = 2.4 after rounding cannot stay: the integer optimum is y = 2.
    @Test(arguments: [true, false])
    func smallIntegerProgram(presolve: Bool) throws {
        var m = LinearModel(sense: .maximize)
        let x = m.addVariable(kind: .integer), y = m.addVariable(kind: .integer, cost: 1)
        m.addRow([(x, -1), (y, 1)], upper: 1)
        m.addRow([(x, 3), (y, 2)], upper: 12)
        m.addRow([(x, 2), (y, 3)], upper: 12)
        var settings = GLPKSettings()
        settings.mipPresolve = presolve
        let s = try GLPK.solve(m, settings: settings)
        #expect(s.outcome == .optimal)
        #expect(s.objective == 2)
        #expect(s.values.allSatisfy { $0 == $0.rounded() })
        #expect(s.rowDuals.isEmpty)
    }

    /// A binary forced into (0.3, 0.7): the relaxation is feasible, no integer point is.
    @Test func integerInfeasible() throws {
        var m = LinearModel()
        let x = m.addVariable(kind: .binary, cost: 1)
        m.addRow([(x, 1)], lower: 0.3, upper: 0.7)
        let s = try GLPK.solve(m)
        #expect(s.outcome == .infeasible, "\(s)")
    }

    /// 0/1 knapsacks on seeded random data against brute force over all 2^12 subsets.
    @Test func knapsackAgainstBruteForce() throws {
        var random = SplitMix64(seed: 42)
        for _ in 0..<20 {
            let n = 12
            let values = (0..<n).map { _ in Double(random.next() % 100 + 1) }
            let weights = (0..<n).map { _ in Double(random.next() % 50 + 1) }
            let capacity = weights.reduce(0, +) * 0.4
            var m = LinearModel(sense: .maximize)
            let items = (0..<n).map { m.addVariable(kind: .binary, cost: values[$0]) }
            m.addRow(zip(items, weights).map { ($0, $1) }, upper: capacity)
            let s = try GLPK.solve(m)

            var best = 0.0
            for mask in 0..<(1 << n) {
                var w = 0.0, v = 0.0
                for i in 0..<n where mask & (1 << i) != 0 { w += weights[i]; v += values[i] }
                if w <= capacity { best = max(best, v) }
            }
            #expect(s.outcome == .optimal)
            #expect(s.objective == best)
            let chosenWeight = zip(s.values, weights).map { $0 * $1 }.reduce(0, +)
            #expect(chosenWeight <= capacity + 1e-9)
        }
    }

    /// A multiple-choice knapsack (pick one option per group, total weight capped) — the shape
    /// the assignment step builds — against brute force.
    @Test func multipleChoiceKnapsackAgainstBruteForce() throws {
        var random = SplitMix64(seed: 7)
        for _ in 0..<10 {
            let groups = 4, options = 3
            let cost = (0..<groups).map { _ in (0..<options).map { _ in Double(random.next() % 40) } }
            let weight = (0..<groups).map { _ in (0..<options).map { _ in Double(random.next() % 20) } }
            let capacity = 30.0
            var m = LinearModel()
            var x: [[LinearModel.Variable]] = []
            for g in 0..<groups {
                let row = (0..<options).map { m.addVariable(kind: .binary, cost: cost[g][$0]) }
                m.addRow(row.map { ($0, 1.0) }, lower: 1, upper: 1)
                x.append(row)
            }
            m.addRow((0..<groups).flatMap { g in (0..<options).map { (x[g][$0], weight[g][$0]) } }, upper: capacity)
            let s = try GLPK.solve(m)

            var best = Double.infinity
            for code in 0..<81 {
                var c = code, w = 0.0, v = 0.0
                for g in 0..<groups { w += weight[g][c % 3]; v += cost[g][c % 3]; c /= 3 }
                if w <= capacity { best = min(best, v) }
            }
            if best.isFinite {
                #expect(s.outcome == .optimal && s.objective == best)
            } else {
                #expect(s.outcome == .infeasible)
            }
        }
    }
}

/// A tiny deterministic generator so that the tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
