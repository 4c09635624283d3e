import Foundation
import FlexGenModel

/// The figures of `flexgen bench`, built from the summaries (never from hand-entered numbers).
public enum BenchFigures {
    /// Energy (mean ± 95 % CI over each variant's feasible instances) and feasibility rate
    /// against the sweep's parameter, one series per variant.
    public static func sweepFigure(_ sweep: Sweep, summary: [SummaryRow], variants: [String]) -> Figure {
        let rows = summary.filter { $0.sweep == sweep.name }
        var energy: [ChartSeries] = [], feasibility: [ChartSeries] = []
        for (i, v) in variants.enumerated() {
            let vs = rows.filter { $0.variant == v }.sorted { $0.value < $1.value }
            guard !vs.isEmpty else { continue }
            energy.append(ChartSeries(name: v, points: vs.compactMap { r in
                guard let e = r.energy else { return nil }
                let h = e.confidenceHalfWidth95 ?? 0
                return ChartPoint(x: r.value, y: e.mean / 1000, low: (e.mean - h) / 1000, high: (e.mean + h) / 1000)
            }, dashed: i > 0 && i % 2 == 1))
            feasibility.append(ChartSeries(name: v, points: vs.map { ChartPoint(x: $0.value, y: 100 * $0.feasibilityRate) },
                                           dashed: i > 0 && i % 2 == 1))
        }
        let title = sweep.label.components(separatedBy: " (").first ?? sweep.label
        return Figure(panels: [
            LineChart(title: "Server energy vs \(title)", xLabel: sweep.label, yLabel: "energy (kJ), mean ± 95% CI",
                      xScale: sweep.scale, series: energy, uncertainty: .errorBars),
            LineChart(title: "Feasible instances vs \(title)", xLabel: sweep.label, yLabel: "feasible instances (%)",
                      xScale: sweep.scale, series: feasibility, uncertainty: .none),
        ], panelWidth: 620, panelHeight: 400)
    }

    /// Share of each width and of each step count among FlexGen's clients, per quality tier.
    /// Every width and step count of `profile` gets a legend entry (and so the same colour in
    /// every figure), whether or not it was picked.
    public static func choicesFigure(_ choices: [ChoiceCount], profile: Profile, context: String) -> Figure? {
        guard !choices.isEmpty else { return nil }
        let metricName = profile.metric.name
        let tiers = Array(Set(choices.map { $0.requirement ?? .infinity })).sorted()
        let widths = Array(Set(profile.configs.map(\.width) + choices.map(\.width))).sorted()
        let steps = Array(Set(profile.configs.map(\.steps) + choices.map(\.steps))).sorted()
        func label(_ t: Double) -> String { t.isFinite ? "\(metricName) ≤ \(Axis(scale: .linear, dataMin: 0, dataMax: 1).label(t))" : "none" }
        var widthShares: [[Double]] = [], stepShares: [[Double]] = []
        var categories: [String] = []
        for t in tiers {
            let cs = choices.filter { ($0.requirement ?? .infinity) == t }
            let total = Double(cs.map(\.count).reduce(0, +))
            categories.append("\(label(t)) (n = \(Int(total)))")
            widthShares.append(widths.map { w in Double(cs.filter { $0.width == w }.map(\.count).reduce(0, +)) / total })
            stepShares.append(steps.map { s in Double(cs.filter { $0.steps == s }.map(\.count).reduce(0, +)) / total })
        }
        return Figure(panels: [
            StackedBarChart(title: "Width FlexGen picks, per tier (\(context))", xLabel: "quality requirement (tier)",
                            yLabel: "share of clients", categories: categories,
                            segments: widths.map { "width \($0)" }, fractions: widthShares),
            StackedBarChart(title: "Steps FlexGen picks, per tier (\(context))", xLabel: "quality requirement (tier)",
                            yLabel: "share of clients", categories: categories,
                            segments: steps.map { "\($0) steps" }, fractions: stepShares),
        ], panelWidth: 560, panelHeight: 400)
    }

    /// Solve time and peak memory against K, log-log, one series per target.
    public static func scalingFigure(_ rows: [ScalingBenchmark.Row]) -> Figure? {
        let targets = rows.map(\.target).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        guard !targets.isEmpty else { return nil }
        var time: [ChartSeries] = [], memory: [ChartSeries] = []
        for t in targets {
            let rs = rows.filter { $0.target == t }
            time.append(ChartSeries(name: t, points: rs.compactMap { r in r.bestTimeS.map { ChartPoint(x: Double(r.clients), y: $0) } }))
            // A rise below 0.1 MiB is not measurable (the solve fit in pages the process already
            // held); such points are left out rather than drawn at a made-up floor.
            memory.append(ChartSeries(name: t, points: rs.compactMap { r in
                guard let bytes = r.peakMemoryBytes, bytes / 1_048_576 >= 0.1 else { return nil }
                return ChartPoint(x: Double(r.clients), y: bytes / 1_048_576) }))
        }
        return Figure(panels: [
            LineChart(title: "Solve time vs number of clients", xLabel: "clients K", yLabel: "best wall time (s)",
                      xScale: .log10, yScale: .log10, series: time, uncertainty: .none, yIncludesZero: false),
            LineChart(title: "Peak extra memory vs number of clients", xLabel: "clients K (points < 0.1 MiB omitted)", yLabel: "peak extra RSS (MiB)",
                      xScale: .log10, yScale: .log10, series: memory, uncertainty: .none, yIncludesZero: false),
        ], panelWidth: 640, panelHeight: 400)
    }

    /// Served fraction and energy per served client (mean ± 95 % CI over seeds) against the offered
    /// load, one series per admission policy.
    public static func admissionFigure(_ summary: [AdmissionBenchmark.SummaryRow]) -> Figure {
        let policies = summary.map(\.policy).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        var served: [ChartSeries] = [], energy: [ChartSeries] = []
        for (i, p) in policies.enumerated() {
            let rows = summary.filter { $0.policy == p }.sorted { $0.load < $1.load }
            let dashed = i > 0 && i % 2 == 1
            served.append(ChartSeries(name: p, points: rows.compactMap { r in
                guard let s = r.servedFraction else { return nil }
                let h = s.confidenceHalfWidth95 ?? 0
                return ChartPoint(x: r.load, y: 100 * s.mean, low: 100 * (s.mean - h), high: 100 * (s.mean + h))
            }, dashed: dashed))
            energy.append(ChartSeries(name: p, points: rows.compactMap { r in
                guard let e = r.energyPerServedJ else { return nil }
                let h = e.confidenceHalfWidth95 ?? 0
                return ChartPoint(x: r.load, y: e.mean, low: e.mean - h, high: e.mean + h)
            }, dashed: dashed))
        }
        let x = "offered load (clients offered / 20, the paper-default server's clients)"
        return Figure(panels: [
            LineChart(title: "Served clients vs offered load", xLabel: x, yLabel: "served clients (%), mean ± 95% CI",
                      xScale: .linear, series: served, uncertainty: .errorBars),
            LineChart(title: "Energy per served client vs offered load", xLabel: x,
                      yLabel: "energy per served client (J), mean ± 95% CI", xScale: .linear, series: energy,
                      uncertainty: .errorBars),
        ], panelWidth: 620, panelHeight: 400)
    }

    /// Served fraction and energy per served image (mean ± 95 % CI over seeds) against the offered
    /// load, one series per policy, at the 1 s frame (or the first frame length run).
    public static func onlineFigures(_ summary: [OnlineBenchmark.SummaryRow]) -> [(String, Figure)] {
        guard let frame = summary.contains(where: { $0.frameS == 1 }) ? 1.0 : summary.first?.frameS else { return [] }
        let rows = summary.filter { $0.frameS == frame }
        let policies = rows.map(\.policy).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        var served: [ChartSeries] = [], energy: [ChartSeries] = []
        for (i, p) in policies.enumerated() {
            let mine = rows.filter { $0.policy == p }.sorted { $0.load < $1.load }
            let dashed = i % 2 == 1
            served.append(ChartSeries(name: p, points: mine.compactMap { r in
                guard let s = r.servedFraction else { return nil }
                let h = s.confidenceHalfWidth95 ?? 0
                return ChartPoint(x: r.load, y: 100 * s.mean, low: 100 * (s.mean - h), high: 100 * (s.mean + h))
            }, dashed: dashed))
            energy.append(ChartSeries(name: p, points: mine.compactMap { r in
                guard let e = r.energyPerServedJ else { return nil }
                let h = e.confidenceHalfWidth95 ?? 0
                return ChartPoint(x: r.load, y: e.mean, low: e.mean - h, high: e.mean + h)
            }, dashed: dashed))
        }
        let x = "offered load (× compute capacity), frame \(frame) s"
        return [
            ("online-served-vs-load.svg", Figure(panels: [
                LineChart(title: "Served requests vs offered load", xLabel: x, yLabel: "served (%), mean ± 95% CI",
                          xScale: .linear, series: served, uncertainty: .errorBars)], panelWidth: 620, panelHeight: 400)),
            ("online-energy-vs-load.svg", Figure(panels: [
                LineChart(title: "Energy per served image vs offered load", xLabel: x,
                          yLabel: "energy per served image (J), mean ± 95% CI", xScale: .linear, series: energy,
                          uncertainty: .errorBars)], panelWidth: 620, panelHeight: 400)),
        ]
    }
}
