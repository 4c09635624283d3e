import Foundation

extension EpsilonErrorProfile {
    /// K_s(w) (docs/theory.md, Step 4′): the network-error part of the KL bound of the s-step DDIM
    /// sampler itself, which queries the network only at its timesteps τ (`NoiseSchedule.ddimTimesteps`)
    /// and holds ε̂(x_τ, τ) over the whole step down to the next one:
    ///
    ///     K_s(w) = ½·p·Σ_i W_i·(m̄_{τ_i}(w) − m̄_{τ_i}(reference)),   W_i = Σ_{t ∈ (τ_{i+1}, τ_i], t ≥ from} β_t/(1 − ᾱ_t)
    ///
    /// (τ in sampling order, descending; the last step covers t = 0 … τ_last). This is the discrete
    /// Girsanov bound's score-error term (Chen et al. 2023: Σ_k h_k·E‖ŝ(t_k) − ∇log q_{t_k}‖²) in
    /// the KL weighting of `klExcess`. For s = T every timestep is visited with W = β_t/(1 − ᾱ_t),
    /// and K_T equals `klExcess(w, from:)` on a fully dense grid (tested); for s < T the error at the
    /// small t the sampler never visits does not count and the visited ones count for their whole step.
    ///
    /// m̄_τ between the profile's grid timesteps is linearly interpolated (constant beyond its ends):
    /// m_t is smooth in t beyond the dense start, which the profile covers at every t.
    /// Returns nil when `w` or `reference` was not measured. Precondition: 1 ≤ steps ≤ T.
    public func visitedKLExcess(_ w: Double, steps: Int, schedule: NoiseSchedule, from t0: Int = 0, over reference: Double = 1) -> Double? {
        guard let a = at(w), let b = at(reference) else { return nil }
        let excess = zip(a.perTimestep, b.perTimestep).map { $0 - $1 }
        let tau = schedule.ddimTimesteps(steps: steps)
        var sum = 0.0
        for (i, t) in tau.enumerated() {
            let lower = i + 1 < tau.count ? tau[i + 1] + 1 : 0
            let start = max(lower, t0)
            guard start <= t else { continue }
            var weight = 0.0
            for u in start...t { weight += schedule.beta(u) / (1 - schedule.alphaBar[u]) }
            sum += weight * interpolated(excess, at: t)
        }
        return 0.5 * Double(pixelCount) * sum
    }

    /// `values` (one per grid timestep, `timesteps` ascending) linearly interpolated at t.
    func interpolated(_ values: [Double], at t: Int) -> Double {
        guard let first = timesteps.first, let last = timesteps.last else { return .nan }
        if t <= first { return values[0] }
        if t >= last { return values[values.count - 1] }
        let hi = timesteps.firstIndex { $0 >= t }!
        if timesteps[hi] == t { return values[hi] }
        let lo = hi - 1, f = Double(t - timesteps[lo]) / Double(timesteps[hi] - timesteps[lo])
        return values[lo] + f * (values[hi] - values[lo])
    }
}
