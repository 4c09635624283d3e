import Foundation

/// Renders `flexgen calibrate --theory`: the predicted-vs-measured table (Markdown and CSV) and a
/// predicted-vs-measured SVG scatter on log axes with the measured 95 % CIs as horizontal bars.
public enum TheoryReport {
    /// `weightsSHA256`: the denoiser's weights measured (nil: not stated, as in the digits reports
    /// before it was added); `metric`: the quality metric's name for the prose.
    public static func markdown(_ c: OutOfSampleComparison, epsilon: EpsilonErrorProfile, anchors: TheoryAnchors, command: String,
                                weightsSHA256: String? = nil, metric: String = "FD") -> String {
        let t = c.theory
        var md = "\n## Width–quality theory, out of sample (docs/theory.md)\n\n"
        md += "Produced by `\(command)`."
        if let weightsSHA256 { md += " Weights SHA-256 `\(weightsSHA256)`." }
        md += " ε-profile: \(epsilon.settings.seedCount) seeds (\(epsilon.settings.baseSeed)…) × \(epsilon.imageCount) held-out images × \(epsilon.timesteps.count) timesteps (every t < \(epsilon.settings.denseSteps), then one per \(epsilon.settings.stride)) per width (no sampling); ± are 95 % Student-t CIs over seeds, excesses paired over width 1. Quality: \(metric).\n\n"
        md += "| width | active units | ε-MSE (uniform t) | excess over w=1 | K(w): KL-weighted excess (nats/image) |\n|------:|------:|------:|------:|------:|\n"
        for w in epsilon.widths {
            let u = epsilon.uniformExcess(w.width), k = epsilon.klExcess(w.width)
            md += String(format: "| %.3f | %d | %.5f ± %.5f | %@ | %@ |\n", w.width, w.activeUnits, w.uniformMSE, w.uniformCI95,
                         u.map { String(format: "%.5f ± %.5f", $0.mean, $0.ci95) } ?? "–",
                         k.map { String(format: "%.3f ± %.3f", $0.mean, $0.ci95) } ?? "–")
        }
        // Approximation step (H1): excess ∝ (1/w − 1), slope from the narrowest fitted width.
        if let anchorWidth = c.theory.fitWidths.filter({ $0 < 1 }).min(),
           let u0 = epsilon.uniformExcess(anchorWidth), let k0 = epsilon.klExcess(anchorWidth) {
            let uSlope = u0.mean / (1 / anchorWidth - 1), kSlope = k0.mean / (1 / anchorWidth - 1)
            md += String(format: "\nApproximation step (excess = slope·(1/w − 1), slope from width %g: %.5f for the uniform ε-MSE, %.4f nats for K):\n\n", anchorWidth, uSlope, kSlope)
            md += "| width | uniform excess: predicted | measured ± CI95 | in CI | K: predicted | measured ± CI95 | in CI |\n|------:|------:|------:|:--:|------:|------:|:--:|\n"
            for w in epsilon.widths where w.width != anchorWidth && w.width != 1 {
                guard let u = epsilon.uniformExcess(w.width), let k = epsilon.klExcess(w.width) else { continue }
                let pu = uSlope * (1 / w.width - 1), pk = kSlope * (1 / w.width - 1)
                md += String(format: "| %.3f | %.5f | %.5f ± %.5f | %@ | %.3f | %.3f ± %.3f | %@ |\n", w.width, pu, u.mean, u.ci95,
                             abs(pu - u.mean) <= u.ci95 ? "yes" : "no", pk, k.mean, k.ci95, abs(pk - k.mean) <= k.ci95 ? "yes" : "no")
            }
        }
        md += String(format: "\nTheory q(w, s) = (√(F₁ + κ·K(w)) + c/s)², fitted on widths %@ only: F₁ = %.4f, κ = %.4f FD/nat, c = %.4f.\n\n",
                     t.fitWidths.map { String(format: "%g", $0) }.joined(separator: ", "), t.floor, t.kappa, t.stepsCoefficient)
        let tc = c.theoryCoarse
        md += String(format: "Coarse variant (K_c: t ≥ t_c = %d only): F₁ = %.4f, κ = %.4f FD/nat, c = %.4f.\n\n", c.coarseFrom, tc.floor, tc.kappa, tc.stepsCoefficient)
        md += String(format: "t_c = %d: the classifier recognises %.1f %% of %@ clean and %.1f %% of them seen through the forward process at t_c (threshold: half-way to chance).\n\n",
                     anchors.classDecisionTimestep, 100 * anchors.cleanAccuracy, anchors.decisionImages, 100 * anchors.accuracyAtDecision)
        md += String(format: "Checks without sampling: Talagrand constant 2·λ_max(Σ_ref) = %.4f (κ should not exceed it); FD of %@ against the reference = %.4f (F₁ should be near or above it).\n\n",
                     anchors.talagrandConstant, anchors.floorDescription, anchors.realDataFloor)
        let ts = c.theoryScore, ls = c.leaveOneWidthOutScore, la = c.leaveOneWidthOutScoreAllWidths
        md += String(format: "- Theory (3 constants, 2 widths): %d of %d held-out configurations within the measured 95 %% CI (%.0f %%); median |error| %.3f (%.1f %%), max %.3f.\n",
                     ts.hits, ts.count, 100 * ts.hitRate, ts.medianAbsoluteError, 100 * ts.medianRelativeError, ts.maxAbsoluteError)
        let cs = c.theoryCoarseScore
        md += String(format: "- Coarse variant (3 constants, 2 widths, t_c measured): %d of %d held-out configurations within the CI (%.0f %%); median |error| %.3f (%.1f %%), max %.3f.\n",
                     cs.hits, cs.count, 100 * cs.hitRate, cs.medianAbsoluteError, 100 * cs.medianRelativeError, cs.maxAbsoluteError)
        let vs = c.theoryVisitedScore, vcs = c.theoryVisitedCoarseScore
        md += String(format: "- Visited-timestep variant K_s (Step 4′, 3 constants, 2 widths; F₁ = %.4f, κ = %.4f, c = %.4f): %d of %d within the CI (%.0f %%); median |error| %.3f (%.1f %%), max %.3f.\n",
                     c.theoryVisited.floor, c.theoryVisited.kappa, c.theoryVisited.stepsCoefficient,
                     vs.hits, vs.count, 100 * vs.hitRate, vs.medianAbsoluteError, 100 * vs.medianRelativeError, vs.maxAbsoluteError)
        md += String(format: "- Visited-timestep coarse variant K_{c,s} (t ≥ %d; F₁ = %.4f, κ = %.4f, c = %.4f): %d of %d within the CI (%.0f %%); median |error| %.3f (%.1f %%), max %.3f.\n",
                     c.coarseFrom, c.theoryVisitedCoarse.floor, c.theoryVisitedCoarse.kappa, c.theoryVisitedCoarse.stepsCoefficient,
                     vcs.hits, vcs.count, 100 * vcs.hitRate, vcs.medianAbsoluteError, 100 * vcs.medianRelativeError, vcs.maxAbsoluteError)
        md += String(format: "- 5-parameter law, leave-one-width-out, same configurations: %d of %d within the CI (%.0f %%); median |error| %.3f (%.1f %%), max %.3f.\n",
                     ls.hits, ls.count, 100 * ls.hitRate, ls.medianAbsoluteError, 100 * ls.medianRelativeError, ls.maxAbsoluteError)
        md += String(format: "- 5-parameter law, leave-one-width-out, every width: %d of %d within the CI (%.0f %%); median |error| %.3f, max %.3f.\n",
                     la.hits, la.count, 100 * la.hitRate, la.medianAbsoluteError, la.maxAbsoluteError)
        for (w, reason) in c.leaveOneWidthOutFailures.sorted(by: { $0.key < $1.key }) {
            md += String(format: "- 5-parameter law without width %g: not fitted (%@).\n", w, reason)
        }
        md += "\n| width | steps | K(w) | K_c(w) | measured FD ± CI95 | label acc. ± CI95 | theory | in CI | coarse | in CI | 5-param LOWO | in CI | K_s | visited | in CI | K_{c,s} | visited coarse | in CI |\n|------:|------:|------:|------:|------:|------:|------:|:--:|------:|:--:|------:|:--:|------:|------:|:--:|------:|------:|:--:|\n"
        for r in c.rows {
            let lowo = r.leaveOneWidthOut.map { String(format: "%.3f", $0) } ?? "–"
            let lowoHit = r.leaveOneWidthOutHit.map { $0 ? "yes" : "no" } ?? "–"
            let fitMark = r.theoryHeldOut ? "" : " (fit)"
            md += String(format: "| %.3f | %d | %.3f | %.3f | %.3f ± %.3f | %.1f ± %.1f %% | %.3f%@ | %@ | %.3f%@ | %@ | %@ | %@ | %.3f | %.3f%@ | %@ | %.3f | %.3f%@ | %@ |\n",
                         r.width, r.steps, r.klExcess, r.coarseKLExcess, r.measured, r.ci95, 100 * r.labelAccuracy, 100 * r.labelAccuracyCI95,
                         r.theory, fitMark, r.theoryHeldOut ? (r.theoryHit ? "yes" : "no") : "fit",
                         r.theoryCoarse, fitMark, r.theoryHeldOut ? (r.theoryCoarseHit ? "yes" : "no") : "fit", lowo, lowoHit,
                         r.visitedKLExcess, r.theoryVisited, fitMark, r.theoryHeldOut ? (r.theoryVisitedHit ? "yes" : "no") : "fit",
                         r.visitedCoarseKLExcess, r.theoryVisitedCoarse, fitMark, r.theoryHeldOut ? (r.theoryVisitedCoarseHit ? "yes" : "no") : "fit")
        }
        return md
    }

    /// Hit counts of both theory variants for every pair of fit widths.
    public static func fitPairMarkdown(_ pairs: [(widths: [Double], full: OutOfSampleComparison.Score, coarse: OutOfSampleComparison.Score)]) -> String {
        var md = "\n### Sensitivity to the two fit widths\n\nEvery pair of grid widths as the fit widths; each row predicts the other widths' configurations.\n\n"
        md += "| fit widths | held-out configurations | theory (K) within CI | median abs. error | coarse (K_c) within CI | median abs. error |\n|---|---:|---:|---:|---:|---:|\n"
        for p in pairs {
            md += String(format: "| %@ | %d | %d (%.0f %%) | %.3f | %d (%.0f %%) | %.3f |\n",
                         p.widths.map { String(format: "%g", $0) }.joined(separator: ", "), p.full.count,
                         p.full.hits, 100 * p.full.hitRate, p.full.medianAbsoluteError,
                         p.coarse.hits, 100 * p.coarse.hitRate, p.coarse.medianAbsoluteError)
        }
        return md
    }

    /// The ε-profile alone (`flexgen calibrate --epsilon-only`): per width, the active size, the
    /// uniform ε-MSE, its paired excess over width 1, K(w) and, where the 1/w form of Step 1 is
    /// tested, its prediction from the narrowest width.
    public static func epsilonMarkdown(_ epsilon: EpsilonErrorProfile, command: String, weightsSHA256: String) -> String {
        var md = "# Held-out ε-prediction error per width (docs/theory.md)\n\n"
        md += "Produced by `\(command)`. Weights SHA-256 `\(weightsSHA256)`. \(epsilon.settings.seedCount) seeds (\(epsilon.settings.baseSeed)…) × \(epsilon.imageCount) held-out images × \(epsilon.timesteps.count) timesteps (every t < \(epsilon.settings.denseSteps), then one per \(epsilon.settings.stride)) per width; no sampling. ± are 95 % Student-t CIs over seeds; excesses are paired over width 1 (same noisy inputs).\n\n"
        md += "| width | active units | ε-MSE (uniform t) | excess over w=1 | K(w) (nats/image) | 1/w form from the narrowest width: excess |\n|------:|------:|------:|------:|------:|------:|\n"
        let narrowest = epsilon.widths.map(\.width).filter { $0 < 1 }.min()
        let slope = narrowest.flatMap { w in epsilon.uniformExcess(w).map { $0.mean / (1 / w - 1) } }
        for w in epsilon.widths {
            let u = epsilon.uniformExcess(w.width), k = epsilon.klExcess(w.width)
            let predicted = slope.map { String(format: "%.5f", $0 * (1 / w.width - 1)) } ?? "–"
            md += String(format: "| %.3f | %d | %.5f ± %.5f | %@ | %@ | %@ |\n", w.width, w.activeUnits, w.uniformMSE, w.uniformCI95,
                         u.map { String(format: "%.5f ± %.5f", $0.mean, $0.ci95) } ?? "–",
                         k.map { String(format: "%.3f ± %.3f", $0.mean, $0.ci95) } ?? "–", predicted)
        }
        return md
    }

    /// The ε-linear ceiling section (`EpsilonLinearCeiling`, docs/theory.md).
    public static func ceilingMarkdown(_ c: TheoryRun.Ceilings, fitWidths: [Double]) -> String {
        func line(_ e: EpsilonLinearCeiling, _ what: String) -> String {
            guard let hits = e.maximumHits else { return "- \(what): no law of the family (\(e.outcome.rawValue)).\n" }
            let missed = e.missed.map { String(format: "(%g, %d)", $0.width, $0.steps) }.joined(separator: ", ")
            return String(format: "- %@: at most **%d of %d** (%.0f %%; GLPK outcome %@); one maximising law misses %@.\n",
                          what, hits, e.scoredCount, 100 * Double(hits) / Double(max(e.scoredCount, 1)), e.outcome.rawValue,
                          missed.isEmpty ? "nothing" : missed)
        }
        let fit = fitWidths.map { String(format: "%g", $0) }.joined(separator: ", ")
        var md = "\n### Ceiling of every ε-linear, step-separable law\n\n"
        md += "q(w, s) = F + d_s + Σ_t ω_t·Δ_t·(m̄_t(w) − m̄_t(1)) with ω ≥ 0 and F, every d_s, every ω_t free (one per ε-profile timestep), chosen by a MILP to put as many held-out configurations (widths other than \(fit)) as possible within their measured 95 % CI:\n\n"
        md += line(c.free, "fit widths unconstrained")
        md += line(c.fitHit, "the law must also hit every configuration of widths \(fit)")
        md += "\nOver every configuration of the grid (all widths scored, nothing required):\n\n"
        md += line(c.everywhere, "all widths")
        if let all = c.everywhere.maximumHits {
            let fitCount = c.everywhere.scoredCount - c.free.scoredCount
            md += "\nSo a law of the family that hits all \(fitCount) configurations of ANY two fit widths hits at most \(all) − \(fitCount) = \(all - fitCount) of the other \(c.free.scoredCount).\n"
        }
        md += "\n### Ceiling with a weighting per step count\n\n"
        md += "q(w, s) = F_s + Σ_t ω_{t,s}·Δ_t·(m̄_t(w) − m̄_t(1)) with ω ≥ 0: a floor and a weighting of its own for every step count (so also K_s, K_{c,s}, κ(s)·K and any step term), one MILP per step count:\n\n"
        md += line(c.perStepFree, "fit widths unconstrained")
        md += line(c.perStepFitHit, "the law must also hit every configuration of widths \(fit)")
        return md
    }

    public static func csv(_ c: OutOfSampleComparison) -> String {
        var out = "width,steps,kl_excess,kl_excess_coarse,fd_mean,fd_ci95,label_accuracy,label_accuracy_ci95,theory,theory_held_out,theory_in_ci,theory_coarse,theory_coarse_in_ci,lowo_5param,lowo_in_ci,kl_excess_visited,theory_visited,theory_visited_in_ci,kl_excess_visited_coarse,theory_visited_coarse,theory_visited_coarse_in_ci\n"
        for r in c.rows {
            out += "\(r.width),\(r.steps),\(r.klExcess),\(r.coarseKLExcess),\(r.measured),\(r.ci95),\(r.labelAccuracy),\(r.labelAccuracyCI95),\(r.theory),\(r.theoryHeldOut),\(r.theoryHit),\(r.theoryCoarse),\(r.theoryCoarseHit),"
            out += "\(r.leaveOneWidthOut.map { "\($0)" } ?? ""),\(r.leaveOneWidthOutHit.map { "\($0)" } ?? ""),"
            out += "\(r.visitedKLExcess),\(r.theoryVisited),\(r.theoryVisitedHit),\(r.visitedCoarseKLExcess),\(r.theoryVisitedCoarse),\(r.theoryVisitedCoarseHit)\n"
        }
        return out
    }

    /// Predicted (y) against measured (x), log–log, with the y = x diagonal. Theory: filled blue
    /// circles on held-out widths, hollow on the two fitted widths; 5-parameter leave-one-width-out:
    /// orange crosses. Horizontal bars: measured 95 % CI.
    public static func svg(_ c: OutOfSampleComparison, metric: String = "FD-digits") -> String {
        let size = 560.0, margin = 60.0, plot = size - 2 * margin
        let values = c.rows.flatMap { [$0.measured - $0.ci95, $0.measured + $0.ci95, $0.theory, $0.theoryCoarse] + ($0.leaveOneWidthOut.map { [$0] } ?? []) }
            .filter { $0 > 0 && $0.isFinite }
        let lo = Foundation.log10((values.min() ?? 1) * 0.9), hi = Foundation.log10((values.max() ?? 10) * 1.1)
        func pos(_ v: Double) -> Double { (Foundation.log10(max(v, 1e-9)) - lo) / (hi - lo) * plot }
        func x(_ v: Double) -> Double { margin + pos(v) }
        func y(_ v: Double) -> Double { size - margin - pos(v) }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(size))\" height=\"\(Int(size))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        s += "<rect x=\"\(f(margin))\" y=\"\(f(margin))\" width=\"\(f(plot))\" height=\"\(f(plot))\" fill=\"none\" stroke=\"black\"/>\n"
        var tick = Foundation.pow(10, Foundation.floor(lo))
        while Foundation.log10(tick) <= hi {
            for m in [1.0, 2, 5] where Foundation.log10(tick * m) >= lo && Foundation.log10(tick * m) <= hi {
                let v = tick * m
                s += "<line x1=\"\(f(x(v)))\" y1=\"\(f(size - margin))\" x2=\"\(f(x(v)))\" y2=\"\(f(margin))\" stroke=\"#ddd\"/>"
                s += "<line x1=\"\(f(margin))\" y1=\"\(f(y(v)))\" x2=\"\(f(size - margin))\" y2=\"\(f(y(v)))\" stroke=\"#ddd\"/>\n"
                s += "<text x=\"\(f(x(v)))\" y=\"\(f(size - margin + 16))\" text-anchor=\"middle\">\(String(format: "%g", v))</text>"
                s += "<text x=\"\(f(margin - 6))\" y=\"\(f(y(v) + 4))\" text-anchor=\"end\">\(String(format: "%g", v))</text>\n"
            }
            tick *= 10
        }
        let a = Foundation.pow(10, lo), b = Foundation.pow(10, hi)
        s += "<line x1=\"\(f(x(a)))\" y1=\"\(f(y(a)))\" x2=\"\(f(x(b)))\" y2=\"\(f(y(b)))\" stroke=\"gray\" stroke-dasharray=\"4 3\"/>\n"
        for r in c.rows {
            s += "<line x1=\"\(f(x(max(r.measured - r.ci95, a))))\" y1=\"\(f(y(r.theory)))\" x2=\"\(f(x(r.measured + r.ci95)))\" y2=\"\(f(y(r.theory)))\" stroke=\"#1f77b4\"/>\n"
            s += "<circle cx=\"\(f(x(r.measured)))\" cy=\"\(f(y(r.theory)))\" r=\"4\" fill=\"\(r.theoryHeldOut ? "#1f77b4" : "white")\" stroke=\"#1f77b4\"><title>w \(r.width) s \(r.steps): measured \(String(format: "%.3f", r.measured)), theory \(String(format: "%.3f", r.theory))</title></circle>\n"
            s += "<rect x=\"\(f(x(r.measured) - 3.5))\" y=\"\(f(y(r.theoryCoarse) - 3.5))\" width=\"7\" height=\"7\" fill=\"\(r.theoryHeldOut ? "#2ca02c" : "white")\" stroke=\"#2ca02c\"><title>w \(r.width) s \(r.steps): coarse variant \(String(format: "%.3f", r.theoryCoarse))</title></rect>\n"
            if let p = r.leaveOneWidthOut {
                let cx = x(r.measured), cy = y(p)
                s += "<path d=\"M\(f(cx - 4)) \(f(cy - 4))L\(f(cx + 4)) \(f(cy + 4))M\(f(cx - 4)) \(f(cy + 4))L\(f(cx + 4)) \(f(cy - 4))\" stroke=\"#ff7f0e\" stroke-width=\"2\"><title>w \(r.width) s \(r.steps): 5-parameter leave-one-width-out \(String(format: "%.3f", p))</title></path>\n"
            }
        }
        s += "<text x=\"\(f(size / 2))\" y=\"\(f(size - 18))\" text-anchor=\"middle\">measured \(metric) (bar: 95 % CI over seeds)</text>\n"
        s += "<text x=\"16\" y=\"\(f(size / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 16 \(f(size / 2)))\">predicted \(metric)</text>\n"
        let fitted = c.theory.fitWidths.map { String(format: "%g", $0) }.joined(separator: ", ")
        s += "<circle cx=\"\(f(margin + 12))\" cy=\"\(f(margin + 14))\" r=\"4\" fill=\"#1f77b4\"/><text x=\"\(f(margin + 22))\" y=\"\(f(margin + 18))\">theory, held-out widths (fit on \(fitted))</text>\n"
        s += "<circle cx=\"\(f(margin + 12))\" cy=\"\(f(margin + 32))\" r=\"4\" fill=\"white\" stroke=\"#1f77b4\"/><text x=\"\(f(margin + 22))\" y=\"\(f(margin + 36))\">theory, fitted widths</text>\n"
        s += "<path d=\"M\(f(margin + 8)) \(f(margin + 46))L\(f(margin + 16)) \(f(margin + 54))M\(f(margin + 8)) \(f(margin + 54))L\(f(margin + 16)) \(f(margin + 46))\" stroke=\"#ff7f0e\" stroke-width=\"2\"/><text x=\"\(f(margin + 22))\" y=\"\(f(margin + 54))\">5-parameter law, leave-one-width-out</text>\n"
        s += "<rect x=\"\(f(margin + 8.5))\" y=\"\(f(margin + 64.5))\" width=\"7\" height=\"7\" fill=\"#2ca02c\"/><text x=\"\(f(margin + 22))\" y=\"\(f(margin + 72))\">coarse variant (t ≥ \(c.coarseFrom)), held-out widths</text>\n"
        s += "</svg>\n"
        return s
    }
}
