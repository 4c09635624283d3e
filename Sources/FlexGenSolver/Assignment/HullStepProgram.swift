import FlexGenGLPK

/// The assignment's LP relaxation in incremental form (`AssignmentSolver`, stage 2; docs/model.md,
/// "The assignment LP and column generation"):
///
///     minimise    Σ_n cost_n · y_n
///     subject to  Σ_g Σ_{n ∈ g} a_jg · badness_n · y_n ≤ rowUpper_j      for every target row j
///                 0 ≤ y_n ≤ 1
///
/// The steps n of one client (a *group* g) are contiguous, from its cheapest hull point towards its
/// best: cost_n > 0 is the extra cost of the step, badness_n < 0 the badness it removes, and a_jg > 0
/// the client's coefficient in row j (1/|G_j|). Along a group the price of a step, r_n = cost_n /
/// (−badness_n), does not decrease (lower convex hull), so at any dual prices π ≤ 0 the steps worth
/// taking are a prefix of each group: the reduced cost is
///
///     d_n = cost_n − Σ_j π_j a_jg badness_n = (−badness_n) · (r_n − w_g),   w_g = −Σ_j π_j a_jg ≥ 0,
///
/// negative exactly for the steps cheaper than the client's price w_g.
///
/// `solveByColumnGeneration` solves it with a restricted master that holds, per group, only a
/// window of steps around the price: the steps below the window are fixed at 1 (their use moved to
/// the row bounds and their cost to a constant), those above at 0. After each master solve every
/// step outside the windows is priced with the master's duals; a step fixed at 1 with d_n > 0, or
/// fixed at 0 with d_n < 0, widens its group's window, and the master is solved again. With none
/// left, the master's solution (completed by the fixed values) and its duals satisfy the full
/// LP's optimality conditions (feasible; every step at its lower bound has d ≥ 0, at its upper
/// bound d ≤ 0, basic d = 0): it is an optimum of the full LP, with the same value. Windows only
/// widen, so it ends, at worst on the full LP. `solveWhole` gives GLPK every step at once, as the
/// solver did before (the reference the tests compare against).
struct HullStepProgram: Sendable {
    /// Where each group's steps start in `cost`/`badness`; `stepStart[groupCount]` is the step count.
    var stepStart: [Int] = [0]
    /// Per step: its cost (> 0, already scaled) and badness change (< 0).
    var cost: [Double] = []
    var badness: [Double] = []
    /// Per group, its rows and coefficients: `rowOf[rowStart[g] ..< rowStart[g + 1]]`.
    var rowStart: [Int] = [0]
    var rowOf: [Int] = []
    var coefficientOf: [Double] = []
    /// Per row, its upper bound (`.infinity`: a free row, kept so that row indices stay aligned).
    var rowUpper: [Double]

    init(rowUpper: [Double]) { self.rowUpper = rowUpper }

    var groupCount: Int { stepStart.count - 1 }
    var stepCount: Int { cost.count }
    var rowCount: Int { rowUpper.count }

    mutating func reserveCapacity(groups: Int, steps: Int) {
        stepStart.reserveCapacity(stepStart.count + groups)
        rowStart.reserveCapacity(rowStart.count + groups)
        cost.reserveCapacity(cost.count + steps)
        badness.reserveCapacity(badness.count + steps)
    }

    /// Appends a step to the group being built (the steps of a group in order, cheapest first).
    mutating func appendStep(cost stepCost: Double, badness stepBadness: Double) {
        cost.append(stepCost)
        badness.append(stepBadness)
    }

    /// Closes the group being built: the steps appended since the last group, with its rows and
    /// its coefficient in each.
    mutating func closeGroup(rows: [Int], coefficients: [Double]) {
        stepStart.append(cost.count)
        rowOf.append(contentsOf: rows)
        coefficientOf.append(contentsOf: coefficients)
        rowStart.append(rowOf.count)
    }

    /// The outcome of a solve.
    struct Solution: Sendable {
        var outcome: LinearOutcome
        /// The value of every step (empty without an optimum).
        var values: [Double]
        /// Row duals π_j ≤ 0 (GLPK's sign for a binding `≤` row of a minimisation).
        var rowDuals: [Double]
        /// The objective Σ cost_n y_n.
        var objective: Double
        /// Master solves, and the most columns any master held (for tests and docs).
        var masterSolves: Int
        var largestMasterColumns: Int
    }

    // MARK: - The whole LP at once

    /// Every step a GLPK column, every row at once: the LP as the solver built it before column
    /// generation, bit for bit.
    func solveWhole() throws(GLPKError) -> Solution {
        let window = (low: [Int](repeating: 0, count: groupCount), high: (0..<groupCount).map { stepStart[$0 + 1] - stepStart[$0] })
        return try solveMaster(low: window.low, high: window.high, masterSolves: 1)
    }

    // MARK: - Column generation

    /// Programs with at most this many steps are given to GLPK whole (`solve()`): GLPK's copy of
    /// such an LP is a couple of megabytes at most, while column generation's fixed costs (a price
    /// histogram of 2^17 buckets per row, two or more master solves) would be paid on every one of
    /// the hundreds of assignment steps a small instance's certificate can take (8× the solve time
    /// of a 4-client admission in a debug build). Small instances thus keep their results bit for bit.
    static let wholeStepLimit = 10_000

    /// `solveByColumnGeneration` above `wholeStepLimit` steps, `solveWhole` up to it.
    func solve() throws(GLPKError) -> Solution {
        stepCount > Self.wholeStepLimit ? try solveByColumnGeneration() : try solveWhole()
    }

    /// Relative half-width of the first window around each group's estimated price: steps with
    /// r_n within w_g·(1 ± windowWidth) start in the master. The estimate (`estimatePrices`) is
    /// within half a histogram bucket (~0.55 %) of the exact price when one row binds, so 2 %
    /// leaves the exact threshold step inside; a wrong estimate costs master solves, not accuracy.
    static let windowWidth = 0.02

    /// Relative tolerance of the pricing: a step outside the window enters only when its reduced
    /// cost is beyond 1e-9 of its cost (scaled costs are of order one; GLPK's own optimality
    /// tolerance is 1e-7, so a step the master would not move never enters).
    static let pricingTolerance = 1e-9

    func solveByColumnGeneration() throws(GLPKError) -> Solution {
        let G = groupCount
        let estimate = estimatePrices()
        var low = [Int](repeating: 0, count: G)
        var high = [Int](repeating: 0, count: G)
        for g in 0..<G {
            let w = price(of: g, rowPrices: estimate)
            let steps = stepStart[g]..<stepStart[g + 1]
            var lo = 0, hi = 0
            for n in steps {
                let r = cost[n] / -badness[n]
                if r < w * (1 - Self.windowWidth) { lo = n - steps.lowerBound + 1 }
                if r <= w * (1 + Self.windowWidth) { hi = n - steps.lowerBound + 1 }
            }
            low[g] = lo
            high[g] = max(lo, hi)
        }
        var solves = 0
        var largest = 0
        while true {
            var master = try solveMaster(low: low, high: high, masterSolves: 0)
            solves += 1
            largest = max(largest, master.largestMasterColumns)
            if master.outcome == .infeasible {
                // The steps fixed at 0 are needed: free every step above the windows. Then the
                // master contains y = 1 (every row at its least), so it is feasible exactly when
                // the whole LP is.
                let opened = (0..<G).contains { high[$0] < stepStart[$0 + 1] - stepStart[$0] }
                guard opened else { master.masterSolves = solves; return master }
                for g in 0..<G { high[g] = stepStart[g + 1] - stepStart[g] }
                continue
            }
            guard master.outcome == .optimal else {
                master.masterSolves = solves
                master.largestMasterColumns = largest
                return master
            }
            // Pricing: every step outside its window, at the master's duals.
            let nu = master.rowDuals.map { -$0 }
            var widened = false
            for g in 0..<G {
                let w = price(of: g, rowPrices: nu)
                let first = stepStart[g]
                let count = stepStart[g + 1] - first
                var lo = low[g], hi = high[g]
                for i in 0..<low[g] {
                    let n = first + i
                    let d = cost[n] + w * badness[n]
                    if d > Self.pricingTolerance * cost[n] { lo = i; break }  // the rest of the prefix is dearer still
                }
                for i in stride(from: count - 1, through: high[g], by: -1) {
                    let n = first + i
                    let d = cost[n] + w * badness[n]
                    if d < -Self.pricingTolerance * cost[n] { hi = i + 1; break }
                }
                if lo < low[g] || hi > high[g] {
                    // Widen to the new price's window too, so that the next master sees the
                    // steps around it and not just the ones that priced out.
                    while lo > 0, cost[first + lo - 1] / -badness[first + lo - 1] >= w * (1 - Self.windowWidth) { lo -= 1 }
                    while hi < count, cost[first + hi] / -badness[first + hi] <= w * (1 + Self.windowWidth) { hi += 1 }
                    low[g] = lo
                    high[g] = hi
                    widened = true
                }
            }
            if !widened {
                master.masterSolves = solves
                master.largestMasterColumns = largest
                return master
            }
        }
    }

    /// w_g = Σ_j ν_j a_jg: what removing one unit of client g's badness is worth at prices ν ≥ 0.
    @inline(__always)
    private func price(of g: Int, rowPrices nu: [Double]) -> Double {
        var w = 0.0
        for e in rowStart[g]..<rowStart[g + 1] { w += nu[rowOf[e]] * coefficientOf[e] }
        return w
    }

    /// The master with group g's steps below `low[g]` fixed at 1, from `high[g]` on fixed at 0, and
    /// the rest as columns (in step order). Returns every step's value.
    private func solveMaster(low: [Int], high: [Int], masterSolves: Int) throws(GLPKError) -> Solution {
        let R = rowCount
        var upper = rowUpper
        var fixedCost = 0.0
        var columns = 0
        var entriesPerRow = [Int](repeating: 0, count: R)
        for g in 0..<groupCount {
            let first = stepStart[g]
            var removed = 0.0
            for n in first..<(first + low[g]) {
                fixedCost += cost[n]
                removed += badness[n]
            }
            for e in rowStart[g]..<rowStart[g + 1] where upper[rowOf[e]] < .infinity {
                upper[rowOf[e]] -= coefficientOf[e] * removed
            }
            let width = high[g] - low[g]
            columns += width
            for e in rowStart[g]..<rowStart[g + 1] { entriesPerRow[rowOf[e]] += width }
        }
        var program = ColumnarLinearProgram()
        program.reserveCapacity(columns: columns, entries: 0)
        for g in 0..<groupCount {
            for n in (stepStart[g] + low[g])..<(stepStart[g] + high[g]) { program.addColumn(lower: 0, upper: 1, cost: cost[n]) }
        }
        // Row j's coefficients, column by column (GLPK takes the matrix row after row): a counting sort.
        var start = [Int](repeating: 0, count: R + 1)
        for j in 0..<R { start[j + 1] = start[j] + entriesPerRow[j] }
        var next = start
        var entryColumn = [Int32](repeating: 0, count: start[R])
        var entryValue = [Double](repeating: 0, count: start[R])
        var column = 0
        for g in 0..<groupCount {
            for n in (stepStart[g] + low[g])..<(stepStart[g] + high[g]) {
                for e in rowStart[g]..<rowStart[g + 1] {
                    let j = rowOf[e]
                    entryColumn[next[j]] = Int32(column)
                    entryValue[next[j]] = coefficientOf[e] * badness[n]
                    next[j] += 1
                }
                column += 1
            }
        }
        program.reserveCapacity(columns: 0, entries: entryValue.count)
        for j in 0..<R {
            program.addRow(upper: upper[j])
            for e in start[j]..<start[j + 1] { program.addEntry(row: j, column: Int(entryColumn[e]), value: entryValue[e]) }
        }
        entryColumn = []
        entryValue = []
        let lp = try GLPK.solve(program)
        guard lp.outcome == .optimal, let objective = lp.objective else {
            return Solution(outcome: lp.outcome, values: [], rowDuals: [], objective: .nan,
                            masterSolves: masterSolves, largestMasterColumns: columns)
        }
        var values = [Double](repeating: 0, count: stepCount)
        column = 0
        for g in 0..<groupCount {
            let first = stepStart[g]
            for n in first..<(first + low[g]) { values[n] = 1 }
            for n in (first + low[g])..<(first + high[g]) {
                values[n] = lp.values[column]
                column += 1
            }
        }
        return Solution(outcome: .optimal, values: values, rowDuals: lp.rowDuals, objective: fixedCost + objective,
                        masterSolves: masterSolves, largestMasterColumns: columns)
    }

    // MARK: - First prices

    /// A first guess of each row's price ν_j, each row taken alone: with every client on its
    /// cheapest point, the badness row j must still lose is its deficit −rowUpper_j; taking steps
    /// in order of their price per unit of the row's badness, a_jg·(−badness_n), until the deficit
    /// is covered, the last step's price is row j's own LP price (a fractional knapsack). The
    /// prices are binned by their leading bits (a histogram of 2^-6-octave buckets: one pass, no
    /// sort), so the guess is the midpoint of the bucket where the deficit is covered. 0 for a
    /// row without deficit. Rows that share clients each claim those clients' steps, so with
    /// overlapping rows the guesses are too high; the master's duals correct them.
    func estimatePrices() -> [Double] {
        var estimate = [Double](repeating: 0, count: rowCount)
        var membersOf = [[Int]](repeating: [], count: rowCount)
        for g in 0..<groupCount { for e in rowStart[g]..<rowStart[g + 1] { membersOf[rowOf[e]].append(e) } }
        // Buckets of the price's bit pattern (positive doubles order like their bit patterns):
        // exponent and the 6 leading mantissa bits.
        let shift: UInt64 = 46
        var weight = [Double](repeating: 0, count: 1 << 17)
        for j in 0..<rowCount {
            let deficit = -rowUpper[j]
            guard deficit > 0, deficit.isFinite else { continue }
            for i in weight.indices { weight[i] = 0 }
            var total = 0.0
            var groupOfEntry = 0
            for e in membersOf[j] {
                // The group owning entry e (entries are appended group after group).
                while rowStart[groupOfEntry + 1] <= e { groupOfEntry += 1 }
                let g = groupOfEntry
                let a = coefficientOf[e]
                for n in stepStart[g]..<stepStart[g + 1] {
                    let amount = a * -badness[n]
                    let r = cost[n] / amount
                    guard r.isFinite, r > 0 else { continue }
                    weight[Int(r.bitPattern >> shift)] += amount
                    total += amount
                }
            }
            guard total > 0 else { continue }
            var covered = 0.0
            for b in weight.indices where weight[b] > 0 {
                covered += weight[b]
                if covered >= deficit || covered >= total {
                    let lowEnd = Double(bitPattern: UInt64(b) << shift)
                    let highEnd = Double(bitPattern: UInt64(b + 1) << shift)
                    estimate[j] = (lowEnd + highEnd) / 2
                    break
                }
            }
        }
        return estimate
    }
}
