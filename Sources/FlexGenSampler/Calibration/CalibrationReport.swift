import Foundation

/// Renders a calibration as the committed Markdown report and a CSV of the grid.
public enum CalibrationReport {
    public static func markdown(_ r: CalibrationResult, command: String) -> String {
        let s = r.settings
        var md = """
        # Measured profile of \(r.subject.model)

        Produced by `\(command)` (sampler `\(r.samplerName)`), wall time \(String(format: "%.1f", r.wallTimeS)) s\(r.cpuTimeS.map { String(format: ", CPU time %.1f s", $0) } ?? ""); \(r.parallelBatches == 1 ? "one batch at a time" : "\(r.parallelBatches) batches at a time"), one OpenBLAS thread each.
        Quality metric **\(r.metric.name)** (lower is better): the Fréchet distance between the generated
        images and the \(r.referenceCount) \(r.subject.reference). Each configuration: \(s.seedCount) seeds (\(s.baseSeed)…\(s.baseSeed + UInt64(s.seedCount) - 1)) ×
        \(s.samplesPerSeed) images (labels i mod 10), DDIM η = \(s.eta); ± is the 95 % Student-t CI over seeds.
        Time per image = fastest over the seeds of (batch generation wall time / \(s.samplesPerSeed)) on one core of this machine (other processes only slow a batch down\(r.parallelBatches > 1 ? "; the batches running beside it share the memory bus and caches" : "")).

        | width | steps | \(r.metric.name) | ± CI95 | label acc. | ± CI95 | confidence | ms / image | MFLOP / image | GFLOP/s |
        |------:|------:|----------:|-------:|-----------:|-------:|-----------:|-----------:|--------------:|--------:|

        """
        for p in r.points {
            md += String(format: "| %.2f | %d | %.3f | %.3f | %.1f %% | %.1f | %.3f | %.4f | %.3f | %.2f |\n",
                         p.width, p.steps, p.frechetMean, p.frechetCI95, 100 * p.labelAccuracy, 100 * p.labelAccuracyCI95, p.meanConfidence,
                         1e3 * p.secondsPerImage, p.flopsPerImage / 1e6, p.achievedFlopsPerS / 1e9)
        }
        let fds = r.points.map(\.frechetMean)
        md += "\n## Headline\n\n"
        md += String(format: "- \(r.metric.name) ranges from %.3f to %.3f over the grid.\n", fds.min() ?? .nan, fds.max() ?? .nan)
        if let floor = r.realFloor {
            md += String(format: "- Real-vs-real floor: %.3f, the FD between the two disjoint halves (%d images each) of the reference set; the metric cannot resolve differences below that noise level at that sample size.\n",
                         floor, r.referenceCount / 2)
        }
        let violations = r.monotonicityViolations
        if violations.isEmpty {
            md += "- Monotone within the CI: at every fixed steps FD does not rise with width, and at every fixed width it does not rise with steps, beyond the two neighbouring CIs.\n"
        } else {
            md += "- **Not monotone within the CI** at \(violations.count) neighbouring pair(s):\n"
            for v in violations { md += "  - \(v)\n" }
        }
        let plateaus = r.risesWithinCI
        if !plateaus.isEmpty {
            md += "- Plateaus: FD rises slightly, but within the two CIs, at \(plateaus.count) neighbouring pair(s) — more steps or width stop paying there:\n"
            for p in plateaus { md += "  - \(p)\n" }
        }
        md += String(format: "- Time per image vs counted FLOP per image: Pearson r = %.4f; least-squares single rate %.2f GFLOP/s.\n",
                     r.timeFlopsCorrelation, r.overallFlopsPerS / 1e9)
        if let peak = r.sgemmPeakFlopsPerS {
            let best = r.points.map(\.achievedFlopsPerS).max() ?? 0
            md += String(format: "- sgemm peak of this machine (1024³, best of 10, one thread): %.2f GFLOP/s; the sampler reaches %.2f GFLOP/s at best (%.0f %% of peak).\n",
                         peak / 1e9, best / 1e9, 100 * best / peak)
        }
        md += "\n## Notes\n\n"
        if let accuracy = r.classifierHeldOutAccuracy {
            md += r.subject == .digits
                ? String(format: "- The feature classifier classifies %.2f %% of the held-out digits correctly (`flexgen train-classifier` prints the same figure).\n", 100 * accuracy)
                : String(format: "- The feature classifier classifies %.2f %% of the %d reference images correctly.\n", 100 * accuracy, r.referenceCount)
        }
        md += "- \"label acc.\" is the fraction of generated images the classifier assigns to the requested \(r.subject.labelNoun); \"confidence\" its mean softmax probability. They measure conditioning, \(r.metric.name) measures the distribution; the two need not move together.\n"
        if let load = r.loadAverage {
            md += "- Load average (1, 5, 15 min) at the end of the run: \(load) on \(ProcessInfo.processInfo.activeProcessorCount) cores. Other processes inflate wall times and make time per image less proportional to FLOPs; the quality columns are deterministic (fixed seeds) and unaffected.\n"
        }
        md += "\n## Quality law q(w, s) = q∞ + a·w^(−α) + c·s^(−β)\n\n"
        if let law = r.law {
            md += "Least squares (LAPACKE dgelsd for (q∞, a, c) at fixed (α, β); (α, β) by a 40×40 grid on [0.05, 4]² refined 4 times).\n\n"
            md += String(format: "q∞ = %.4f, a = %.4f, α = %.4f, c = %.4f, β = %.4f; R² = %.4f, RMSE = %.4f.\n\n",
                         law.qInfinity, law.a, law.alpha, law.c, law.beta, law.rSquared, law.rootMeanSquareError)
            md += "| width | steps | measured | fitted | residual |\n|------:|------:|---------:|-------:|---------:|\n"
            for (p, res) in zip(r.points, law.residuals) {
                md += String(format: "| %.2f | %d | %.3f | %.3f | %+.3f |\n", p.width, p.steps, p.frechetMean,
                             law.predict(width: p.width, steps: Double(p.steps)), res)
            }
        } else {
            md += "Not fitted: \(r.lawFailure ?? "unknown reason").\n"
        }
        return md
    }

    public static func csv(_ r: CalibrationResult) -> String {
        var out = "width,steps,flops_per_image,fd_mean,fd_ci95,label_accuracy,mean_confidence,seconds_per_image,flops_per_s,fd_by_seed\n"
        for p in r.points {
            out += "\(p.width),\(p.steps),\(p.flopsPerImage),\(p.frechetMean),\(p.frechetCI95),\(p.labelAccuracy),\(p.meanConfidence),\(p.secondsPerImage),\(p.achievedFlopsPerS),\(p.frechetBySeed.map { String($0) }.joined(separator: ";"))\n"
        }
        return out
    }
}
