import Foundation
import FlexGenModel
import FlexGenNumerics

/// Exact joint-feasibility test and budget-scale diagnosis for fixed configurations, and the
/// per-client resource price curve that admission control is built on.
///
/// Ignoring energy, the least band the clients need with compute rate F is
///   β(F) = min Σ_k b_min,k(W_k − τ_k)  s.t.  Σ_k C_k/τ_k ≤ F,
/// where b_min(t) is the least band that delivers D in time t at P_max (the power-capped band of
/// `ClientOracle`, convex and decreasing in t). The clients fit together iff β(F) ≤ B.
///
/// Pricing compute at ν (Hz per FLOP/s) splits it per client:
///   m_k(ν) = min_τ  b_min,k(W_k − τ) + ν·C_k/τ   over τ ∈ (0, W_k − t₀,k),
/// a convex 1-D problem (`point`, safeguarded Newton). m_k is concave in ν with m_k' = f_k = C_k/τ_k*,
/// so h(ν) = Σ_k m_k(ν) − νF − B is concave with h' = Σf − F and h'' = Σ ∂f_k/∂ν ≤ 0, and by convex
/// duality the clients fit iff max_ν h(ν) ≤ 0 (plus Σ C_k/τ_max,k ≤ F, the ν → ∞ direction).
/// As ν runs over (0, ∞), Σf falls and Σb rises monotonically (the Pareto frontier of (Σf, Σb)):
/// - the maximiser ν_F solves Σf(ν_F) = F, and the band must grow by s_B = Σb(ν_F)/B;
/// - the compute rate must grow by s_F = Σf(ν_B)/F where Σb(ν_B) = B.
/// Each is found by Newton in log ν with the exact derivative Σ ∂f/∂ν (or Σ ∂b/∂ν), safeguarded
/// by a bracket: about five sweeps over the clients each, O(K) per sweep (quadratic convergence
/// from a start within a decade or two; measured: 5 sweeps to |log Σf/F| ≤ 1e-10 on 1 000 clients).
/// Where no crossing exists the limits are closed forms: with Σ C_k/τ_max,k ≥ F no band can
/// compensate (Σf > F at every price); with Σ b_min,k(W_k) ≥ B (the band needed with infinite
/// compute) no compute rate can.
///
/// Per-job cap f ≤ f_max: τ ranges over [τ_min, W − t₀) with τ_min = C/f_max, and the per-client
/// minimiser is max(root, τ_min) (the problem is convex in τ); a pinned client's f and b do not move
/// with ν. As ν → 0 every client sits at τ_min, so Σf never exceeds Σ f_max and the band needed at
/// the least is Σ b_min(W − τ_min): when Σ f_max ≤ F the compute budget cannot bind, no ν_F exists,
/// and the verdict is that closed form.
public enum FeasibilityFrontier {
    /// One client's point on its frontier at price ν.
    public struct Point: Sendable, Hashable {
        /// Compute time τ* (s).
        public var computeTimeS: Double
        /// f = C/τ* (FLOP/s).
        public var computeRate: Double
        /// b = b_min(W − τ*) (Hz).
        public var bandwidth: Double
        /// m(ν) = b + ν f (Hz): the client's resource use priced at ν.
        public var pricedUse: Double
        /// ∂f/∂ν ≤ 0 and ∂b/∂ν ≥ 0 (implicit differentiation at τ*).
        public var dComputeRate: Double
        public var dBandwidth: Double
    }

    /// The minimiser of b_min(W − τ) + ν·C/τ over τ ∈ [τ_min, τ_max), τ_max = W − t₀, τ_min = C/f_max
    /// (0 without a cap), warm-started at `startComputeTimeS`. Requires τ_min < W − t₀ (the client
    /// can deliver alone).
    ///
    /// `relativeTolerance` on τ* (default 1e-10: the verdict compares sums against budgets, so far
    /// less would do): the priced use m(ν) is stationary in τ at τ*, so a τ within ε of it gives m
    /// to about ε² (relative); the admission bound's weights use 1e-7.
    public static func point(_ task: ClientTask, price: Double, startComputeTimeS: Double,
                             relativeTolerance: Double = 1e-10) -> Point {
        let start = ClientOracle.cappedEfficiency(ratio: (task.windowS - startComputeTimeS) / task.minimumTxTimeS)
        return solvePoint(task, price: price, startEfficiency: start, upperEfficiency: upperEfficiency(task),
                          relativeTolerance: relativeTolerance).point
    }

    /// The efficiency at τ = τ_min (τ = 0 without a cap): y_max((W − τ_min)/t₀), the upper end of
    /// the per-client search in y.
    static func upperEfficiency(_ task: ClientTask) -> Double {
        ClientOracle.cappedEfficiency(ratio: (task.windowS - task.minimumComputeTimeS) / task.minimumTxTimeS)
    }

    /// One client's delivery at capped spectral efficiency y > 0, in closed form: the transmit time
    /// t = t₀·expm1(y)/y at which the power cap allows exactly y (the inverse of
    /// `ClientOracle.cappedEfficiency`), the compute time τ = W − t, dt/dy = t₀·h(y)/y² with
    /// h(y) = 1 − eʸ(1 − y), and b_min(t) with its t-derivatives.
    ///
    /// Why y and not τ: b_min(W − τ) needs y from t, a Lambert-W evaluation (`cappedEfficiency`,
    /// a handful of logarithms and exponentials), at every step of every client's search; going
    /// the other way costs one `expm1`. τ is formed as (W − t₀) − t₀·(expm1(y)/y − 1) with the
    /// bracket evaluated by its series for small y, so τ near τ_max = W − t₀ keeps its digits.
    struct Delivery {
        var txTimeS: Double
        var computeTimeS: Double
        var dTxTimeDEfficiency: Double
        var band: (bandwidth: Double, slope: Double, curvature: Double)

        init(_ task: ClientTask, efficiency y: Double) {
            let t0 = task.minimumTxTimeS
            let em1 = expm1(y)
            // expm1(y)/y − 1 = Σ_{n≥1} yⁿ/(n+1)!; the series below 1/4 (the closed form cancels
            // there), truncated after y¹³ (next term < 1e-18 relative).
            let excess: Double
            if y < 0.25 {
                var s = 1.0 / 87178291200
                s = s * y + 1.0 / 6227020800; s = s * y + 1.0 / 479001600; s = s * y + 1.0 / 39916800
                s = s * y + 1.0 / 3628800; s = s * y + 1.0 / 362880; s = s * y + 1.0 / 40320
                s = s * y + 1.0 / 5040; s = s * y + 1.0 / 720; s = s * y + 1.0 / 120
                s = s * y + 1.0 / 24; s = s * y + 1.0 / 6; s = s * y + 1.0 / 2
                excess = s * y
            } else {
                excess = (em1 - y) / y
            }
            // h(y) = y·eʸ − expm1(y) (the series of `LambertW.oneMinusExpTimesOneMinus` below 0.1).
            let h = y < 0.1 ? LambertW.oneMinusExpTimesOneMinus(y) : y * (em1 + 1) - em1
            txTimeS = t0 * (1 + excess)
            computeTimeS = (task.windowS - t0) - t0 * excess
            dTxTimeDEfficiency = t0 * h / (y * y)
            band = ClientOracle.minimumBandwidth(task, efficiency: y, expm1: em1, h: h)
        }
    }

    /// A client's frontier point, with the efficiency y* it sits at and d log y*/d log ν there
    /// (the warm start of the next price).
    struct SolvedPoint {
        var point: Point
        var efficiency: Double
        var efficiencyElasticity: Double
    }

    /// `point` searched in the efficiency y ∈ (0, y_max] (`Delivery`), y_max = `upperEfficiency`.
    /// With τ(y) decreasing, g(y) = −φ'(τ(y)) = b_min'(t) + ν·C/τ² is increasing in y
    /// (φ(τ) = b_min(W − τ) + νC/τ is convex), g' = φ''(τ)·dt/dy, and the root of g is τ*.
    /// The search's tolerance on y is `relativeTolerance` divided by the sensitivity
    /// |d log τ/d log y| = y·(dt/dy)/τ at the start, so that τ* keeps the requested accuracy.
    static func solvePoint(_ task: ClientTask, price: Double, startEfficiency: Double, upperEfficiency yMax: Double,
                           relativeTolerance: Double) -> SolvedPoint {
        let tauMin = task.minimumComputeTimeS
        let c = task.flops
        if tauMin > 0 {
            let band = ClientOracle.minimumBandwidth(task, txTimeS: task.windowS - tauMin, efficiency: yMax)
            if -band.slope - price * c / (tauMin * tauMin) >= 0 {
                // The cap binds: f = f_max, pinned (no response to ν).
                let f = task.maxComputeRateFlopsPerS
                return SolvedPoint(point: Point(computeTimeS: tauMin, computeRate: f, bandwidth: band.bandwidth,
                                                pricedUse: band.bandwidth + price * f, dComputeRate: 0, dBandwidth: 0),
                                   efficiency: yMax, efficiencyElasticity: 0)
            }
        }
        let start = startEfficiency > 0 && startEfficiency < yMax ? startEfficiency : yMax / 2
        let atStart = Delivery(task, efficiency: start)
        let sensitivity = start * atStart.dTxTimeDEfficiency / atStart.computeTimeS
        let tolerance = max(relativeTolerance / max(sensitivity.isFinite ? sensitivity : 1, 1), 4 * Double.ulpOfOne)
        let root = SafeguardedRoot.increasing(in: 0, yMax, start: start, relativeTolerance: tolerance) { y in
            let d = Delivery(task, efficiency: y)
            let tau = d.computeTimeS
            guard tau > 0 else { return (.infinity, .infinity) }   // rounding past τ = 0 at y_max
            let g = d.band.slope + price * c / (tau * tau)
            return (g, (d.band.curvature + 2 * price * c / (tau * tau * tau)) * d.dTxTimeDEfficiency)
        }
        let y = root.x
        let d = Delivery(task, efficiency: y)
        let tau = max(d.computeTimeS, tauMin)
        let f = min(c / tau, task.maxComputeRateFlopsPerS)
        // φ'(τ) = −b'(W − τ) − νC/τ² = 0; dτ/dν = (C/τ²)/φ''(τ).
        let curvature = d.band.curvature + 2 * price * c / (tau * tau * tau)
        let dTau = curvature > 0 && curvature.isFinite ? (c / (tau * tau)) / curvature : 0
        // dy/dν = −(dτ/dν)/(dt/dy).
        let elasticity = -price * dTau / (d.dTxTimeDEfficiency * y)
        return SolvedPoint(point: Point(computeTimeS: tau, computeRate: f, bandwidth: d.band.bandwidth,
                                        pricedUse: d.band.bandwidth + price * f,
                                        dComputeRate: -(c / (tau * tau)) * dTau, dBandwidth: -d.band.slope * dTau),
                           efficiency: y, efficiencyElasticity: elasticity.isFinite ? elasticity : 0)
    }

    /// Warm starts of a frontier search: every client's y* at the last price, and its elasticity
    /// d log y*/d log ν there, so that the next price's start is the tangent prediction
    /// log y ≈ log y* + (d log y*/d log ν)·Δ log ν. The searches move ν by up to a factor 100 per
    /// sweep, where the previous y* alone is a poor start and each client's root search pays
    /// several extra Newton–bisection steps.
    struct WarmStart {
        var price: Double
        var efficiencies: [Double]
        var elasticities: [Double]
        /// y_max per client (`upperEfficiency`), formed once.
        var upperEfficiencies: [Double]
        /// Relative tolerance of every client's τ*.
        var pointTolerance: Double

        /// Cold: every client at the middle of its compute times (`middle`).
        init(tasks: [ClientTask], price: Double, pointTolerance: Double) {
            let starts = tasks.map { ClientOracle.cappedEfficiency(ratio: ($0.windowS - middle($0)) / $0.minimumTxTimeS) }
            self.init(tasks: tasks, price: price, efficiencies: starts, pointTolerance: pointTolerance)
        }

        init(tasks: [ClientTask], price: Double, efficiencies: [Double], pointTolerance: Double) {
            self.price = price
            self.efficiencies = efficiencies
            self.pointTolerance = pointTolerance
            self.elasticities = Array(repeating: 0, count: efficiencies.count)
            self.upperEfficiencies = tasks.map(FeasibilityFrontier.upperEfficiency)
        }

        /// Threads evaluating the clients (`ClientChunks`; the sums do not depend on it).
        var threads = 1

        /// Σf, Σb and their derivatives at `price`, each client started at its tangent prediction;
        /// the warm starts move to `price`.
        mutating func sums(tasks: [ClientTask], price newPrice: Double) -> Sums {
            let shift = price > 0 && newPrice > 0 ? log(newPrice / price) : 0
            let tolerance = pointTolerance
            // Moved out and back (no copy), so that the chunks can write their clients' entries.
            var efficiencies: [Double] = [], elasticities: [Double] = []
            swap(&efficiencies, &self.efficiencies)
            swap(&elasticities, &self.elasticities)
            let partials = tasks.withUnsafeBufferPointer { tasks in
                upperEfficiencies.withUnsafeBufferPointer { upper in
                    efficiencies.withUnsafeMutableBufferPointer { efficiencyBuffer in
                        elasticities.withUnsafeMutableBufferPointer { elasticityBuffer in
                            // Writes through the pointers; the buffers themselves stay put.
                            let efficiencies = efficiencyBuffer, elasticities = elasticityBuffer
                            return ClientChunks.map(count: tasks.count, threads: threads) { range -> Sums in
                                var sums = Sums()
                                for i in range {
                                    let predicted = efficiencies[i] * exp(min(max(elasticities[i] * shift, -30), 30))
                                    let solved = solvePoint(tasks[i], price: newPrice,
                                                            startEfficiency: predicted.isFinite ? predicted : efficiencies[i],
                                                            upperEfficiency: upper[i], relativeTolerance: tolerance)
                                    elasticities[i] = solved.efficiencyElasticity
                                    efficiencies[i] = solved.efficiency
                                    let p = solved.point
                                    sums.computeRate += p.computeRate
                                    sums.bandwidth += p.bandwidth
                                    sums.dComputeRate += p.dComputeRate
                                    sums.dBandwidth += p.dBandwidth
                                }
                                return sums
                            }
                        }
                    }
                }
            }
            swap(&efficiencies, &self.efficiencies)
            swap(&elasticities, &self.elasticities)
            var sums = Sums()
            for part in partials { sums.add(part) }
            price = newPrice
            return sums
        }
    }

    /// Σf, Σb and their derivatives in ν at one price.
    public struct Sums: Sendable {
        public var computeRate = 0.0
        public var bandwidth = 0.0
        public var dComputeRate = 0.0
        public var dBandwidth = 0.0

        /// Adds another set of clients' sums (0 + x = x exactly, so one chunk's sums come through unchanged).
        mutating func add(_ other: Sums) {
            computeRate += other.computeRate
            bandwidth += other.bandwidth
            dComputeRate += other.dComputeRate
            dBandwidth += other.dBandwidth
        }
    }

    /// The frontier point at price ν, summed over `tasks`; `taus` holds the warm starts and receives
    /// the new compute times.
    public static func sums(tasks: [ClientTask], price: Double, taus: inout [Double]) -> Sums {
        // At its own price the tangent prediction is the start itself.
        let starts = tasks.indices.map {
            ClientOracle.cappedEfficiency(ratio: (tasks[$0].windowS - taus[$0]) / tasks[$0].minimumTxTimeS)
        }
        var warm = WarmStart(tasks: tasks, price: price, efficiencies: starts, pointTolerance: 1e-10)
        let sums = warm.sums(tasks: tasks, price: price)
        // τ = W − t(y) at every client's y* (the cap's τ_min where it binds).
        for i in tasks.indices {
            taus[i] = max(Delivery(tasks[i], efficiency: warm.efficiencies[i]).computeTimeS, tasks[i].minimumComputeTimeS)
        }
        return sums
    }

    /// Σ_k C_k/τ_max,k: the compute rate the clients need at the least (every one computing as
    /// slowly as its delivery allows), the ν → ∞ end of the frontier.
    public static func leastComputeRate(_ tasks: [ClientTask]) -> Double {
        tasks.reduce(0) { $0 + $1.flops / ($1.windowS - $1.minimumTxTimeS) }
    }

    /// Σ_k b_min,k(W_k − τ_min,k): the band the clients need at the least (compute as fast as the
    /// per-job cap allows; infinitely fast without one), the ν → 0 end of the frontier.
    public static func leastBandwidth(_ tasks: [ClientTask]) -> Double {
        tasks.reduce(0) { $0 + ClientOracle.minimumBandwidth($1, txTimeS: $1.windowS - $1.minimumComputeTimeS).bandwidth }
    }

    /// A start for the searches: the middle of a task's admissible compute times [τ_min, W − t₀).
    static func middle(_ task: ClientTask) -> Double {
        (task.minimumComputeTimeS + max(task.windowS - task.minimumTxTimeS, 0)) / 2
    }

    /// The outcome of the joint test.
    public struct Verdict: Sendable {
        /// Whether the clients fit within (F, B) together.
        public var fits: Bool
        /// β(F)/B: by how much B must be scaled for them to fit (≤ 1 when they fit); nil when no
        /// band can make them fit (Σ C/τ_max ≥ F), or when a quick verdict stopped before ν_F.
        public var bandScale: Double?
        /// The price ν the verdict rests on: ν_F (Σf = F) for an exact verdict, the certifying
        /// price for a quick one; nil when no band can make the clients fit.
        public var price: Double?
        /// Σf and Σb at `price`.
        public var computeRateUsed: Double = 0
        public var bandwidthUsed: Double = 0
        /// Every client's point at `price` (nil when no search ran): the warm start of the
        /// diagnosis's second search, which otherwise starts every client cold.
        var warmStart: WarmStart? = nil

        /// The priced capacity left at `price`: B + νF − Σ(b + νf) (negative when they do not fit).
        public func pricedRoom(computeRate: Double, bandwidth: Double) -> Double? {
            price.map { (bandwidth - bandwidthUsed) + $0 * (computeRate - computeRateUsed) }
        }
    }

    /// A screen with no search: whether the clients surely do not fit, because even the ends of the
    /// frontier exceed a budget (Σ C/τ_max ≥ F, or Σ b_min(W) ≥ B). False says nothing.
    public static func surelyDoesNotFit(tasks: [ClientTask], computeRate: Double, bandwidth: Double) -> Bool {
        leastComputeRate(tasks) >= computeRate || leastBandwidth(tasks) >= bandwidth
    }

    /// Whether `tasks` (each feasible alone: W > t₀) fit within (F, B) together: one Newton search
    /// for ν_F, ~5 sweeps. The band use at ν_F decides (β(F) ≤ B).
    ///
    /// `quick`: stop at the first sweep that decides, without the exact ν_F (no `bandScale`): a
    /// price with Σf ≤ F and Σb ≤ B is a witness that they fit (the frontier point is an
    /// allocation), and a price with Σ m_k(ν) − νF − B > 0 is a certificate that they do not
    /// (the concave dual is above 0 there, so its maximum is). Admission's many tests use it.
    ///
    /// `threads`: threads evaluating the clients of each sweep (`ClientChunks`); the verdict does
    /// not depend on it.
    public static func verdict(tasks: [ClientTask], computeRate: Double, bandwidth: Double,
                               quick: Bool = false, threads: Int = 1) -> Verdict {
        verdict(tasks: tasks, computeRate: computeRate, bandwidth: bandwidth, quick: quick, warmStart: nil, threads: threads)
    }

    /// At most `sweeps` passes of the verdict's search from price ν, stopped at the first that
    /// proves the clients do not fit: Σ m_k(ν') − ν'F − B > 0 at the pass's price ν' (the concave
    /// dual is positive there, so its maximum is). The sums are taken at numerically minimised τ, so
    /// they may exceed the exact Σ m_k(ν') by rounding: the test keeps a relative margin of 1e-9
    /// (the points are accurate to about 1e-20 in m, being stationary). Returns the last pass's
    /// points (the exact `verdict`'s warm start), its price and sums, and whether it proved
    /// infeasibility; nil when the caps make the ν → 0 end decide (no search needed) or a closed
    /// form already decides.
    static func probe(tasks: [ClientTask], computeRate: Double, bandwidth: Double, price: Double, sweeps: Int,
                      threads: Int = 1) -> (provesInfeasible: Bool, warmStart: WarmStart, sums: Sums)? {
        guard !tasks.isEmpty, tasks.reduce(0.0, { $0 + $1.maxComputeRateFlopsPerS }) > computeRate else { return nil }
        let computeLimit = leastComputeRate(tasks)
        guard computeLimit < computeRate else { return nil }
        var warm = WarmStart(tasks: tasks, price: price, pointTolerance: 1e-11)
        warm.threads = threads
        func proves(_ nu: Double, _ s: Sums) -> Bool {
            (s.bandwidth + nu * s.computeRate) > (bandwidth + nu * computeRate) * (1 + 1e-9)
        }
        var last: (price: Double, sums: Sums)? = nil
        let stopped = solve(tasks: tasks, warm: &warm, start: price, decreasing: true,
                            { ($0.computeRate, $0.dComputeRate) }, target: computeRate, limit: computeLimit,
                            stopWhen: { nu, s in last = (nu, s); return proves(nu, s) }, maxSweeps: sweeps)
        guard let (nu, s) = stopped ?? last.map({ ($0.price, $0.sums) }) else { return nil }
        return (proves(nu, s), warm, s)
    }

    /// `verdict`, its search started from `warmStart` (its price and points) when given, with
    /// `sumsAtWarmStart` the sums there when known (saving the first pass).
    static func verdict(tasks: [ClientTask], computeRate: Double, bandwidth: Double,
                        quick: Bool, warmStart: WarmStart?, sumsAtWarmStart: Sums? = nil, threads: Int = 1) -> Verdict {
        guard !tasks.isEmpty else { return Verdict(fits: true, bandScale: 0, price: 0) }
        let computeLimit = leastComputeRate(tasks)
        guard computeLimit < computeRate else {
            return Verdict(fits: false, bandScale: nil, price: nil)
        }
        let capSum = tasks.reduce(0.0) { $0 + $1.maxComputeRateFlopsPerS }
        if capSum <= computeRate {
            // The caps keep Σf ≤ F at every price: the ν → 0 end decides.
            let band = leastBandwidth(tasks)
            return Verdict(fits: band <= bandwidth, bandScale: band / bandwidth, price: 0,
                           computeRateUsed: capSum, bandwidthUsed: band)
        }
        var warm = warmStart ?? WarmStart(tasks: tasks, price: bandwidth / computeRate, pointTolerance: 1e-10)
        warm.threads = threads
        let decided: ((Double, Sums) -> Bool)? = quick ? { price, s in
            (s.computeRate <= computeRate && s.bandwidth <= bandwidth)
                || (s.bandwidth - bandwidth) + price * (s.computeRate - computeRate) > 0
        } : nil
        guard let (price, s) = solve(tasks: tasks, warm: &warm, start: warm.price, decreasing: true,
                                     { ($0.computeRate, $0.dComputeRate) }, target: computeRate,
                                     limit: computeLimit, stopWhen: decided, sumsAtStart: sumsAtWarmStart) else {
            return Verdict(fits: false, bandScale: nil, price: nil)
        }
        let converged = abs(log(s.computeRate / computeRate)) <= 1e-10
        let exact = decided == nil || converged
        let fits = exact ? s.bandwidth <= bandwidth : (s.computeRate <= computeRate && s.bandwidth <= bandwidth)
        return Verdict(fits: fits, bandScale: exact ? s.bandwidth / bandwidth : nil, price: price,
                       computeRateUsed: s.computeRate, bandwidthUsed: s.bandwidth, warmStart: warm)
    }

    /// Tolerance on |log Σb/B| of the diagnosis's compute-scale search: the factor it reports is a
    /// scale for a human or a capacity planner, right to about 8 digits; the exact 1e-10 of the
    /// verdict would cost two more sweeps over every client.
    static let diagnosisTolerance = 1e-8

    /// Diagnostics when `tasks` do not fit within (F, B) together; empty when they do.
    /// `verdict`: the joint test's outcome when the caller has it already (it is recomputed otherwise).
    /// `threads` as for `verdict`.
    public static func diagnose(tasks: [ClientTask], computeRate: Double, bandwidth: Double,
                                verdict known: Verdict? = nil, threads: Int = 1) -> [Diagnostic] {
        guard !tasks.isEmpty else { return [] }
        // Per-client case (no τ in [τ_min, W − t₀)): reported by the caller, one diagnostic per client.
        if tasks.contains(where: { !($0.windowS - $0.minimumTxTimeS > $0.minimumComputeTimeS) }) { return [] }
        let ids = tasks.map(\.id)
        let atCompute = known ?? verdict(tasks: tasks, computeRate: computeRate, bandwidth: bandwidth, threads: threads)
        if atCompute.fits { return [] }
        var computeScale: Double? = nil
        let bandwidthLimit = leastBandwidth(tasks)
        if bandwidthLimit < bandwidth {
            let start = atCompute.price ?? bandwidth / computeRate
            var warm = atCompute.warmStart ?? WarmStart(tasks: tasks, price: start, pointTolerance: 1e-10)
            warm.threads = threads
            if let (_, s) = solve(tasks: tasks, warm: &warm, start: start, decreasing: false,
                                  { ($0.bandwidth, $0.dBandwidth) }, target: bandwidth, limit: bandwidthLimit,
                                  tolerance: Self.diagnosisTolerance) {
                computeScale = s.computeRate / computeRate
            }
        }
        var diagnostics: [Diagnostic] = []
        if let bandScale = atCompute.bandScale, bandScale.isFinite {
            diagnostics.append(Diagnostic(
                constraint: "bandwidth", clients: ids,
                message: "the clients fit one by one but not together: with the compute rate as is, the band "
                    + "would have to grow by a factor \(bandScale) (to \(bandScale * bandwidth) Hz)",
                requiredScale: bandScale))
        } else {
            diagnostics.append(Diagnostic(
                constraint: "bandwidth", clients: ids,
                message: "the clients fit one by one but not together, and no band can make them fit with the "
                    + "compute rate as is: the compute rate must grow"))
        }
        if let computeScale, computeScale > 1, computeScale.isFinite {
            diagnostics.append(Diagnostic(
                constraint: "compute", clients: ids,
                message: "the clients fit one by one but not together: with the band as is, the compute rate "
                    + "would have to grow by a factor \(computeScale) (to \(computeScale * computeRate) FLOP/s)",
                requiredScale: computeScale))
        } else {
            diagnostics.append(Diagnostic(
                constraint: "compute", clients: ids,
                message: "the clients fit one by one but not together, and no compute rate can make them fit "
                    + "with the band as is: the band must grow"))
        }
        return diagnostics
    }

    /// Finds ν with S(ν) = target, where S (Σf, decreasing in ν, or Σb, increasing) comes with its
    /// derivative from `select`. Stops at |r| ≤ 1e-10 for r(x) = log S(eˣ) − log target in
    /// x = log ν, or at a bracket narrower than 1e-12; nil when no ν in [1e-200, 1e200] crosses
    /// (the caller has excluded that by the closed-form limits). `stopWhen`: ends the search early
    /// at the first sweep it accepts.
    ///
    /// The steps are Newton's on g(x) = log(S − L) − log(target − L), where L is S's limit at the
    /// end of the frontier that the search runs towards (`limit`: Σ C/τ_max as ν → ∞ for Σf,
    /// Σ b_min(W − τ_min) as ν → 0 for Σb). Near that end S − L decays like a power of ν, so g is
    /// nearly linear in x where r is not: plain Newton on r only shrank the residual about 3.5×
    /// per sweep there (9 sweeps to the band-overload diagnosis), Newton on g converges
    /// quadratically from the start. Where S − L is not positive in floating point the step is
    /// Newton's on r. Steps are capped at a factor 100 in ν (10⁴ for steps on g) and kept inside
    /// the bracket from the signs of r (bisection when a step leaves it).
    static func solve(tasks: [ClientTask], warm: inout WarmStart, start: Double, decreasing: Bool,
                      _ select: (Sums) -> (value: Double, derivative: Double), target: Double, limit: Double = 0,
                      tolerance: Double = 1e-10, stopWhen: ((Double, Sums) -> Bool)? = nil,
                      sumsAtStart: Sums? = nil, maxSweeps: Int = 200) -> (Double, Sums)? {
        // r is decreasing in x when S is; flip to an increasing residual either way.
        let sign = decreasing ? -1.0 : 1.0
        var x = log(max(start, 1e-300))
        var low = -Double.infinity, high = Double.infinity
        let maxStep = log(100.0)
        // g is nearly linear in x (S − L a power of ν), so its steps are trusted further: the
        // factor-100 cap alone cost the verdict and the band-overload diagnosis two sweeps each on
        // 10⁵ clients whose ν_F and ν_B lie 3–4 decades from their starts.
        let maxStepOnLimit = log(1e4)
        // Known sums are trusted only at the warm start's own price and accuracy.
        var known = warm.price == start && warm.pointTolerance <= min(1e-10, tolerance / 10) ? sumsAtStart : nil
        warm.pointTolerance = min(1e-10, tolerance / 10)
        for _ in 1...maxSweeps {
            let s = known ?? warm.sums(tasks: tasks, price: exp(x))
            known = nil
            let (value, derivative) = select(s)
            let r = sign * (log(value) - log(target))
            if r.isNaN { return nil }
            // 1e-10 by default: the per-client compute times are accurate to about that, so finer
            // is noise.
            if abs(r) <= tolerance || stopWhen?(exp(x), s) == true { return (exp(x), s) }
            if r < 0 { low = x } else { high = x }
            if high - low <= 1e-12 * max(1, abs(x)) { return (exp(x), s) }
            let slope = sign * exp(x) * derivative / value   // dr/dx > 0
            var next = x - r / slope
            var stepCap = maxStep
            if value > limit && target > limit && limit > 0 {
                let g = sign * (log(value - limit) - log(target - limit))
                let gSlope = sign * exp(x) * derivative / (value - limit)   // dg/dx > 0
                let step = x - g / gSlope
                if step.isFinite && gSlope > 0 { next = step; stepCap = maxStepOnLimit }
            }
            if !next.isFinite || !(slope > 0) { next = r < 0 ? x + maxStep : x - maxStep }
            next = min(max(next, x - stepCap), x + stepCap)
            if !(next > low && next < high) {
                next = (low.isFinite && high.isFinite) ? (low + high) / 2 : (r < 0 ? x + maxStep : x - maxStep)
            }
            if abs(next) > 460 { return nil }   // ν outside [1e-200, 1e200]: no crossing
            x = next
        }
        return nil
    }
}
