/// Exact multiple-choice knapsack with a few "≤" rows, by dynamic programming over the clients
/// with Pareto-dominance and Lagrangian bound pruning:
///
///     minimise Σ_k cost_k,c_k   subject to   Σ_k weight_k,c_k ≤ capacity  (componentwise)
///
/// Why not GLPK: with many clients nearly indifferent between neighbouring options (the normal
/// case at the decomposition's prices) GLPK's branch-and-bound needs seconds to minutes to close a
/// 50-client, one-row knapsack (measured: 20 s and still 2.2 J above its LP bound, while the DP
/// proves the optimum in milliseconds). The number of Pareto-optimal partial sums stays small,
/// and the bound prunes most of them.
///
/// States after deciding clients 0..<i are partial sums (weight vector, cost). A state is dropped
/// when
/// - another state is at least as light in every row and at least as cheap (dominance; for one
///   row a sort, for more a pairwise filter);
/// - it cannot be completed within the capacity even by the lightest options of the rest;
/// - its cost plus a Lagrangian bound on the rest, Σ_rest min_c (cost + νᵀweight) − νᵀ(capacity −
///   weight) for the given ν ≥ 0, reaches `cutoff` − `absoluteTolerance` (no completion can beat
///   the incumbent by more than the tolerance).
///
/// Postcondition: when `solve` returns a choice, it is feasible and its cost is within
/// `absoluteTolerance` of the optimum among choices cheaper than `cutoff`; nil means either no
/// choice beats `cutoff` (the incumbent is optimal within the tolerance) — reported by
/// `Outcome.incumbentOptimal` — or a limit stopped it (`Outcome.limitReached`: the state or work
/// limit, or `shouldStop` said so between clients; proves nothing).
struct KnapsackDynamicProgram {
    struct Item {
        var cost: Double
        var weight: [Double]   // one entry per row
    }

    enum Outcome {
        case improved(choice: [Int], cost: Double)
        case incumbentOptimal
        case limitReached
    }

    var items: [[Item]]        // per client
    var capacity: [Double]
    var prices: [Double]       // ν ≥ 0 per row, for the completion bound
    var cutoff: Double         // cost of the incumbent
    var absoluteTolerance: Double
    /// Most states kept after any client.
    var stateLimit: Int
    /// Most state expansions (state × option) in all; beyond it the search gives up.
    var workLimit: Int
    /// Asked between clients; true stops the search (a time limit or a cancelled caller).
    var shouldStop: () -> Bool = { false }

    /// One layer of states: weights stored flat (state i's row r at i·m + r).
    private struct Layer {
        var weight: [Double] = []
        var cost: [Double] = []
        var parent: [Int32] = []
        var option: [Int32] = []
        var count: Int { cost.count }
    }

    /// The one-row surrogate relaxation: the rows combined as Σ_r multipliers_r · (row r), which
    /// every choice feasible here also meets, so its optimum is a lower bound on this one's. With
    /// the LP's row prices as multipliers it is at least the LP bound (its own LP relaxation, priced
    /// at 1, is the LP's Lagrangian), and one row keeps the Pareto states few. Multipliers ≥ 0.
    func surrogate(multipliers: [Double]) -> KnapsackDynamicProgram {
        func combine(_ weight: [Double]) -> Double { zip(multipliers, weight).reduce(0) { $0 + $1.0 * $1.1 } }
        var copy = self
        copy.items = items.map { options in options.map { Item(cost: $0.cost, weight: [combine($0.weight)]) } }
        copy.capacity = [combine(capacity)]
        copy.prices = [1]
        return copy
    }

    enum LadderOutcome {
        /// The optimum (within `absoluteTolerance`).
        case optimal(choice: [Int], cost: Double)
        /// No choice costs less than this (a proven lower bound on the optimum); when it reaches
        /// `cutoff` − `absoluteTolerance`, the incumbent is optimal.
        case bound(Double)
        /// A limit stopped even the first attempt.
        case nothing
    }

    /// `solve` with the cutoff raised in steps from a known lower bound to the incumbent's cost.
    /// Why: the pruning is only as sharp as the cutoff, and a rounded incumbent can sit far above
    /// the optimum (two overlapping target rows on 50 clients exhausted the work limit with the
    /// incumbent as cutoff). An attempt at cutoff c either finds the optimum (if it is below c —
    /// every cheaper state was kept) or proves that nothing costs less than c; a tight first
    /// attempt is cheap. `fractions` are the steps from `lowerBound` (0) to `cutoff` (1),
    /// ascending, ending at 1.
    func solveWithRisingCutoff(from lowerBound: Double, fractions: [Double] = [1.0 / 64, 1.0 / 16, 0.25, 1])
        -> LadderOutcome {
        var proven: Double? = nil
        let floor = min(lowerBound, cutoff)
        for fraction in fractions {
            var attempt = self
            // The last step is the incumbent's cost itself, not a rounding of it.
            attempt.cutoff = fraction >= 1 ? cutoff : floor + fraction * (cutoff - floor)
            switch attempt.solve() {
            case .improved(let choice, let cost): return .optimal(choice: choice, cost: cost)
            case .incumbentOptimal: proven = attempt.cutoff - absoluteTolerance
            case .limitReached: return proven.map { .bound($0) } ?? .nothing
            }
        }
        return proven.map { .bound($0) } ?? .nothing
    }

    func solve() -> Outcome {
        let K = items.count, m = capacity.count
        // Suffix sums of the lightest weight per row and of the least priced cost.
        var lightestRest = [Double](repeating: 0, count: (K + 1) * m)
        var boundRest = [Double](repeating: 0, count: K + 1)
        for k in stride(from: K - 1, through: 0, by: -1) {
            for r in 0..<m { lightestRest[k * m + r] = lightestRest[(k + 1) * m + r] + items[k].map { $0.weight[r] }.min()! }
            let priced = items[k].map { item in item.cost + zip(prices, item.weight).reduce(0) { $0 + $1.0 * $1.1 } }
            boundRest[k] = boundRest[k + 1] + priced.min()!
        }
        let limit = capacity.map { $0 + 1e-12 * max(abs($0), 1) }
        var layers: [Layer] = [Layer(weight: [Double](repeating: 0, count: m), cost: [0], parent: [-1], option: [-1])]
        layers.reserveCapacity(K + 1)
        let target = cutoff - absoluteTolerance
        var work = 0
        var weight = [Double](repeating: 0, count: m)
        for k in 0..<K {
            if shouldStop() { return .limitReached }
            let previous = layers[k]
            var next = Layer()
            work += previous.count * items[k].count
            if work > workLimit { return .limitReached }
            for p in 0..<previous.count {
                for (n, item) in items[k].enumerated() {
                    var feasible = true
                    var priceSlack = 0.0
                    for r in 0..<m {
                        weight[r] = previous.weight[p * m + r] + item.weight[r]
                        if weight[r] + lightestRest[(k + 1) * m + r] > limit[r] { feasible = false; break }
                        priceSlack += prices[r] * (limit[r] - weight[r])
                    }
                    guard feasible else { continue }
                    let cost = previous.cost[p] + item.cost
                    if cost + boundRest[k + 1] - priceSlack >= target { continue }
                    next.weight.append(contentsOf: weight)
                    next.cost.append(cost)
                    next.parent.append(Int32(p))
                    next.option.append(Int32(n))
                }
            }
            if m > 1 && next.count > 4 * stateLimit { return .limitReached }
            // The pairwise filter of three or more rows costs up to n² comparisons: charge them too.
            if m > 2 { work += next.count * min(next.count, stateLimit) / 2 }
            if work > workLimit { return .limitReached }
            next = Self.nondominated(next, rows: m)
            if next.count > stateLimit { return .limitReached }
            if next.count == 0 { return .incumbentOptimal }
            layers.append(next)
        }
        let last = layers[K]
        // Complete states that survived only through the rows' price slack can still cost more than
        // the cutoff: then nothing beats it (every cheaper complete state would have been kept).
        guard let best = (0..<last.count).min(by: { last.cost[$0] < last.cost[$1] }), last.cost[best] < target else {
            return .incumbentOptimal
        }
        var choice = [Int](repeating: 0, count: K)
        var index = best
        for k in stride(from: K, to: 0, by: -1) {
            choice[k - 1] = Int(layers[k].option[index])
            index = Int(layers[k].parent[index])
        }
        return .improved(choice: choice, cost: last.cost[best])
    }

    private static func nondominated(_ layer: Layer, rows m: Int) -> Layer {
        guard layer.count > 1 else { return layer }
        var kept = Layer()
        func keep(_ i: Int) {
            kept.weight.append(contentsOf: layer.weight[(i * m)..<(i * m + m)])
            kept.cost.append(layer.cost[i])
            kept.parent.append(layer.parent[i])
            kept.option.append(layer.option[i])
        }
        if m == 1 {
            // Lightest first (cheapest first among equals); keep strictly cheaper ones only.
            let order = (0..<layer.count).sorted {
                layer.weight[$0] != layer.weight[$1] ? layer.weight[$0] < layer.weight[$1] : layer.cost[$0] < layer.cost[$1]
            }
            for i in order where kept.count == 0 || layer.cost[i] < kept.cost[kept.count - 1] { keep(i) }
            return kept
        }
        // Cheapest first: a state can only be dominated by one before it.
        let order = (0..<layer.count).sorted { layer.cost[$0] < layer.cost[$1] }
        if m == 2 {
            // The kept states' (w0, w1) staircase: w0 ascending, w1 strictly descending, so the
            // last step with w0 ≤ x has the least w1 among all kept states with w0 ≤ x. A state is
            // dominated iff that w1 ≤ y. O(n log n + n·h) instead of O(n²).
            var stairX: [Double] = [], stairY: [Double] = []
            for i in order {
                let x = layer.weight[2 * i], y = layer.weight[2 * i + 1]
                var lo = 0, hi = stairX.count  // first index with stairX > x
                while lo < hi { let mid = (lo + hi) / 2; if stairX[mid] <= x { lo = mid + 1 } else { hi = mid } }
                if lo > 0 && stairY[lo - 1] <= y { continue }
                keep(i)
                // Remove the steps the new point dominates (w0 ≥ x and w1 ≥ y), then insert it.
                var end = lo
                while end < stairX.count && stairY[end] >= y { end += 1 }
                stairX.replaceSubrange(lo..<end, with: [x])
                stairY.replaceSubrange(lo..<end, with: [y])
            }
            return kept
        }
        for i in order {
            let dominated = (0..<kept.count).contains { q in
                (0..<m).allSatisfy { kept.weight[q * m + $0] <= layer.weight[i * m + $0] }
            }
            if !dominated { keep(i) }
        }
        return kept
    }
}
