import Foundation
import FlexGenModel

/// A proven upper bound on the priority any admissible set can reach, from pricing the two budgets.
///
/// For a compute price ν ≥ 0 (Hz per FLOP/s) every client k that is served uses at least
/// m_k(ν) = min_τ b_min,k(W_k − τ) + ν·C_k/τ of "priced band" (`FeasibilityFrontier.point`, with its
/// least-work configuration, which needs the least of both budgets), and an admitted set A that
/// fits has Σ_{k∈A} (b_k + ν f_k) ≤ B + νF. So every admissible set is a feasible solution of the
/// 0-1 knapsack
///     max Σ p_k x_k   s.t.   Σ m_k(ν) x_k ≤ B + νF,
/// whose optimum (or any upper bound on it) bounds the admitted priority, for every ν. The two ends
/// are included: ν = 0 (weights b_min,k(W_k), capacity B) and ν → ∞ (weights C_k/τ_max,k,
/// capacity F). Service targets only remove admissible sets, so the bound stays valid with them.
///
/// The knapsack is bounded exactly when all priorities are equal (the smallest weights first) and
/// by its LP relaxation otherwise (Dantzig's bound: greedy by p/m, the last item fractional),
/// rounded down when every priority is an integer. The bound is minimised over ν by a grid of one
/// point per decade around B/F, refined by golden-section search in log ν around the best point
/// (located on a sample of `locatingSampleSize` clients when there are more, then evaluated on all).
struct AdmissionBound {
    /// Clients the search for ν* looks at (every k-th when there are more). 2 000: the knapsack
    /// value per client is then within a few tenths of a percent of the full one's, enough to find
    /// where its minimum lies.
    static let locatingSampleSize = 2_000

    /// The least bound found.
    var value: Double
    /// The price ν* at which it was found (0 or +∞ for the ends).
    var price: Double
    /// m_k(ν*) per candidate (the weights at ν*), and the capacity B + ν*F (at ν = ∞: f_min,k and F).
    var weights: [Double]
    var capacity: Double
    /// Sweeps over the candidates spent.
    var sweeps: Int

    init(tasks: [ClientTask], priorities: [Double], computeRate: Double, bandwidth: Double) {
        let n = tasks.count
        var best: (value: Double, price: Double, weights: [Double], capacity: Double)
        // The two ends.
        let atInfinity = tasks.map { $0.flops / ($0.windowS - $0.minimumTxTimeS) }
        best = (Self.knapsackBound(weights: atInfinity, capacity: computeRate, priorities: priorities),
                .infinity, atInfinity, computeRate)
        let atZero = tasks.map { ClientOracle.minimumBandwidth($0, txTimeS: $0.windowS - $0.minimumComputeTimeS).bandwidth }
        let zeroValue = Self.knapsackBound(weights: atZero, capacity: bandwidth, priorities: priorities)
        if zeroValue < best.value { best = (zeroValue, 0, atZero, bandwidth) }
        var sweeps = 0
        guard n > 0 else {
            self.init(value: 0, price: 0, weights: [], capacity: bandwidth, sweeps: 0)
            return
        }

        // Locating ν*: on a sample of the clients when there are many (every k-th, capacity scaled
        // by the sample's share), which only steers where to look; the bound itself is evaluated
        // on every client, at the sample's best prices.
        let stride = max(1, n / Self.locatingSampleSize)
        let sample = Swift.stride(from: 0, to: n, by: stride).map { $0 }
        let share = Double(sample.count) / Double(n)
        var warm = FeasibilityFrontier.WarmStart(tasks: tasks, price: bandwidth / computeRate, pointTolerance: 1e-7)
        func weights(at price: Double, of indices: [Int]) -> [Double] {
            indices.map { i -> Double in
                let solved = FeasibilityFrontier.solvePoint(tasks[i], price: price, startEfficiency: warm.efficiencies[i],
                                                            upperEfficiency: warm.upperEfficiencies[i],
                                                            relativeTolerance: warm.pointTolerance)
                warm.efficiencies[i] = solved.efficiency
                return solved.point.pricedUse
            }
        }
        var cache: [Double: Double] = [:]
        func locate(_ logPrice: Double) -> Double {
            if let v = cache[logPrice] { return v }
            let price = exp(logPrice)
            let w = weights(at: price, of: sample)
            let capacity = (bandwidth + price * computeRate) * (stride == 1 ? 1 : share)
            let value = Self.knapsackBound(weights: w, capacity: capacity, priorities: sample.map { priorities[$0] })
            if stride == 1, value < best.value { best = (value, price, w, bandwidth + price * computeRate) }
            sweeps += stride == 1 ? 1 : 0
            cache[logPrice] = value
            return value
        }
        // Grid, ascending in ν (warm starts follow), one point per decade over B/F · 10^[−6, 6].
        let center = log(bandwidth / computeRate)
        let decade = log(10.0)
        let grid = (-6...6).map { center + Double($0) * decade }
        let values = grid.map(locate)
        var candidates: [Double] = []
        // Golden-section refinement around the best grid point.
        if let i = values.indices.min(by: { values[$0] < values[$1] }) {
            let refined = Self.goldenSection(grid[max(i - 1, 0)], grid[min(i + 1, grid.count - 1)], steps: 6, locate)
            candidates = [refined, grid[i]]
        }
        if stride > 1, let located = candidates.first {
            // Every client, at the sample's best price and by golden section within a quarter
            // decade of it (the sample's minimum sits close to the full one's).
            let all = Array(0..<n)
            func exact(_ logPrice: Double) -> Double {
                let price = exp(logPrice)
                let w = weights(at: price, of: all)
                sweeps += 1
                let value = Self.knapsackBound(weights: w, capacity: bandwidth + price * computeRate, priorities: priorities)
                if value < best.value { best = (value, price, w, bandwidth + price * computeRate) }
                return value
            }
            _ = exact(located)
            _ = Self.goldenSection(located - decade / 4, located + decade / 4, steps: 4, exact)
        }
        self.init(value: best.value, price: best.price, weights: best.weights, capacity: best.capacity, sweeps: sweeps)
    }

    /// Golden-section search for a minimum of `f` on [a, b]: the better of the last two interior
    /// points after `steps` reductions (2 + `steps` evaluations). On a piecewise-constant knapsack
    /// value it only steers; every point it evaluates is a valid bound either way.
    static func goldenSection(_ a: Double, _ b: Double, steps: Int, _ f: (Double) -> Double) -> Double {
        var a = a, b = b
        let ratio = (5.0.squareRoot() - 1) / 2
        var x1 = b - ratio * (b - a), x2 = a + ratio * (b - a)
        var f1 = f(x1), f2 = f(x2)
        for _ in 0..<steps {
            if f1 <= f2 {
                b = x2; x2 = x1; f2 = f1
                x1 = b - ratio * (b - a); f1 = f(x1)
            } else {
                a = x1; x1 = x2; f1 = f2
                x2 = a + ratio * (b - a); f2 = f(x2)
            }
        }
        return f1 <= f2 ? x1 : x2
    }

    private init(value: Double, price: Double, weights: [Double], capacity: Double, sweeps: Int) {
        self.value = value
        self.price = price
        self.weights = weights
        self.capacity = capacity
        self.sweeps = sweeps
    }

    /// An upper bound on max Σ p x s.t. Σ w x ≤ capacity, x ∈ {0, 1}: exact for equal priorities,
    /// Dantzig's LP bound otherwise (floored when every priority is an integer).
    /// The capacity is widened by 1e-9 (relative): each weight is the priced use at a numerically
    /// minimised τ, so it may exceed the true minimum m_k(ν) by rounding, which must not tighten
    /// the bound past what is proven.
    static func knapsackBound(weights: [Double], capacity exactCapacity: Double, priorities: [Double]) -> Double {
        let capacity = exactCapacity * (1 + 1e-9)
        let equal = priorities.allSatisfy { $0 == priorities.first }
        if equal, let p = priorities.first {
            let sorted = weights.sorted()
            var used = 0.0, count = 0
            for w in sorted {
                if used + w > capacity { break }
                used += w
                count += 1
            }
            return Double(count) * p
        }
        let order = weights.indices.sorted { priorities[$0] * weights[$1] > priorities[$1] * weights[$0] }
        var used = 0.0, value = 0.0
        for i in order {
            let w = weights[i]
            if used + w <= capacity {
                used += w
                value += priorities[i]
            } else {
                value += priorities[i] * max(0, capacity - used) / w
                break
            }
        }
        if priorities.allSatisfy({ $0 == $0.rounded() }) {
            // An integer optimum below a fractional bound is at most its floor; the small slack
            // keeps a bound that is an integer up to rounding from dropping by one.
            value = (value + 1e-9 * max(1, value)).rounded(.down)
        }
        return value
    }
}
