import Foundation
import FlexGenNumerics

/// The per-client oracle: one client's best response to the compute price μ (J per FLOP/s) and the
/// bandwidth price λ (J per Hz).
///
/// ## The problem
/// minimise  C(e0 + κf²) + μf + p·t + λb   over f, b, p, t > 0
/// s.t.      C/f + t = W  (latency tight, W = T − u),  b·t·log2(1 + pg/(N0 b)) = D  (delivery tight),
///           p ≤ P_max,  f ≤ f_max (the per-job cap; +∞ without one).
/// Both equality constraints are tight at an optimum because the energy decreases in t and in b.
///
/// ## Reduction (all closed forms; y = ln2·D/(b·t) is the spectral efficiency in nats/s/Hz)
/// - Transmit energy: p·t = a·expm1(y)/y with a = N0·D·ln2/g, independent of t for fixed y.
/// - Bandwidth for fixed t (uncapped): minimising a·expm1(y)/y + λ·ln2·D/(y·t) over y gives
///   h(y) = 1 − eʸ(1 − y) = k with k = λg/(N0·t), i.e. **y = 1 + W₀((k − 1)/e)**, b = ln2·D/(y·t).
/// - Power cap: p ≤ P_max ⇔ expm1(y)/y ≤ R = t/t₀ (t₀ = a/P_max) ⇔ y ≤ y_max(t), i.e.
///   b ≥ b_min(t) = ln2·D/(t₀·expm1(y_max)) with **y_max = −W₋₁(−s·e^{−s}) − s**, s = t₀/t.
///   The cost is unimodal in y, so the capped optimum is min(y, y_max).
/// - Split: with τ = C/f and t = W − τ the remaining cost J(τ) = κC³/τ² + μC/τ + H(t) is convex
///   on (0, τ_max), τ_max = W − t₀, where H(t) is the transmit cost (energy + λb) at its best band.
///   J'(τ) = P(t) − N(τ) with the compute marginal N(τ) = 2κC³/τ³ + μC/τ² and the transmit
///   marginal P(t) = −H'(t) = λb/t (uncapped, by the envelope theorem) or −P_max − λ·b_min'(t)
///   (capped). P > 0 on both branches (H is convex and decreasing: at the branch switch P = λb/t,
///   and on the capped side t is shorter) and continuous; N > 0 decreases in τ, P increases in τ.
/// - Split search: Newton on **φ(x) = log P − log N = 0 in x = log(τ/(τ_max − τ))**, not on J' in τ.
///   Why: P and N are close to power laws, so φ is nearly linear in x. With σ the logistic function,
///   dφ/dx = σ(−x)·n + σ(x)·p where n = −τN'/N ∈ [2, 3] (N ∝ τ⁻³ or τ⁻²) and p = (t − t₀)P'/P
///   = (2 − q)(1 − t₀/t) uncapped (P ∝ t^{−(2−q)}, q = h(y)/(y²eʸ) ∈ (0, ½]) and → 2 capped near
///   t₀ (P ∝ (t − t₀)⁻², the pole of b_min). So dφ/dx > 0 is of order 1 and tends to constants at
///   both ends (it is larger only on the capped branch next to the switch when P ≪ P_max): Newton
///   from any start takes a handful of steps. Newton on J' in τ instead (the
///   previous method) overshoots out of its bracket whenever the root sits near an end, since
///   J' ∝ t⁻² as t → 0 — typical when compute is unpriced (μ = 0) and a client spends almost its
///   whole window computing — and then fell back to bisection: 16 steps per client on a cold start
///   and 40 after a 100× price change on the scenario generator's instances, against ~5 now.
///   Where the power cap does not bind, P ∝ t^{−(2−q)} has no pole at t₀ and the step is taken in
///   ξ = log(τ/t) instead (in x, dφ/dx → 0 when t − t₀ ≪ t). Both steps map back to τ with one exp.
///   The search keeps a bracket in τ (by the sign of J'), takes false position on φ in x between
///   its ends when a step leaves it (or steps out by e⁸ in τ/(τ_max − τ) while a side is open),
///   and stops when |J'| is at rounding level or the Newton correction moves τ by at most 4 ulps
///   (quadratic convergence: τ is then within ~4 ulps of the root). φ is continuous across the
///   switch to the capped branch; only its slope jumps, which costs a few extra steps when the
///   root lies just past the switch. Should it not converge within `maxIterations / 2` steps (not
///   observed), the bracketed safeguarded Newton on J' in τ (`SafeguardedRoot`) finishes from the
///   bracket found.
/// - Per-job cap: f ≤ f_max is the lower bound τ ≥ τ_min = C/f_max on the compute time, kept as a
///   constraint of this subproblem (not dualised). J is convex, so the KKT conditions on
///   [τ_min, τ_max) are J'(τ) = ρ_τ ≥ 0 with ρ_τ(τ − τ_min) = 0: if J'(τ_min) ≥ 0 the bound is active,
///   τ = τ_min, f = f_max, with multiplier ρ_τ = J'(τ_min) (in the f variable ρ = (τ_min²/C)·ρ_τ,
///   J per FLOP/s, `computeRateCapPrice`); otherwise the root of J' lies in (τ_min, τ_max) and the
///   split search runs there with τ_min as the lower end of its bracket. Either way the value is
///   the exact minimum of the capped subproblem, so the sum of values stays a valid Lagrangian
///   bound for the capped problem. With the rate pinned, ∂f/∂μ = ∂f/∂λ = ∂b/∂μ = 0 and ∂b/∂λ is
///   the transmit subproblem's at t = W − τ_min. τ_min ≥ τ_max (the cap leaves no time to
///   transmit): infeasible, as for W ≤ t₀.
/// - There is no closed form for the split even with μ = 0: stationarity reads 2κC³/τ³ = λb(t)/t
///   (uncapped) with τ = W − t, a polynomial-times-Lambert-W equation in t.
///
/// Each closed form is polished by Newton on an equation that is evaluated without cancellation
/// (h via its series near 0, expm1(y)/y), so y is correct to a few ulps even where the Lambert-W
/// argument sits at the branch point (k → 0 or t → t₀).
///
/// ## Edge cases
/// - W − t₀ ≤ τ_min (even unlimited band at P_max cannot deliver in time, at the capped rate):
///   `isFeasible == false`, value +∞.
/// - λ = 0: bandwidth is free, the infimum is approached as b → ∞ (transmit energy → a, t → t₀):
///   b = +∞, t = t₀, τ = W − t₀, p = P_max.
/// - κ = 0 and μ = 0 (λ > 0): compute is free, the infimum is approached as f → ∞: f = +∞, τ = 0;
///   with a cap, f = f_max and τ = τ_min (J' = P > 0 everywhere: the bound is active).
/// - Very good channels (k → 0⁺, y → 0) and very bad ones (k → ∞, power cap binding near t₀) are
///   covered by the cancellation-free forms above.
///
/// ## Postconditions and tolerance
/// τ is the root of J' to within 4 ulps (or |J'| at rounding level); the value is then exact to
/// rounding (J is flat at its minimum), so summing values gives a valid Lagrangian lower bound.
/// τ + t ≤ W holds in floating point (t = W − τ rounded; τ is stepped down an ulp if needed).
/// f·τ = C, τ + t = W up to one rounding; p ≤ P_max·(1 + 4 ulp).
public enum ClientOracle {
    @usableFromInline static let ln2 = 0.6931471805599453

    /// Best response of `task` at prices (μ, λ) ≥ 0. `warmStart`: a previous response of the same
    /// task (its compute time seeds the split search; it changes the iteration count, not the answer).
    /// `maxIterations` caps the split search (`AllocationSettings.maxSplitIterations`); the bracketed
    /// search converges long before the default.
    public static func evaluate(_ task: ClientTask, computePrice mu: Double, bandwidthPrice lambda: Double,
                                warmStart: ClientResponse? = nil, maxIterations: Int = 200) -> ClientResponse {
        evaluate(task, computePrice: mu, bandwidthPrice: lambda, startComputeTimeS: warmStart?.computeTimeS,
                 efficiencyHint: warmStart?.spectralEfficiency ?? 0, maxIterations: maxIterations)
    }

    /// `evaluate` with the split search started at `startComputeTimeS` (nil: the middle of the
    /// admissible range) and the efficiency solve seeded by `efficiencyHint` (0: closed form).
    static func evaluate(_ task: ClientTask, computePrice mu: Double, bandwidthPrice lambda: Double,
                         startComputeTimeS: Double?, efficiencyHint hint: Double,
                         maxIterations: Int = 200) -> ClientResponse {
        let c = task.flops, w = task.windowS
        let a = task.shannonEnergyJ, t0 = task.minimumTxTimeS
        let pmax = task.maxTxPowerW
        let tauMax = w - t0
        let tauMin = task.minimumComputeTimeS   // 0 without a cap
        guard tauMax > tauMin, t0.isFinite else {
            return ClientResponse(value: .infinity, computeRateFlopsPerS: .nan, bandwidthHz: .nan, txPowerW: .nan,
                                  txTimeS: .nan, computeTimeS: .nan, computeEnergyJ: .nan, txEnergyJ: .nan,
                                  spectralEfficiency: .nan, powerCapActive: true,
                                  dComputeRateDComputePrice: .nan, dComputeRateDBandwidthPrice: .nan,
                                  dBandwidthDComputePrice: .nan, dBandwidthDBandwidthPrice: .nan,
                                  stationarityResidual: .nan, iterations: 0, isFeasible: false)
        }
        let kappaC3 = task.dvfsCoefficient * c * c * c
        let fixedComputeEnergy = c * task.energyPerFlopJ

        if lambda == 0 {
            // Free band: b → ∞, transmit energy → a at any t > t₀; compute wants the longest τ.
            let tau = (kappaC3 > 0 || mu > 0) ? tauMax : (tauMin + tauMax) / 2
            let f = c / tau
            let computeEnergy = fixedComputeEnergy + kappaC3 / (tau * tau)
            return ClientResponse(value: computeEnergy + mu * f + a, computeRateFlopsPerS: f, bandwidthHz: .infinity,
                                  txPowerW: pmax, txTimeS: w - tau, computeTimeS: tau, computeEnergyJ: computeEnergy,
                                  txEnergyJ: a, spectralEfficiency: 0, powerCapActive: false,
                                  dComputeRateDComputePrice: .nan, dComputeRateDBandwidthPrice: .nan,
                                  dBandwidthDComputePrice: .nan, dBandwidthDBandwidthPrice: .nan,
                                  stationarityResidual: 0, iterations: 0, isFeasible: true)
        }
        if tauMin > 0 {
            // J' increases in τ: J'(τ_min) ≥ 0 means the root lies at or below τ_min, so the cap
            // binds (also when compute is free, κ = μ = 0, where J' = P > 0).
            let s = split(task, tau: tauMin, mu: mu, lambda: lambda, efficiencyHint: hint)
            if s.slope >= 0 || (kappaC3 == 0 && mu == 0) {
                return atComputeRateCap(task, split: s, mu: mu, lambda: lambda)
            }
            let root = splitSearch(task, mu: mu, lambda: lambda, tauMax: tauMax, start: startComputeTimeS,
                                   efficiencyHint: s.freeEfficiency, maxIterations: maxIterations,
                                   lowerEnd: s)
            return response(task, root: root, mu: mu, lambda: lambda, tauMin: tauMin, extraIterations: 1)
        }
        if kappaC3 == 0 && mu == 0 {
            // Free compute: f → ∞, τ → 0, the whole window goes to transmission.
            let s = split(task, tau: 0, mu: 0, lambda: lambda)
            return ClientResponse(value: fixedComputeEnergy + s.txEnergy + lambda * s.bandwidth,
                                  computeRateFlopsPerS: .infinity, bandwidthHz: s.bandwidth, txPowerW: s.power,
                                  txTimeS: w, computeTimeS: 0, computeEnergyJ: fixedComputeEnergy, txEnergyJ: s.txEnergy,
                                  spectralEfficiency: s.efficiency, powerCapActive: s.capped,
                                  dComputeRateDComputePrice: .nan, dComputeRateDBandwidthPrice: .nan,
                                  dBandwidthDComputePrice: .nan, dBandwidthDBandwidthPrice: .nan,
                                  stationarityResidual: 0, iterations: 0, isFeasible: true)
        }

        let root = splitSearch(task, mu: mu, lambda: lambda, tauMax: tauMax, start: startComputeTimeS,
                               efficiencyHint: hint, maxIterations: maxIterations)
        return response(task, root: root, mu: mu, lambda: lambda, tauMin: 0, extraIterations: 0)
    }

    /// The response with the cap active: τ = τ_min, f = f_max exactly, at the split `s` evaluated
    /// at τ_min. Multiplier ρ = (τ_min²/C)·max(J'(τ_min), 0); sensitivities of the pinned rate 0.
    static func atComputeRateCap(_ task: ClientTask, split s: Split, mu: Double, lambda: Double) -> ClientResponse {
        let c = task.flops, tau = s.tau
        let f = task.maxComputeRateFlopsPerS
        let computeEnergy = c * task.energyPerFlopJ + task.dvfsCoefficient * c * f * f
        return ClientResponse(
            value: computeEnergy + mu * f + s.txEnergy + lambda * s.bandwidth,
            computeRateFlopsPerS: f, bandwidthHz: s.bandwidth, txPowerW: min(s.power, task.maxTxPowerW),
            txTimeS: task.windowS - tau, computeTimeS: tau, computeEnergyJ: computeEnergy, txEnergyJ: s.txEnergy,
            spectralEfficiency: s.efficiency, powerCapActive: s.capped,
            dComputeRateDComputePrice: 0, dComputeRateDBandwidthPrice: 0,
            dBandwidthDComputePrice: 0, dBandwidthDBandwidthPrice: s.dBandwidthDLambda,
            stationarityResidual: 0, iterations: 1, isFeasible: true,
            computeRateCapActive: true, computeRateCapPrice: tau * tau / c * max(s.slope, 0))
    }

    /// The response at the root found by `splitSearch` (cap slack): τ kept ≥ `tauMin` and τ + t ≤ W.
    static func response(_ task: ClientTask, root: (tau: Double, split: Split?, iterations: Int),
                         mu: Double, lambda: Double, tauMin: Double, extraIterations: Int) -> ClientResponse {
        let c = task.flops, w = task.windowS, pmax = task.maxTxPowerW
        let kappaC3 = task.dvfsCoefficient * c * c * c
        let fixedComputeEnergy = c * task.energyPerFlopJ
        var tau = root.tau
        var found = root.split
        // τ + t must not exceed W after rounding (t = W − τ is rounded when τ < W/2): step τ down
        // by an ulp until it fits (at most a few; within the root's 4-ulp tolerance).
        for _ in 0..<4 where tau + (w - tau) > w && tau > tauMin {
            tau = tau.nextDown
            found = nil
        }
        let s = found ?? split(task, tau: tau, mu: mu, lambda: lambda)
        let iterations = root.iterations + (found == nil ? 1 : 0) + extraIterations
        // f ≤ f_max also after rounding (τ ≥ τ_min but C/τ may round up past the cap).
        let f = min(c / tau, task.maxComputeRateFlopsPerS)
        let computeEnergy = fixedComputeEnergy + kappaC3 / (tau * tau)
        // Implicit differentiation of J'(τ; μ, λ) = 0.
        let cOverTau2 = c / (tau * tau)
        let dTauDMu = cOverTau2 / s.curvature
        let dTauDLambda = -s.dSlopeDLambda / s.curvature
        return ClientResponse(
            value: computeEnergy + mu * f + s.txEnergy + lambda * s.bandwidth,
            computeRateFlopsPerS: f, bandwidthHz: s.bandwidth, txPowerW: min(s.power, pmax),
            txTimeS: w - tau, computeTimeS: tau, computeEnergyJ: computeEnergy, txEnergyJ: s.txEnergy,
            spectralEfficiency: s.efficiency, powerCapActive: s.capped,
            dComputeRateDComputePrice: -cOverTau2 * dTauDMu,
            dComputeRateDBandwidthPrice: -cOverTau2 * dTauDLambda,
            dBandwidthDComputePrice: -s.dBandwidthDTxTime * dTauDMu,
            dBandwidthDBandwidthPrice: s.dBandwidthDLambda - s.dBandwidthDTxTime * dTauDLambda,
            stationarityResidual: abs(s.slope) / max(s.slopeScale, .leastNormalMagnitude),
            iterations: iterations, isFeasible: true)
    }

    /// The root τ of J' on (τ_min, τ_max) (τ_min = `lowerEnd.tau`, 0 without it), with the split evaluated there when the search ended on an
    /// evaluation (nil: evaluate it at `tau`). See the type's documentation for the method.
    ///
    /// The state is τ itself; the Newton steps are taken in x = log(τ/(τ_max − τ)) (capped) or
    /// ξ = log(τ/t) (uncapped) without forming them: a step x → x − δ maps to
    /// τ' = τ_max·τ/(τ + (τ_max − τ)·e^δ), and ξ → ξ − δ to τ' = W·τ/(τ + t·e^δ) — one exp per step.
    @usableFromInline
    static func splitSearch(_ task: ClientTask, mu: Double, lambda: Double, tauMax: Double, start: Double?,
                            efficiencyHint hint: Double, maxIterations: Int,
                            lowerEnd: Split? = nil) -> (tau: Double, split: Split?, iterations: Int) {
        // The unconstrained efficiency of the previous evaluation seeds the next one (successive τ
        // are close, so Newton on h needs one or two steps instead of a Lambert-W evaluation).
        var efficiencyHint = hint
        // The same for the power-capped efficiency y_max(t) (`cappedEfficiency(ratio:hint:)`).
        var cappedHint = hint
        let w = task.windowS, t0 = task.minimumTxTimeS
        // The ends are singular: every evaluated τ lies strictly inside (0, τ_max) in floating point.
        // `lowerEnd`: the split at τ_min (J' < 0 there), the lower end of the bracket under a cap.
        let tauHigh = tauMax.nextDown, tauLow = lowerEnd.map { $0.tau.nextUp } ?? Double.leastNormalMagnitude
        func clamped(_ tau: Double) -> Double { min(max(tau, tauLow), tauHigh) }
        /// τ after the step x → x + δ.
        func movedInX(_ tau: Double, by delta: Double) -> Double {
            let rest = tauMax - tau
            return delta >= 0 ? tauMax * tau / (tau + rest * exp(-delta)) : tauMax * tau * exp(delta) / (tau * exp(delta) + rest)
        }
        func logit(_ tau: Double) -> Double { log(tau / (tauMax - tau)) }
        let tauMin = lowerEnd?.tau ?? 0
        var tau = clamped(start.flatMap { $0 > 0 && $0 >= tauMin && $0 < tauMax ? $0 : nil } ?? (tauMin + tauMax) / 2)
        // Bracket by the sign of J' (J' < 0 below the root), with φ at its ends.
        var tauBelow = tauMin, tauAbove = tauMax
        var phiBelow = lowerEnd.map { log($0.txMarginal) - log($0.computeMarginal) } ?? -Double.infinity
        var phiAbove = Double.infinity
        var iterations = 0
        var latest: Split?
        let budget = max(1, maxIterations / 2)
        while iterations < budget {
            iterations += 1
            let s = split(task, tau: tau, mu: mu, lambda: lambda, efficiencyHint: efficiencyHint, cappedHint: cappedHint)
            efficiencyHint = s.freeEfficiency
            if s.capped { cappedHint = s.efficiency }
            latest = s
            // No sign (a NaN from overflowing terms at an extreme τ): the fallback bisects.
            if s.slope.isNaN { break }
            // J' is a sum of terms of magnitude `slopeScale`, so it is known only to a few ulps of
            // that: below it, τ is a root to working precision.
            if abs(s.slope) <= 8 * Double.ulpOfOne * s.slopeScale { return (tau, s, iterations) }
            let ratio = s.txMarginal / s.computeMarginal
            let phi = ratio > 0 && ratio.isFinite ? log(ratio) : log(s.txMarginal) - log(s.computeMarginal)
            if s.slope < 0 { tauBelow = tau; phiBelow = phi } else { tauAbove = tau; phiAbove = phi }
            if tauAbove - tauBelow <= 4 * Double.ulpOfOne * tau { return (tau, s, iterations) }
            let dPhiDTau = s.txCurvature / s.txMarginal + s.computeCurvature / s.computeMarginal
            var next: Double
            if s.capped {
                // Newton in x (dτ/dx = τ(τ_max − τ)/τ_max): P has its pole at t₀ here, so x is the
                // variable in which φ is linear.
                next = movedInX(tau, by: -phi / (dPhiDTau * tau * (tauMax - tau) / tauMax))
            } else {
                // Uncapped, P ∝ t^{−(2−q)} has no pole at t₀: the natural variable is ξ = log(τ/t)
                // (dτ/dξ = τt/W), in which φ is linear even when t − t₀ ≪ t (where dφ/dx → 0 and a
                // step in x would shoot far past the root).
                let t = w - tau
                let delta = phi / (dPhiDTau * tau * t / w)
                next = delta <= 0 ? w * tau / (tau + t * exp(delta)) : w * tau * exp(-delta) / (tau * exp(-delta) + t)
            }
            if abs(next - tau) <= 4 * Double.ulpOfOne * tau {
                // Quadratic convergence: the correction is the error, τ is within 4 ulps of the root.
                // (Tested before the bracket: a correction at rounding level may land on an end.)
                return (tau, s, iterations)
            }
            if !(next > tauBelow && next < tauAbove) {
                // A step that leaves the bracket (or no usable step): false position on φ in x
                // between the bracket ends (φ is log-scaled, nearly linear in x), kept an eighth of
                // the width away from them so the bracket keeps shrinking; bisection in x if φ is
                // not finite at an end; or a step of e⁸ in τ/(τ_max − τ) while a side is open.
                if tauBelow > 0 && tauAbove < tauMax {
                    let low = logit(tauBelow), high = logit(tauAbove)
                    let width = high - low
                    let secant = low - phiBelow * width / (phiAbove - phiBelow)
                    let x = phiBelow.isFinite && phiAbove.isFinite && secant.isFinite
                        ? min(max(secant, low + width / 8), high - width / 8) : low + width / 2
                    next = movedInX(tauBelow, by: x - low)
                } else if tauBelow > 0 {
                    next = movedInX(tauBelow, by: 8)
                } else if tauAbove < tauMax {
                    next = movedInX(tauAbove, by: -8)
                } else {
                    next = movedInX(tau, by: s.slope < 0 ? 8 : -8)
                }
            }
            next = clamped(next)
            if next == tau { return (tau, s, iterations) }
            tau = next
        }
        if iterations >= maxIterations, let latest { return (latest.tau, latest, iterations) }
        // Fallback (not observed): the bracketed safeguarded Newton on J' in τ from the bracket found.
        var last: Split?
        let root = SafeguardedRoot.increasing(in: tauBelow, tauAbove, start: tau,
                                              maxIterations: max(1, maxIterations - iterations)) { tau in
            let s = split(task, tau: tau, mu: mu, lambda: lambda, efficiencyHint: efficiencyHint)
            efficiencyHint = s.freeEfficiency
            last = s
            let atRoundingLevel = abs(s.slope) <= 8 * Double.ulpOfOne * s.slopeScale
            return (atRoundingLevel ? 0 : s.slope, s.curvature)
        }
        let found = (last != nil && root.x == last!.tau) ? last : nil
        return (root.x, found, iterations + root.iterations)
    }

    /// The state of the inner problem at compute time τ (t = W − τ).
    @usableFromInline
    struct Split {
        var tau: Double
        var freeEfficiency: Double // the unconstrained y at this τ (a warm start for the next)
        var slope: Double          // J'(τ)
        var curvature: Double      // J''(τ)
        var slopeScale: Double     // Σ |terms of J'|, for the relative residual
        var txMarginal: Double     // P = −H'(t) > 0: J' = P − N
        var txCurvature: Double    // dP/dτ = H''(t) ≥ 0
        var computeMarginal: Double   // N = 2κC³/τ³ + μC/τ² > 0
        var computeCurvature: Double  // −dN/dτ > 0; J'' = txCurvature + computeCurvature
        var dSlopeDLambda: Double  // ∂J'/∂λ at fixed τ
        var bandwidth: Double
        var dBandwidthDTxTime: Double   // ∂b/∂t at fixed λ
        var dBandwidthDLambda: Double   // ∂b/∂λ at fixed t
        var efficiency: Double
        var capped: Bool
        var txEnergy: Double
        var power: Double
    }

    @usableFromInline
    static func split(_ task: ClientTask, tau: Double, mu: Double, lambda: Double, efficiencyHint: Double = 0,
                      cappedHint: Double = 0) -> Split {
        let c = task.flops
        let t = task.windowS - tau
        let t0 = task.minimumTxTimeS
        let a = task.shannonEnergyJ
        let d = task.imageBits
        let kappaC3 = task.dvfsCoefficient * c * c * c
        let computeSlope = tau > 0 ? 2 * kappaC3 / (tau * tau * tau) : .infinity
        let priceSlope = tau > 0 ? mu * c / (tau * tau) : .infinity
        let computeCurvature = tau > 0 ? (3 * computeSlope + 2 * priceSlope) / tau : .infinity
        let ratio = t / t0
        let k = lambda * task.channelGain / (task.noisePsdWPerHz * t)
        let yFree = unconstrainedEfficiency(k, hint: efficiencyHint)
        if expm1OverX(yFree) <= ratio {
            let y = yFree
            let ey = exp(y)
            let b = ln2 * d / (y * t)
            let q = LambertW.oneMinusExpTimesOneMinus(y) / (y * y * ey)   // h/(y²eʸ) ∈ (0, 1/2]
            let dbdt = -(b / t) * (1 - q)
            let dbdl = -(b / y) * task.channelGain / (task.noisePsdWPerHz * t * y * ey)
            let txEnergy = a * expm1OverX(y)
            let txSlope = lambda * b / t
            let txCurvature = lambda * (b / (t * t)) * (2 - q)
            return Split(tau: tau, freeEfficiency: yFree, slope: txSlope - computeSlope - priceSlope,
                         curvature: computeCurvature + txCurvature,
                         slopeScale: computeSlope + priceSlope + txSlope,
                         txMarginal: txSlope, txCurvature: txCurvature,
                         computeMarginal: computeSlope + priceSlope, computeCurvature: computeCurvature,
                         dSlopeDLambda: b / t + (lambda / t) * dbdl,
                         bandwidth: b, dBandwidthDTxTime: dbdt, dBandwidthDLambda: dbdl,
                         efficiency: y, capped: false, txEnergy: txEnergy, power: txEnergy / t)
        }
        let y = cappedHint > 0 ? cappedEfficiency(ratio: ratio, hint: cappedHint) : cappedEfficiency(ratio: ratio)
        let band = minimumBandwidth(task, txTimeS: t, efficiency: y)
        let b = band.bandwidth, dbdt = band.slope, bpp = band.curvature
        let pmax = task.maxTxPowerW
        return Split(tau: tau, freeEfficiency: yFree, slope: -computeSlope - priceSlope - pmax - lambda * dbdt,
                     curvature: computeCurvature + lambda * bpp,
                     slopeScale: computeSlope + priceSlope + abs(pmax) + abs(lambda * dbdt),
                     txMarginal: -lambda * dbdt - pmax, txCurvature: lambda * bpp,
                     computeMarginal: computeSlope + priceSlope, computeCurvature: computeCurvature,
                     dSlopeDLambda: -dbdt,
                     bandwidth: b, dBandwidthDTxTime: dbdt, dBandwidthDLambda: 0,
                     efficiency: y, capped: true, txEnergy: pmax * t, power: pmax)
    }

    /// The least band b_min(t) that delivers the image in time t at P_max, with b_min'(t) and
    /// b_min''(t). b_min = ln2·D/(t₀·expm1(y)), y = y_max(t) (`cappedEfficiency`);
    /// with y' = y²/(t₀·h(y)) and β = eʸy'/expm1(y): b' = −bβ and b'' = bβ² − bβ'.
    /// +∞ (and slopes ∓∞) for t ≤ t₀. Decreasing and convex in t.
    public static func minimumBandwidth(_ task: ClientTask, txTimeS t: Double)
        -> (bandwidth: Double, slope: Double, curvature: Double) {
        minimumBandwidth(task, txTimeS: t, efficiency: cappedEfficiency(ratio: t / task.minimumTxTimeS))
    }

    @usableFromInline
    static func minimumBandwidth(_ task: ClientTask, txTimeS t: Double, efficiency y: Double)
        -> (bandwidth: Double, slope: Double, curvature: Double) {
        guard y > 0 else { return (.infinity, -.infinity, .infinity) }
        return minimumBandwidth(task, efficiency: y, expm1: expm1(y), h: LambertW.oneMinusExpTimesOneMinus(y))
    }

    /// `minimumBandwidth` at the capped efficiency y > 0 (t = t₀·expm1(y)/y), with expm1(y) and
    /// h(y) = 1 − eʸ(1 − y) already formed by the caller (`FeasibilityFrontier` needs both anyway).
    @usableFromInline
    static func minimumBandwidth(_ task: ClientTask, efficiency y: Double, expm1 em1: Double, h: Double)
        -> (bandwidth: Double, slope: Double, curvature: Double) {
        let t0 = task.minimumTxTimeS
        let ey = em1 + 1
        let b = ln2 * task.imageBits / (t0 * em1)
        let yp = y * y / (t0 * h)
        let beta = ey * yp / em1
        let ypp = yp * y * (2 * h - y * y * ey) / (t0 * h * h)
        let betap = -ey * yp * yp / (em1 * em1) + (ey / em1) * ypp
        return (b, -b * beta, b * beta * beta - b * betap)
    }

    /// expm1(y)/y, 1 at y = 0.
    @usableFromInline
    static func expm1OverX(_ y: Double) -> Double {
        if y == 0 { return 1 }
        return (y >= 1 ? exp(y) - 1 : expm1(y)) / y   // exp − 1 loses nothing once eʸ ≥ e
    }

    /// The spectral efficiency y > 0 solving h(y) = 1 − eʸ(1 − y) = k (k ≥ 0):
    /// y = 1 + W₀((k − 1)/e), polished by Newton on h (cancellation-free, h'(y) = y·eʸ).
    /// k → 0: y ≈ √(2k); k = +∞ → +∞. Relative error a few ulps.
    /// `hint`: a nearby solution (e.g. at the previous τ); used instead of the closed form when
    /// h(hint) is within 25% of k, where Newton from it converges in one or two steps.
    public static func unconstrainedEfficiency(_ k: Double, hint: Double = 0) -> Double {
        if !(k > 0) { return 0 }
        if k == .infinity { return .infinity }
        var y: Double
        if hint > 0, hint.isFinite, abs(LambertW.oneMinusExpTimesOneMinus(hint) - k) <= 0.25 * k {
            y = hint
        } else {
            y = 1 + LambertW.w0((k - 1) / M_E)
            if !(y > 0) || k < 1e-6 { y = (2 * k).squareRoot() * (1 - (2 * k).squareRoot() / 3) }
        }
        for _ in 0..<8 {
            let slope = y * exp(y)
            let step = (LambertW.oneMinusExpTimesOneMinus(y) - k) / slope
            if !step.isFinite { break }
            let next = y - step
            y = next > 0 ? next : y / 2
            if abs(step) <= 4 * Double.ulpOfOne * y { break }
        }
        return y
    }

    /// The largest spectral efficiency the power cap allows at t = R·t₀ (R > 1): the positive root
    /// of expm1(y)/y = R, y = −W₋₁(−s·e^{−s}) − s with s = 1/R, polished by Newton on expm1(y)/y − R
    /// (derivative h(y)/y²). R → 1⁺: y ≈ 2(R − 1); R ≤ 1 → 0 (no positive root: infeasible t).
    ///
    /// `hint`: a nearby solution (e.g. at the previous τ of a search). When expm1(hint)/hint is
    /// within a quarter of R − 1 of R, Newton starts there instead of at the Lambert-W closed form:
    /// expm1(y)/y is convex and increasing, so Newton converges quadratically from such a start, at
    /// one `expm1` per step instead of the closed form's handful of logarithms and exponentials.
    public static func cappedEfficiency(ratio: Double, hint: Double) -> Double {
        guard ratio > 1, ratio < .infinity, hint > 0, hint < 700 else { return cappedEfficiency(ratio: ratio) }
        var y = hint
        for _ in 0..<8 {
            let em1 = expm1(y)
            if y == hint && !(abs(em1 / y - ratio) <= 0.25 * (ratio - 1)) { break }   // too far: closed form
            // expm1(y)/y − R, with derivative h(y)/y² (h = y·eʸ − expm1(y), its series below 0.1).
            let h = y < 0.1 ? LambertW.oneMinusExpTimesOneMinus(y) : y * (em1 + 1) - em1
            let step = (em1 / y - ratio) / (h / (y * y))
            if !step.isFinite { break }
            let next = y - step
            y = next > 0 ? next : y / 2
            if abs(step) <= 4 * Double.ulpOfOne * y { return y }
        }
        return cappedEfficiency(ratio: ratio)
    }

    public static func cappedEfficiency(ratio: Double) -> Double {
        if !(ratio > 1) { return 0 }
        if ratio == .infinity { return .infinity }
        let s = 1 / ratio
        var y = -LambertW.wMinus1(-s * exp(-s)) - s
        if !(y > 0) || ratio - 1 < 1e-6 { y = 2 * (ratio - 1) }
        for _ in 0..<4 {
            let slope = LambertW.oneMinusExpTimesOneMinus(y) / (y * y)
            let step = (expm1OverX(y) - ratio) / slope
            if !step.isFinite { break }
            let next = y - step
            y = next > 0 ? next : y / 2
            if abs(step) <= 4 * Double.ulpOfOne * y { break }
        }
        return y
    }
}

