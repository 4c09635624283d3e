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
/// point per decade around B/F, refined by golden-section search in log ν around the best point.
struct AdmissionBound {
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
        let atZero = tasks.map { ClientOracle.minimumBandwidth($0, txTimeS: $0.windowS).bandwidth }
        let zeroValue = Self.knapsackBound(weights: atZero, capacity: bandwidth, priorities: priorities)
        if zeroValue < best.value { best = (zeroValue, 0, atZero, bandwidth) }
        var sweeps = 0
        guard n > 0 else {
            self.init(value: 0, price: 0, weights: [], capacity: bandwidth, sweeps: 0)
            return
        }

        var taus = tasks.map { ($0.windowS - $0.minimumTxTimeS) / 2 }
        var cache: [Double: Double] = [:]
        func evaluate(_ logPrice: Double) -> Double {
            if let v = cache[logPrice] { return v }
            let price = exp(logPrice)
            var weights = [Double](repeating: 0, count: n)
            for i in 0..<n {
                let p = FeasibilityFrontier.point(tasks[i], price: price, startComputeTimeS: taus[i])
                taus[i] = p.computeTimeS
                weights[i] = p.pricedUse
            }
            sweeps += 1
            let capacity = bandwidth + price * computeRate
            let value = Self.knapsackBound(weights: weights, capacity: capacity, priorities: priorities)
            cache[logPrice] = value
            if value < best.value { best = (value, price, weights, capacity) }
            return value
        }
        // Grid, ascending in ν (warm starts follow), one point per decade over B/F · 10^[−6, 6].
        let center = log(bandwidth / computeRate)
        let decade = log(10.0)
        let grid = (-6...6).map { center + Double($0) * decade }
        var values = grid.map(evaluate)
        // Golden-section refinement around the best grid point.
        if let i = values.indices.min(by: { values[$0] < values[$1] }) {
            var a = grid[max(i - 1, 0)], b = grid[min(i + 1, grid.count - 1)]
            let ratio = (5.0.squareRoot() - 1) / 2
            var x1 = b - ratio * (b - a), x2 = a + ratio * (b - a)
            var f1 = evaluate(x1), f2 = evaluate(x2)
            for _ in 0..<10 {
                if f1 <= f2 {
                    b = x2; x2 = x1; f2 = f1
                    x1 = b - ratio * (b - a); f1 = evaluate(x1)
                } else {
                    a = x1; x1 = x2; f1 = f2
                    x2 = a + ratio * (b - a); f2 = evaluate(x2)
                }
            }
            values.append(min(f1, f2))
        }
        self.init(value: best.value, price: best.price, weights: best.weights, capacity: best.capacity, sweeps: sweeps)
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
