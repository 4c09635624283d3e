import FlexGenGLPK
import Foundation

/// The most configurations ANY quality law of the "ε-linear, step-separable" family can put inside
/// their measured 95 % CIs: an upper bound on what docs/theory.md's width–quality laws can reach on a
/// grid, computed exactly as a small mixed-integer program (GLPK).
///
/// The family (docs/theory.md, "Why the target is out of reach"):
///
///     q(w, s) = F + d_s + Σ_t ω_t · Δ_t · (m̄_t(w) − m̄_t(1)),      ω_t ≥ 0,
///
/// with m̄_t the seed-averaged held-out ε-MSE at the ε-profile's grid timestep t and Δ_t the span
/// it stands for. F (a floor), d_s (one free offset per step count; d = 0 at the largest step count)
/// and every ω_t are free: ~130 constants. Every law of docs/theory.md that is linear in a
/// non-negatively weighted ε-excess and adds a width-independent step term belongs to it: the
/// KL-weighted K(w) (ω_t ∝ β_t/(1−ᾱ_t)), the class-decision K_c(w) (the same weight cut at t_c),
/// the uniform ε-MSE excess, any other cut-off or weighting, with c/s, c/s², (c/s)² or any other
/// step term of one shape for all widths. The triangle form (√(F₁ + κK) + c/s)² is NOT in it (its
/// step term grows with the width term); nor is a law nonlinear in the ε-excess.
///
/// MILP: one binary y_k per scored configuration, y_k = 1 ⇒ |q_k − FD_k| ≤ CI_k (big-M rows);
/// maximise Σ y_k. Configurations in `required` must be hit (hard rows); the rest are free. Every
/// prediction is also confined to [0, `predictionCap`] (default 10 × the largest measured FD) so
/// that the big-M constant M = cap + max(FD + CI) is valid: a law predicting more than ten times
/// the worst measured FD anywhere is excluded from the family, which can only lower the bound by
/// excluding absurd laws. Columns are scaled to unit maximum so ω is in FD units.
///
/// Because the constants are chosen knowing the held-out measurements, the result is an upper
/// bound on every member's out-of-sample score, whatever its fit widths and fit method.
///
/// `Family.perStepCount` widens the family to one floor and one weighting per step count,
///
///     q(w, s) = F_s + Σ_t ω_{t,s} · Δ_t · (m̄_t(w) − m̄_t(1)),      ω_{t,s} ≥ 0,
///
/// which also holds every law whose ε-weighting changes with the step count: the visited-timestep
/// K_s and K_{c,s} (Step 4′), a κ(s)·K(w) interaction, any step term. Step counts no longer share
/// a constant, so the program splits into one MILP per step count, and the bound is their sum.
public struct EpsilonLinearCeiling: Sendable, Equatable {
    /// Which laws the bound covers (docs/theory.md, "Why the target is out of reach").
    public enum Family: String, Sendable, Equatable {
        /// One weighting ω_t for every step count, plus a step term d_s of one shape for all widths.
        case stepSeparable
        /// A floor F_s and a weighting ω_{t,s} of their own for every step count.
        case perStepCount
    }

    public struct Configuration: Sendable, Equatable, Hashable {
        public var width: Double, steps: Int
        public init(width: Double, steps: Int) { self.width = width; self.steps = steps }
    }

    public struct Point: Sendable, Equatable {
        public var width: Double, steps: Int, measured: Double, ci95: Double
        public init(width: Double, steps: Int, measured: Double, ci95: Double) {
            self.width = width; self.steps = steps; self.measured = measured; self.ci95 = ci95
        }
    }

    /// The solver's outcome (`.optimal` = the maximum is proven; `.infeasible` = not even the
    /// required configurations can all be hit).
    public var outcome: LinearOutcome
    /// Maximum number of scored configurations within their CI (nil without a point).
    public var maximumHits: Int?
    public var scoredCount: Int
    /// Scored configurations the maximising law misses (one optimal law; others may miss different ones).
    public var missed: [Configuration]

    public var maximumHitRate: Double? { maximumHits.map { Double($0) / Double(max(scoredCount, 1)) } }

    /// - Parameters:
    ///   - points: the measured grid (every point must have a width in `excessByTimestep`).
    ///   - excessByTimestep: per width, Δ_t·(m̄_t(w) − m̄_t(1)) over the ε-profile's grid (all the same length).
    ///   - scored: the configurations counted (e.g. the held-out widths').
    ///   - required: configurations that must lie within their CI (e.g. the fit widths'); may be empty.
    /// - Throws: `SamplerError.badRequest` for inconsistent inputs; `GLPKError` only for a model
    ///   GLPK rejects (never for an infeasible or unsolved one: that is the outcome).
    public static func compute(points: [Point], excessByTimestep: [Double: [Double]],
                               scored: Set<Configuration>, required: Set<Configuration> = [],
                               family: Family = .stepSeparable,
                               predictionCap: Double? = nil, timeLimitS: Double = 120) throws -> EpsilonLinearCeiling {
        if family == .perStepCount {
            let cap = predictionCap ?? 10 * (points.map(\.measured).max() ?? 1)
            return try Set(points.map(\.steps)).sorted().map { s in
                try compute(points: points.filter { $0.steps == s }, excessByTimestep: excessByTimestep, scored: scored,
                            required: required, family: .stepSeparable, predictionCap: cap, timeLimitS: timeLimitS)
            }.reduce(EpsilonLinearCeiling(outcome: .optimal, maximumHits: 0, scoredCount: 0, missed: []), combined)
        }
        guard let length = excessByTimestep.values.first?.count, length > 0,
              excessByTimestep.values.allSatisfy({ $0.count == length && $0.allSatisfy(\.isFinite) }) else {
            throw SamplerError.badRequest("ε-linear ceiling: the per-timestep excesses must be finite and of one length")
        }
        guard points.allSatisfy({ $0.measured.isFinite && $0.ci95.isFinite && $0.ci95 >= 0 && excessByTimestep[$0.width] != nil }) else {
            throw SamplerError.badRequest("ε-linear ceiling: every point needs a finite FD, a CI ≥ 0 and an ε-profile at its width")
        }
        let cap = predictionCap ?? 10 * (points.map(\.measured).max() ?? 1)
        let bigM = cap + (points.map { $0.measured + $0.ci95 }.max() ?? 0)
        // Unit-maximum column scaling: ω_t then reads in FD units.
        var scale = [Double](repeating: 0, count: length)
        for row in excessByTimestep.values { for t in 0..<length { scale[t] = max(scale[t], abs(row[t])) } }

        var model = LinearModel(sense: .maximize)
        let floor = model.addVariable(lower: -.infinity, upper: .infinity, name: "F")
        let steps = Array(Set(points.map(\.steps))).sorted()
        var offset: [Int: LinearModel.Variable] = [:]
        for s in steps.dropLast() { offset[s] = model.addVariable(lower: -.infinity, upper: .infinity, name: "d\(s)") }
        let omega = (0..<length).map { t in model.addVariable(lower: 0, upper: scale[t] > 0 ? .infinity : 0, name: "w\(t)") }
        var scoredCount = 0
        var indicators: [(LinearModel.Variable, Configuration)] = []
        for p in points {
            let configuration = Configuration(width: p.width, steps: p.steps)
            var terms: [(LinearModel.Variable, Double)] = [(floor, 1)]
            if let d = offset[p.steps] { terms.append((d, 1)) }
            let excess = excessByTimestep[p.width]!
            for t in 0..<length where scale[t] > 0 && excess[t] != 0 { terms.append((omega[t], excess[t] / scale[t])) }
            model.addRow(terms, lower: 0, upper: cap)
            if required.contains(configuration) {
                model.addRow(terms, lower: p.measured - p.ci95, upper: p.measured + p.ci95)
            } else if scored.contains(configuration) {
                scoredCount += 1
                let y = model.addVariable(lower: 0, upper: 1, kind: .binary, cost: 1)
                indicators.append((y, configuration))
                model.addRow(terms + [(y, bigM)], upper: p.measured + p.ci95 + bigM)
                model.addRow(terms + [(y, -bigM)], lower: p.measured - p.ci95 - bigM)
            }
        }
        var settings = GLPKSettings()
        settings.timeLimitS = timeLimitS
        settings.mipCuts = true
        let solution = try GLPK.solve(model, settings: settings)
        guard solution.outcome.hasPoint else {
            return EpsilonLinearCeiling(outcome: solution.outcome, maximumHits: nil, scoredCount: scoredCount, missed: [])
        }
        let missed = indicators.filter { solution.values[$0.0.index] < 0.5 }.map(\.1)
            .sorted { ($0.width, $0.steps) < ($1.width, $1.steps) }
        return EpsilonLinearCeiling(outcome: solution.outcome, maximumHits: scoredCount - missed.count,
                                    scoredCount: scoredCount, missed: missed)
    }

    /// Two independent programs' bounds added: the hits add up; without a point in either (e.g.
    /// one is infeasible) there is none, and the weaker outcome is the sum's.
    private static func combined(_ a: EpsilonLinearCeiling, _ b: EpsilonLinearCeiling) -> EpsilonLinearCeiling {
        let rank: [LinearOutcome: Int] = [.optimal: 0, .feasible: 1, .timeLimit: 2, .iterationLimit: 3, .numericalError: 4,
                                          .unbounded: 5, .infeasible: 6]
        let outcome = (rank[a.outcome] ?? 0) >= (rank[b.outcome] ?? 0) ? a.outcome : b.outcome
        guard let x = a.maximumHits, let y = b.maximumHits else {
            return EpsilonLinearCeiling(outcome: outcome, maximumHits: nil, scoredCount: a.scoredCount + b.scoredCount, missed: [])
        }
        return EpsilonLinearCeiling(outcome: outcome, maximumHits: x + y, scoredCount: a.scoredCount + b.scoredCount,
                                    missed: (a.missed + b.missed).sorted { ($0.width, $0.steps) < ($1.width, $1.steps) })
    }
}

extension EpsilonErrorProfile {
    /// Δ_t·(m̄_t(w) − m̄_t(reference)) per grid timestep, for every measured width (the ε-linear
    /// ceiling's columns; nil without the reference width).
    public func excessByTimestep(over reference: Double = 1) -> [Double: [Double]]? {
        guard let base = at(reference) else { return nil }
        var out: [Double: [Double]] = [:]
        for w in widths {
            out[w.width] = spans.indices.map { Double(spans[$0]) * (w.perTimestep[$0] - base.perTimestep[$0]) }
        }
        return out
    }
}
