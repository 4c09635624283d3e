import Foundation
import FlexGenModel
import FlexGenNumerics

/// Exact joint-feasibility test and budget-scale diagnosis for fixed configurations.
///
/// Ignoring energy, the least band the clients need with compute rate F is
///   β(F) = min Σ_k b_min,k(W_k − C_k/f_k)  s.t.  Σ_k f_k ≤ F,
/// where b_min(t) is the least band that delivers D in time t at P_max (the power-capped band of
/// `ClientOracle`, convex and decreasing in t). The clients fit together iff β(F) ≤ B.
/// Pricing compute at ν (Hz per FLOP/s) splits it per client: minimise b_min(W − τ) + ν·C/τ over
/// τ ∈ (0, W − t₀), a convex 1-D problem solved by safeguarded Newton. As ν runs over (0, ∞) the
/// responses trace the Pareto frontier of (Σf, Σb): Σf falls and Σb rises monotonically. Hence
/// - the band must grow by s_B = Σb(ν_F)/B where Σf(ν_F) = F,
/// - the compute rate by s_F = Σf(ν_B)/F where Σb(ν_B) = B,
/// each a 1-D monotone search (bracket expansion, then bisection with secant steps in log ν to
/// 1e-12 relative). A budget that cannot compensate at any scale (e.g. B below Σ b_min(W_k), which
/// no compute rate can fix) gets no scale.
///
/// Per-job cap f ≤ f_max: τ ranges over [τ_min, W − t₀) with τ_min = C/f_max, the per-client
/// minimiser is max(root, τ_min) (the problem is convex in τ). As ν → 0 every client sits at τ_min,
/// so Σf never exceeds Σ f_max: when Σ f_max ≤ F the compute budget cannot bind and the band must
/// grow to Σ b_min(W − τ_min) (no ν_F exists then).
public enum FeasibilityFrontier {
    /// Diagnostics when `tasks` do not fit within (F, B) together; empty when they do.
    public static func diagnose(tasks: [ClientTask], computeRate: Double, bandwidth: Double) -> [Diagnostic] {
        guard !tasks.isEmpty else { return [] }
        // Per-client case (no τ in [τ_min, W − t₀)): reported by the caller, one diagnostic per client.
        if tasks.contains(where: { !($0.windowS - $0.minimumTxTimeS > $0.minimumComputeTimeS) }) { return [] }
        var taus = tasks.map(Self.middle)
        let ids = tasks.map(\.id)

        // ν_F: Σf(ν) = F.
        let atComputeBudget: (Double, Sums)?
        let capSum = tasks.reduce(0.0) { $0 + $1.maxComputeRateFlopsPerS }
        if capSum <= computeRate {
            // The caps keep Σf ≤ F at every price: the frontier's ν → 0 end, every client at τ_min.
            atComputeBudget = (0, sums(tasks: tasks, price: 0, taus: &taus))
        } else {
            atComputeBudget = solve(tasks: tasks, taus: &taus, start: bandwidth / computeRate) { s in
                log(s.computeRate / computeRate)   // decreasing in ν
            }
        }
        // Without ν_F the demand for compute exceeds F at every price: no band can compensate.
        let bandScale = atComputeBudget.map { $0.1.bandwidth / bandwidth }
        if let bandScale, bandScale <= 1 { return [] }
        // ν_B: Σb(ν) = B (exists only when B exceeds the band needed at infinite compute).
        taus = tasks.map(Self.middle)
        let atBandBudget = solve(tasks: tasks, taus: &taus, start: bandwidth / computeRate) { s in
            -log(s.bandwidth / bandwidth)      // decreasing in ν
        }
        let computeScale = atBandBudget.map { $0.1.computeRate / computeRate }
        var diagnostics: [Diagnostic] = []
        if let bandScale, bandScale.isFinite {
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

    /// Σf and Σb of the frontier point at price ν.
    public struct Sums: Sendable { public var computeRate: Double; public var bandwidth: Double }

    /// The middle of a task's admissible compute times [τ_min, W − t₀): a start for the searches.
    static func middle(_ task: ClientTask) -> Double {
        (task.minimumComputeTimeS + max(task.windowS - task.minimumTxTimeS, 0)) / 2
    }

    /// The frontier point at price ν: per client the minimiser of b_min(W − τ) + ν·C/τ over
    /// τ ∈ [τ_min, W − t₀) (τ_min when the slope is already ≥ 0 there: the cap binds).
    public static func sums(tasks: [ClientTask], price: Double, taus: inout [Double]) -> Sums {
        var sums = Sums(computeRate: 0, bandwidth: 0)
        for i in tasks.indices {
            let task = tasks[i]
            let tauMax = task.windowS - task.minimumTxTimeS
            let tauMin = task.minimumComputeTimeS
            let c = task.flops
            func slope(_ tau: Double) -> (value: Double, derivative: Double) {
                let band = ClientOracle.minimumBandwidth(task, txTimeS: task.windowS - tau)
                return (-band.slope - price * c / (tau * tau), band.curvature + 2 * price * c / (tau * tau * tau))
            }
            let tau: Double
            if tauMin > 0 && slope(tauMin).value >= 0 {
                tau = tauMin
            } else {
                tau = SafeguardedRoot.increasing(in: tauMin, tauMax, start: taus[i], slope).x
            }
            taus[i] = tau
            sums.computeRate += min(c / tau, task.maxComputeRateFlopsPerS)
            sums.bandwidth += ClientOracle.minimumBandwidth(task, txTimeS: task.windowS - tau).bandwidth
        }
        return sums
    }

    /// Finds ν with g(Σ(ν)) = 0 for g decreasing in ν; nil when no ν in [1e-200, 1e200] brackets it.
    static func solve(tasks: [ClientTask], taus: inout [Double], start: Double,
                      _ g: (Sums) -> Double) -> (Double, Sums)? {
        var l = log(max(start, 1e-300))
        var s = sums(tasks: tasks, price: exp(l), taus: &taus)
        var value = g(s)
        if value == 0 { return (exp(l), s) }
        // Expand by decades to a bracket: value > 0 ⇒ ν too small.
        if value.isNaN { return nil }
        var low = value > 0 ? l : -Double.infinity, gLow = value
        var high = value > 0 ? Double.infinity : l, gHigh = value
        while !low.isFinite || !high.isFinite {
            l += value > 0 ? log(10.0) : -log(10.0)
            if abs(l) > 460 { return nil }   // ν outside [1e-200, 1e200]: no crossing
            s = sums(tasks: tasks, price: exp(l), taus: &taus)
            value = g(s)
            if value.isNaN { return nil }
            if value == 0 { return (exp(l), s) }
            if value > 0 { low = l; gLow = value } else { high = l; gHigh = value }
        }
        // Bisection safeguarded regula falsi (Illinois) in log ν.
        var best = (exp(l), s)
        var side = 0
        for _ in 0..<200 {
            var x = (low * gHigh - high * gLow) / (gHigh - gLow)
            if !(x > low && x < high) { x = (low + high) / 2 }
            s = sums(tasks: tasks, price: exp(x), taus: &taus)
            value = g(s)
            best = (exp(x), s)
            if abs(value) <= 1e-13 || high - low <= 1e-13 * max(1, abs(x)) { break }
            if value > 0 {
                low = x; gLow = value
                if side == 1 { gHigh /= 2 }
                side = 1
            } else {
                high = x; gHigh = value
                if side == -1 { gLow /= 2 }
                side = -1
            }
        }
        return best
    }
}
