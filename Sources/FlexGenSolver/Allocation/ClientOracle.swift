import Foundation
import FlexGenNumerics

/// The per-client oracle: one client's best response to the compute price μ (J per FLOP/s) and the
/// bandwidth price λ (J per Hz).
///
/// ## The problem
/// minimise  C(e0 + κf²) + μf + p·t + λb   over f, b, p, t > 0
/// s.t.      C/f + t = W  (latency tight, W = T − u),  b·t·log2(1 + pg/(N0 b)) = D  (delivery tight),
///           p ≤ P_max.
/// Both constraints are tight at an optimum because the energy decreases in t and in b.
///
/// ## Reduction (all closed forms; y = ln2·D/(b·t) is the spectral efficiency in nats/s/Hz)
/// - Transmit energy: p·t = a·expm1(y)/y with a = N0·D·ln2/g, independent of t for fixed y.
/// - Bandwidth for fixed t (uncapped): minimising a·expm1(y)/y + λ·ln2·D/(y·t) over y gives
///   h(y) = 1 − eʸ(1 − y) = k with k = λg/(N0·t), i.e. **y = 1 + W₀((k − 1)/e)**, b = ln2·D/(y·t).
/// - Power cap: p ≤ P_max ⇔ expm1(y)/y ≤ R = t/t₀ (t₀ = a/P_max) ⇔ y ≤ y_max(t), i.e.
///   b ≥ b_min(t) = ln2·D/(t₀·expm1(y_max)) with **y_max = −W₋₁(−s·e^{−s}) − s**, s = t₀/t.
///   The cost is unimodal in y, so the capped optimum is min(y, y_max).
/// - Split: with τ = C/f and t = W − τ the remaining cost J(τ) = κC³/τ² + μC/τ + H(W − τ) is convex
///   on (0, W − t₀); J'(τ) = −2κC³/τ³ − μC/τ² + λb/t (uncapped, by the envelope theorem) or
///   −2κC³/τ³ − μC/τ² − P_max − λ·b_min'(t) (capped). J' increases from −∞ to +∞, and its root is
///   found by safeguarded Newton (analytic J'') with a shrinking bracket (`SafeguardedRoot`).
///
/// Each closed form is polished by Newton on an equation that is evaluated without cancellation
/// (h via its series near 0, expm1(y)/y), so y is correct to a few ulps even where the Lambert-W
/// argument sits at the branch point (k → 0 or t → t₀).
///
/// ## Edge cases
/// - W ≤ t₀ (even unlimited band at P_max cannot deliver in time): `isFeasible == false`, value +∞.
/// - λ = 0: bandwidth is free, the infimum is approached as b → ∞ (transmit energy → a, t → t₀):
///   b = +∞, t = t₀, τ = W − t₀, p = P_max.
/// - κ = 0 and μ = 0 (λ > 0): compute is free, the infimum is approached as f → ∞: f = +∞, τ = 0.
/// - Very good channels (k → 0⁺, y → 0) and very bad ones (k → ∞, power cap binding near t₀) are
///   covered by the cancellation-free forms above.
///
/// ## Postconditions and tolerance
/// τ is the root of J' to within 4 ulps (or |J'| at rounding level); the value is then exact to
/// rounding (J is flat at its minimum), so summing values gives a valid Lagrangian lower bound.
/// f·τ = C, τ + t = W up to one rounding; p ≤ P_max·(1 + 4 ulp).
public enum ClientOracle {
    @usableFromInline static let ln2 = 0.6931471805599453

    /// Best response of `task` at prices (μ, λ) ≥ 0. `warmStart`: a previous response of the same
    /// task (its compute time seeds the split search; it changes the iteration count, not the answer).
    /// `maxIterations` caps the split search (`SolverSettings.maxSplitIterations`); the bracketed
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
        guard tauMax > 0, t0.isFinite else {
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
            let tau = (kappaC3 > 0 || mu > 0) ? tauMax : tauMax / 2
            let f = c / tau
            let computeEnergy = fixedComputeEnergy + kappaC3 / (tau * tau)
            return ClientResponse(value: computeEnergy + mu * f + a, computeRateFlopsPerS: f, bandwidthHz: .infinity,
                                  txPowerW: pmax, txTimeS: w - tau, computeTimeS: tau, computeEnergyJ: computeEnergy,
                                  txEnergyJ: a, spectralEfficiency: 0, powerCapActive: false,
                                  dComputeRateDComputePrice: .nan, dComputeRateDBandwidthPrice: .nan,
                                  dBandwidthDComputePrice: .nan, dBandwidthDBandwidthPrice: .nan,
                                  stationarityResidual: 0, iterations: 0, isFeasible: true)
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

        let start = startComputeTimeS ?? tauMax / 2
        // The unconstrained efficiency of the previous evaluation seeds the next one (successive τ
        // are close, so Newton on h needs one or two steps instead of a Lambert-W evaluation).
        var efficiencyHint = hint
        var last: Split?
        let root = SafeguardedRoot.increasing(in: 0, tauMax, start: start, maxIterations: maxIterations) { tau in
            let s = split(task, tau: tau, mu: mu, lambda: lambda, efficiencyHint: efficiencyHint)
            efficiencyHint = s.freeEfficiency
            last = s
            // J' is a sum of terms of magnitude `slopeScale`, so it is known only to a few ulps of
            // that: below it, τ is a root to working precision (stop without a confirming probe).
            let atRoundingLevel = abs(s.slope) <= 8 * Double.ulpOfOne * s.slopeScale
            return (atRoundingLevel ? 0 : s.slope, s.curvature)
        }
        let tau = root.x
        let s = (last != nil && root.x == last!.tau) ? last! : split(task, tau: tau, mu: mu, lambda: lambda)
        let f = c / tau
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
            iterations: root.iterations, isFeasible: true)
    }

    /// The state of the inner problem at compute time τ (t = W − τ).
    @usableFromInline
    struct Split {
        var tau: Double
        var freeEfficiency: Double // the unconstrained y at this τ (a warm start for the next)
        var slope: Double          // J'(τ)
        var curvature: Double      // J''(τ)
        var slopeScale: Double     // Σ |terms of J'|, for the relative residual
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
    static func split(_ task: ClientTask, tau: Double, mu: Double, lambda: Double, efficiencyHint: Double = 0) -> Split {
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
            return Split(tau: tau, freeEfficiency: yFree, slope: txSlope - computeSlope - priceSlope,
                         curvature: computeCurvature + lambda * (b / (t * t)) * (2 - q),
                         slopeScale: computeSlope + priceSlope + txSlope,
                         dSlopeDLambda: b / t + (lambda / t) * dbdl,
                         bandwidth: b, dBandwidthDTxTime: dbdt, dBandwidthDLambda: dbdl,
                         efficiency: y, capped: false, txEnergy: txEnergy, power: txEnergy / t)
        }
        let y = cappedEfficiency(ratio: ratio)
        let band = minimumBandwidth(task, txTimeS: t, efficiency: y)
        let b = band.bandwidth, dbdt = band.slope, bpp = band.curvature
        let pmax = task.maxTxPowerW
        return Split(tau: tau, freeEfficiency: yFree, slope: -computeSlope - priceSlope - pmax - lambda * dbdt,
                     curvature: computeCurvature + lambda * bpp,
                     slopeScale: computeSlope + priceSlope + abs(pmax) + abs(lambda * dbdt),
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
        let t0 = task.minimumTxTimeS
        let em1 = expm1(y)
        let ey = em1 + 1
        let h = LambertW.oneMinusExpTimesOneMinus(y)
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
