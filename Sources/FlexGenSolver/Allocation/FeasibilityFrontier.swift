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
/// by a bracket: about six sweeps over the clients each, O(K) per sweep.
/// Where no crossing exists the limits are closed forms: with Σ C_k/τ_max,k ≥ F no band can
/// compensate (Σf > F at every price); with Σ b_min,k(W_k) ≥ B (the band needed with infinite
/// compute) no compute rate can.
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

    /// The minimiser of b_min(W − τ) + ν·C/τ over τ ∈ (0, τ_max), τ_max = W − t₀, warm-started at
    /// `startComputeTimeS`. Requires W > t₀ (the client can deliver alone). Relative accuracy of
    /// τ* ~1e-10: the verdict compares sums against budgets, so far less would do.
    public static func point(_ task: ClientTask, price: Double, startComputeTimeS: Double) -> Point {
        let tauMax = task.windowS - task.minimumTxTimeS
        let c = task.flops
        let root = SafeguardedRoot.increasing(in: 0, tauMax, start: startComputeTimeS, relativeTolerance: 1e-10) { tau in
            let band = ClientOracle.minimumBandwidth(task, txTimeS: task.windowS - tau)
            return (-band.slope - price * c / (tau * tau), band.curvature + 2 * price * c / (tau * tau * tau))
        }
        let tau = root.x
        let band = ClientOracle.minimumBandwidth(task, txTimeS: task.windowS - tau)
        let f = c / tau
        // φ'(τ) = −b'(W − τ) − νC/τ² = 0; dτ/dν = (C/τ²)/φ''(τ).
        let curvature = band.curvature + 2 * price * c / (tau * tau * tau)
        let dTau = curvature > 0 && curvature.isFinite ? (c / (tau * tau)) / curvature : 0
        return Point(computeTimeS: tau, computeRate: f, bandwidth: band.bandwidth, pricedUse: band.bandwidth + price * f,
                     dComputeRate: -(c / (tau * tau)) * dTau, dBandwidth: -band.slope * dTau)
    }

    /// Σf, Σb and their derivatives in ν at one price.
    public struct Sums: Sendable {
        public var computeRate = 0.0
        public var bandwidth = 0.0
        public var dComputeRate = 0.0
        public var dBandwidth = 0.0
    }

    /// The frontier point at price ν, summed over `tasks`; `taus` holds the warm starts and receives
    /// the new compute times.
    public static func sums(tasks: [ClientTask], price: Double, taus: inout [Double]) -> Sums {
        var sums = Sums()
        for i in tasks.indices {
            let p = point(tasks[i], price: price, startComputeTimeS: taus[i])
            taus[i] = p.computeTimeS
            sums.computeRate += p.computeRate
            sums.bandwidth += p.bandwidth
            sums.dComputeRate += p.dComputeRate
            sums.dBandwidth += p.dBandwidth
        }
        return sums
    }

    /// Σ_k C_k/τ_max,k: the compute rate the clients need at the least (every one computing as
    /// slowly as its delivery allows), the ν → ∞ end of the frontier.
    public static func leastComputeRate(_ tasks: [ClientTask]) -> Double {
        tasks.reduce(0) { $0 + $1.flops / ($1.windowS - $1.minimumTxTimeS) }
    }

    /// Σ_k b_min,k(W_k): the band the clients need at the least (infinitely fast compute), the
    /// ν → 0 end of the frontier.
    public static func leastBandwidth(_ tasks: [ClientTask]) -> Double {
        tasks.reduce(0) { $0 + ClientOracle.minimumBandwidth($1, txTimeS: $1.windowS).bandwidth }
    }

    /// The outcome of the joint test.
    public struct Verdict: Sendable {
        /// Whether the clients fit within (F, B) together.
        public var fits: Bool
        /// β(F)/B: by how much B must be scaled for them to fit (≤ 1 when they fit); nil when no
        /// band can make them fit (Σ C/τ_max ≥ F).
        public var bandScale: Double?
        /// ν_F, the price at which Σf = F (nil with `bandScale`).
        public var priceAtComputeBudget: Double?
    }

    /// A screen with no search: whether the clients surely do not fit, because even the ends of the
    /// frontier exceed a budget (Σ C/τ_max ≥ F, or Σ b_min(W) ≥ B). False says nothing.
    public static func surelyDoesNotFit(tasks: [ClientTask], computeRate: Double, bandwidth: Double) -> Bool {
        leastComputeRate(tasks) >= computeRate || leastBandwidth(tasks) >= bandwidth
    }

    /// Whether `tasks` (each feasible alone: W > t₀) fit within (F, B) together: one Newton search
    /// for ν_F, ~6 sweeps. The band use at ν_F decides (β(F) ≤ B).
    public static func verdict(tasks: [ClientTask], computeRate: Double, bandwidth: Double) -> Verdict {
        guard !tasks.isEmpty else { return Verdict(fits: true, bandScale: 0, priceAtComputeBudget: 0) }
        guard leastComputeRate(tasks) < computeRate else {
            return Verdict(fits: false, bandScale: nil, priceAtComputeBudget: nil)
        }

        var taus = tasks.map { max($0.windowS - $0.minimumTxTimeS, 0) / 2 }
        guard let (price, s) = solve(tasks: tasks, taus: &taus, start: bandwidth / computeRate, decreasing: true,
                                     { ($0.computeRate, $0.dComputeRate) }, target: computeRate) else {
            return Verdict(fits: false, bandScale: nil, priceAtComputeBudget: nil)
        }
        let scale = s.bandwidth / bandwidth
        return Verdict(fits: scale <= 1, bandScale: scale, priceAtComputeBudget: price)
    }

    /// Diagnostics when `tasks` do not fit within (F, B) together; empty when they do.
    /// `verdict`: the joint test's outcome when the caller has it already (it is recomputed otherwise).
    public static func diagnose(tasks: [ClientTask], computeRate: Double, bandwidth: Double,
                                verdict known: Verdict? = nil) -> [Diagnostic] {
        guard !tasks.isEmpty else { return [] }
        if tasks.contains(where: { !($0.windowS > $0.minimumTxTimeS) }) { return [] }  // per-client case
        let ids = tasks.map(\.id)
        let atCompute = known ?? verdict(tasks: tasks, computeRate: computeRate, bandwidth: bandwidth)
        if atCompute.fits { return [] }
        var computeScale: Double? = nil
        if leastBandwidth(tasks) < bandwidth {
            var taus = tasks.map { max($0.windowS - $0.minimumTxTimeS, 0) / 2 }
            let start = atCompute.priceAtComputeBudget ?? bandwidth / computeRate
            if let (_, s) = solve(tasks: tasks, taus: &taus, start: start, decreasing: false,
                                  { ($0.bandwidth, $0.dBandwidth) }, target: bandwidth) {
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
    /// derivative from `select`. Newton on r(x) = log S(eˣ) − log target in x = log ν, steps capped
    /// at a factor 100 in ν, inside a bracket kept from the signs of r (bisection when Newton
    /// leaves it). Stops at |r| ≤ 1e-13 or a bracket narrower than 1e-13; nil when no ν in
    /// [1e-200, 1e200] crosses (the caller has excluded that by the closed-form limits).
    static func solve(tasks: [ClientTask], taus: inout [Double], start: Double, decreasing: Bool,
                      _ select: (Sums) -> (value: Double, derivative: Double), target: Double) -> (Double, Sums)? {
        // r is decreasing in x when S is; flip to an increasing residual either way.
        let sign = decreasing ? -1.0 : 1.0
        var x = log(max(start, 1e-300))
        var low = -Double.infinity, high = Double.infinity
        let maxStep = log(100.0)
        for _ in 0..<200 {
            let s = sums(tasks: tasks, price: exp(x), taus: &taus)
            let (value, derivative) = select(s)
            let r = sign * (log(value) - log(target))
            if r.isNaN { return nil }
            if abs(r) <= 1e-13 { return (exp(x), s) }
            if r < 0 { low = x } else { high = x }
            if high - low <= 1e-13 * max(1, abs(x)) { return (exp(x), s) }
            let slope = sign * exp(x) * derivative / value   // dr/dx > 0
            var next = x - r / slope
            if !next.isFinite || !(slope > 0) { next = r < 0 ? x + maxStep : x - maxStep }
            next = min(max(next, x - maxStep), x + maxStep)
            if !(next > low && next < high) {
                next = (low.isFinite && high.isFinite) ? (low + high) / 2 : (r < 0 ? x + maxStep : x - maxStep)
            }
            if abs(next) > 460 { return nil }   // ν outside [1e-200, 1e200]: no crossing
            x = next
        }
        return nil
    }
}
