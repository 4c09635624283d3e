import FlexGenNumerics
import Testing
@testable import FlexGenGLPK

/// `ColumnarLinearProgram` against `LinearModel`: the same LP through both must give GLPK the same
/// problem, so the same solution bit for bit (the oracle is the model path every other test checks
/// by hand), and a hand-solved LP; bad programs are refused before GLPK sees them.
struct ColumnarLinearProgramTests {
    /// A random LP shaped like the assignment's relaxation (box columns, a few ≤ rows, some
    /// columns in no row, some rows free), built both ways.
    static func pair(seed: UInt64, columns: Int, rows: Int) -> (LinearModel, ColumnarLinearProgram) {
        var random = Xoshiro256(seed: seed)
        var model = LinearModel()
        var program = ColumnarLinearProgram()
        var terms = [[(LinearModel.Variable, Double)]](repeating: [], count: rows)
        var rowEntries = [[(Int, Double)]](repeating: [], count: rows)
        for j in 0..<columns {
            let cost = random.uniform(0.1, 5)
            let upper = random.next() % 4 == 0 ? Double.infinity : random.uniform(0.5, 2)
            let v = model.addVariable(lower: 0, upper: upper, cost: cost)
            program.addColumn(lower: 0, upper: upper, cost: cost)
            for i in 0..<rows where random.next() % 3 != 0 {
                let a = -random.uniform(0.1, 3)
                terms[i].append((v, a))
                rowEntries[i].append((j, a))
            }
        }
        for i in 0..<rows {
            let free = random.next() % 5 == 0
            let rhs = -random.uniform(0.5, Double(columns) / 4)
            model.addRow(terms[i], upper: free ? .infinity : rhs)
            program.addRow(upper: free ? .infinity : rhs)
            for (j, a) in rowEntries[i] { program.addEntry(row: i, column: j, value: a) }
        }
        return (model, program)
    }

    @Test(arguments: [(UInt64(1), 40, 1), (2, 300, 1), (3, 200, 3), (4, 1_000, 5), (5, 7, 2)])
    func sameSolutionBitForBitAsTheLinearModel(seed: UInt64, columns: Int, rows: Int) throws {
        let (model, program) = Self.pair(seed: seed, columns: columns, rows: rows)
        for method in [GLPKSettings.LPMethod.dualSimplex, .primalSimplex] {
            var settings = GLPKSettings()
            settings.lpMethod = method
            let expected = try GLPK.solve(model, settings: settings)
            let got = try GLPK.solve(program, settings: settings, reducedCosts: true)
            #expect(got.outcome == expected.outcome)
            #expect(got.objective?.bitPattern == expected.objective?.bitPattern)
            #expect(got.values.map(\.bitPattern) == expected.values.map(\.bitPattern))
            #expect(got.rowDuals.map(\.bitPattern) == expected.rowDuals.map(\.bitPattern))
            #expect(got.reducedCosts.map(\.bitPattern) == expected.reducedCosts.map(\.bitPattern))
            #expect(try GLPK.solve(program, settings: settings).reducedCosts.isEmpty)
        }
    }

    /// min x + 2y s.t. −x − y ≤ −1.5 (x + y ≥ 1.5), x, y ∈ [0, 1]: x = 1 (cheaper), y = 0.5,
    /// value 2; the row's dual is the price of the marginal unit, −2 (y's cost per unit).
    @Test func handSolvedKnapsack() throws {
        var program = ColumnarLinearProgram()
        program.addColumn(lower: 0, upper: 1, cost: 1)
        program.addColumn(lower: 0, upper: 1, cost: 2)
        program.addRow(upper: -1.5)
        program.addEntry(row: 0, column: 0, value: -1)
        program.addEntry(row: 0, column: 1, value: -1)
        program.addEntry(row: 0, column: 1, value: 0)  // a zero is not stored
        #expect(program.entryCount == 2)
        let s = try GLPK.solve(program)
        #expect(s.outcome == .optimal)
        #expect(abs(try #require(s.objective) - 2) < 1e-12)
        #expect(abs(s.values[0] - 1) < 1e-12 && abs(s.values[1] - 0.5) < 1e-12)
        #expect(abs(s.rowDuals[0] + 2) < 1e-12)
    }

    @Test func noColumns() throws {
        var feasible = ColumnarLinearProgram()
        feasible.addRow(upper: 1)
        let s = try GLPK.solve(feasible)
        #expect(s.outcome == .optimal && s.objective == 0 && s.rowDuals == [0])
        var infeasible = ColumnarLinearProgram()
        infeasible.addRow(upper: -1)
        #expect(try GLPK.solve(infeasible).outcome == .infeasible)
    }

    @Test func badProgramsAreRefusedBeforeGLPK() {
        func refused(_ build: (inout ColumnarLinearProgram) -> Void, mentioning text: String) {
            var program = ColumnarLinearProgram()
            build(&program)
            #expect {
                try GLPK.solve(program)
            } throws: { error in
                guard case GLPKError.invalidModel(let reason) = error else { return false }
                return reason.contains(text)
            }
        }
        refused({ $0.addColumn(cost: .nan) }, mentioning: "cost must be finite")
        refused({ $0.addColumn(lower: 2, upper: 1, cost: 1) }, mentioning: "exceeds upper bound")
        refused({ $0.addColumn(cost: 1); $0.addRow(lower: .infinity) }, mentioning: "must not be +∞")
        refused({ $0.addColumn(cost: 1); $0.addRow(upper: 1); $0.addEntry(row: 0, column: 3, value: 1) },
                mentioning: "names variable 3 of 1")
        refused({ $0.addColumn(cost: 1); $0.addRow(upper: 1); $0.addEntry(row: 2, column: 0, value: 1) },
                mentioning: "names row 2 of 1")
        refused({ $0.addColumn(cost: 1); $0.addRow(upper: 1); $0.addEntry(row: 0, column: 0, value: .infinity) },
                mentioning: "must be finite")
        refused({
            $0.addColumn(cost: 1); $0.addColumn(cost: 1); $0.addRow(upper: 1)
            $0.addEntry(row: 0, column: 1, value: 1); $0.addEntry(row: 0, column: 0, value: 1)
        }, mentioning: "(row, column) order")
        refused({
            $0.addColumn(cost: 1); $0.addRow(upper: 1)
            $0.addEntry(row: 0, column: 0, value: 1); $0.addEntry(row: 0, column: 0, value: 1)
        }, mentioning: "(row, column) order")
    }
}
