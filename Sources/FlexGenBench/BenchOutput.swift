import Foundation
import FlexGenIO

/// Writes a run's CSVs, figures and report under `directory` (results/ and figures/), each file
/// atomically, plus a PNG of every figure when `rsvg-convert` is installed. Returns the paths written.
public enum BenchOutput {
    @discardableResult
    public static func write(_ r: BenchResults, to directory: String, command: String, renderPNG: Bool = true) throws -> [String] {
        let results = (directory as NSString).appendingPathComponent("results")
        let figures = (directory as NSString).appendingPathComponent("figures")
        for folder in [results, figures] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        var written: [String] = []
        func put(_ text: String, _ folder: String, _ name: String) throws {
            let path = (folder as NSString).appendingPathComponent(name)
            try AtomicFile.write(text, to: path)
            written.append(path)
        }

        if !r.runs.records.isEmpty {
            var runs = CSVTable(header: RunRecord.csvHeader)
            r.runs.records.forEach { runs.append($0.csvRow) }
            try put(runs.text, results, "runs.csv")
            var summary = CSVTable(header: SummaryRow.csvHeader)
            r.summary.forEach { summary.append($0.csvRow) }
            try put(summary.text, results, "summary.csv")
            var choices = CSVTable(header: ChoiceCount.csvHeader)
            r.runs.choices.forEach { choices.append($0.csvRow) }
            try put(choices.text, results, "choices.csv")
            let variants = r.settings.variantNames.filter { !r.missingVariants.contains($0) }
            for sweep in r.sweeps {
                try put(BenchFigures.sweepFigure(sweep, summary: r.summary, variants: variants).svg, figures,
                        "energy-vs-\(sweep.name).svg")
            }
            // FlexGen's picks at the paper-default point (K = 20, three tiers), without and with a
            // mean-quality target (where the choice depends on each client's channel and deadline).
            for (sweep, value, file, context) in [("clients", 20.0, "flexgen-choices-by-tier.svg", "paper-default"),
                                                  ("target", 0.5, "flexgen-choices-by-tier-target.svg", "service target 0.5")] {
                let picks = r.runs.choices.filter { $0.sweep == sweep && $0.value == value && $0.variant == BenchVariants.reference }
                if let figure = BenchFigures.choicesFigure(picks, profile: BenchScenarios.sdLikeProfile, context: context) {
                    try put(figure.svg, figures, file)
                }
            }
        }
        if !r.paperRuns.isEmpty || !r.profileRuns.records.isEmpty {
            var paper = CSVTable(header: RunRecord.csvHeader)
            (r.paperRuns + r.profileRuns.records).forEach { paper.append($0.csvRow) }
            try put(paper.text, results, "paper-default-runs.csv")
            var summary = CSVTable(header: SummaryRow.csvHeader)
            r.profileSummary.forEach { summary.append($0.csvRow) }
            try put(summary.text, results, "profiles-summary.csv")
        }
        if !r.gap.isEmpty {
            var gap = CSVTable(header: OptimalityGapBenchmark.Row.csvHeader)
            r.gap.forEach { gap.append($0.csvRow) }
            try put(gap.text, results, "optimality-gap.csv")
        }
        if !r.scaling.isEmpty {
            var scaling = CSVTable(header: ScalingBenchmark.Row.csvHeader)
            r.scaling.forEach { scaling.append($0.csvRow) }
            try put(scaling.text, results, "scaling.csv")
            if let figure = BenchFigures.scalingFigure(r.scaling) {
                try put(figure.svg, figures, "solver-time-vs-k.svg")
            }
        }
        if !r.online.isEmpty {
            var runs = CSVTable(header: OnlineBenchmark.Row.csvHeader)
            r.online.forEach { runs.append($0.csvRow) }
            try put(runs.text, results, "online-runs.csv")
            var summary = CSVTable(header: OnlineBenchmark.SummaryRow.csvHeader)
            r.onlineSummary.forEach { summary.append($0.csvRow) }
            try put(summary.text, results, "online-summary.csv")
            for (name, figure) in BenchFigures.onlineFigures(r.onlineSummary) { try put(figure.svg, figures, name) }
        }
        if let t = r.onlineThroughput {
            var table = CSVTable(header: OnlineBenchmark.Throughput.csvHeader)
            table.append(t.csvRow)
            try put(table.text, results, "online-throughput.csv")
            var warm = CSVTable(header: OnlineBenchmark.WarmStartRow.csvHeader)
            t.warmStart.forEach { warm.append($0.csvRow(cold: t.coldPlannerTimeMeanS)) }
            try put(warm.text, results, "online-warmstart.csv")
        }
        if !r.admission.isEmpty {
            var runs = CSVTable(header: AdmissionBenchmark.Row.csvHeader)
            r.admission.forEach { runs.append($0.csvRow) }
            try put(runs.text, results, "admission-runs.csv")
            var summary = CSVTable(header: AdmissionBenchmark.SummaryRow.csvHeader)
            r.admissionSummary.forEach { summary.append($0.csvRow) }
            try put(summary.text, results, "admission-summary.csv")
            try put(BenchFigures.admissionFigure(r.admissionSummary).svg, figures, "admission-vs-load.svg")
        }
        if !r.overload.isEmpty {
            var overload = CSVTable(header: OverloadBenchmark.Row.csvHeader)
            r.overload.forEach { overload.append($0.csvRow) }
            try put(overload.text, results, "overload.csv")
        }
        if !r.io.isEmpty {
            var io = CSVTable(header: IOBenchmark.Row.csvHeader)
            r.io.forEach { io.append($0.csvRow) }
            try put(io.text, results, "io.csv")
        }
        try put(BenchReport.markdown(r, command: command), results, "report.md")
        if renderPNG {
            written += written.filter { $0.hasSuffix(".svg") }.compactMap { PNGRenderer.render(svg: $0) }
        }
        return written
    }
}
