import Foundation
import FlexGenIO

/// The `flexgen calibrate --theory` use case: measure the ε-error profile at the calibration's
/// widths, fit the width–quality theory (docs/theory.md) on two widths, predict the rest, run the
/// 5-parameter law leave-one-width-out, and write the CSVs, the SVG and a report section.
public enum TheoryRun {
    public struct Outputs: Sendable {
        public var epsilon: String
        public var epsilonByTimestep: String
        public var table: String
        public var figure: String
        /// Everything the analysis read (`TheoryInputs`), so it can be re-run without sampling.
        public var inputs: String
        /// Named after the profile: `x.json` → `x-epsilon.csv`, `x-epsilon-by-t.csv`, `x-theory.csv`, `x-theory.svg`.
        public init(profile: String) {
            let stem = profile.hasSuffix(".json") ? String(profile.dropLast(5)) : profile
            epsilon = stem + "-epsilon.csv"
            epsilonByTimestep = stem + "-epsilon-by-t.csv"
            table = stem + "-theory.csv"
            figure = stem + "-theory.svg"
            inputs = stem + "-theory-inputs.json"
        }
    }

    /// The digits model: measures its ε-profile (all 400 held-out digits, the default grid) and the
    /// anchors, then `analyse`.
    public static func run(calibration: CalibrationResult, model: FlexibleDiffusionModel, fitWidths: [Double],
                           outputs: Outputs, reportPath: String, command: String, weightsSHA256: String? = nil,
                           showProgress: Bool? = nil) throws -> String {
        let widths = calibration.settings.widths.sorted()
        let settings = EpsilonErrorProfile.Settings(widths: widths)
        let t = model.schedule.timesteps, dense = min(settings.denseSteps, t)
        let gridPerSeed = dense + (t - dense + settings.stride - 1) / settings.stride
        let bar = ProgressBar(label: "ε-profile", total: settings.seedCount * gridPerSeed, enabled: showProgress)
        let profile = try EpsilonErrorProfile.measure(model: model, examples: DigitsDataset.loadShipped().heldOut,
                                                      settings: settings) { done, _ in bar.update(done) }
        bar.finish()
        let data = try DigitsDataset.loadShipped()
        let anchors = try TheoryAnchors.measure(evaluator: try QualityEvaluator.shipped(), data: data, schedule: model.schedule)
        return try analyse(calibration: calibration, epsilon: profile, anchors: anchors, fitWidths: fitWidths, outputs: outputs,
                           reportPath: reportPath, command: command, weightsSHA256: weightsSHA256)
    }

    /// The model-independent part: writes the ε-profile's CSVs, fits the theory on `fitWidths`,
    /// predicts the other widths, runs the 5-parameter law leave-one-width-out, every fit-width
    /// pair and the ε-linear ceiling, writes the table, the figure and appends the report section
    /// to `reportPath`. Returns the one-paragraph summary the CLI prints.
    /// - Throws: `SamplerError.badRequest` when the ε-profile lacks a grid width or width 1, or a
    ///   fit fails; file errors from `AtomicFile`.
    public static func analyse(calibration: CalibrationResult, epsilon profile: EpsilonErrorProfile, anchors: TheoryAnchors,
                               fitWidths: [Double], outputs: Outputs, reportPath: String, command: String,
                               weightsSHA256: String? = nil, appendToReport: Bool = true) throws -> String {
        try AtomicFile.write(profile.csv, to: outputs.epsilon)
        try AtomicFile.write(profile.perTimestepCSV, to: outputs.epsilonByTimestep)
        // First, before anything that could fail: the measurements are the expensive part.
        try AtomicFile.write(TheoryInputs(calibration: calibration, epsilon: profile, anchors: anchors, command: command,
                                          weightsSHA256: weightsSHA256).json(), to: outputs.inputs)
        let comparison = try OutOfSampleComparison.run(calibration: calibration, epsilon: profile, fitWidths: fitWidths,
                                                       coarseFrom: anchors.classDecisionTimestep)
        try AtomicFile.write(TheoryReport.csv(comparison), to: outputs.table)
        try AtomicFile.write(TheoryReport.svg(comparison, metric: calibration.metric.name), to: outputs.figure)
        let existing = appendToReport ? (try? String(contentsOfFile: reportPath, encoding: .utf8)) ?? "" : "# Width–quality theory re-analysed from stored measurements\n"
        let pairs = try OutOfSampleComparison.fitPairSensitivity(calibration: calibration, epsilon: profile,
                                                                 coarseFrom: anchors.classDecisionTimestep)
        let ceilings = try ceilings(calibration: calibration, epsilon: profile, fitWidths: fitWidths)
        try AtomicFile.write(existing + TheoryReport.markdown(comparison, epsilon: profile, anchors: anchors, command: command,
                                                              weightsSHA256: weightsSHA256, metric: calibration.metric.name)
                             + TheoryReport.fitPairMarkdown(pairs) + TheoryReport.ceilingMarkdown(ceilings, fitWidths: fitWidths), to: reportPath)
        let ts = comparison.theoryScore, tc = comparison.theoryCoarseScore, l = comparison.leaveOneWidthOutScore
        func ceiling(_ c: EpsilonLinearCeiling) -> String {
            c.maximumHits.map { "\($0)/\(c.scoredCount) (\(c.outcome.rawValue))" } ?? "none (\(c.outcome.rawValue))"
        }
        let v = comparison.theoryVisitedScore, vc = comparison.theoryVisitedCoarseScore
        return String(format: "theory (fit on %@): %d/%d held-out configurations within the 95 %% CI, median |error| %.3f; coarse variant (t ≥ %d): %d/%d, median |error| %.3f; visited-timestep variants K_s: %d/%d, K_{c,s}: %d/%d; 5-parameter law leave-one-width-out on the same: %d/%d, median |error| %@; ceiling of any ε-linear step-separable law: %@ free, %@ when it must also hit the fit widths, %@ over every configuration; with a weighting per step count: %@ free, %@ hitting the fit widths",
                      fitWidths.map { String(format: "%g", $0) }.joined(separator: ","), ts.hits, ts.count, ts.medianAbsoluteError,
                      comparison.coarseFrom, tc.hits, tc.count, tc.medianAbsoluteError, v.hits, v.count, vc.hits, vc.count, l.hits, l.count, l.count > 0 ? String(format: "%.3f", l.medianAbsoluteError) : "–",
                      ceiling(ceilings.free), ceiling(ceilings.fitHit), ceiling(ceilings.everywhere),
                      ceiling(ceilings.perStepFree), ceiling(ceilings.perStepFitHit))
    }

    /// The ε-linear ceiling (`EpsilonLinearCeiling`) on the held-out widths' configurations: `free`
    /// leaves the fit widths unconstrained, `fitHit` requires the law to hit every fit-width
    /// configuration too (what a law fitted on them and true to them would do).
    /// `everywhere` scores every configuration of the grid with nothing required: a law that hits
    /// all 4·2 configurations of ANY two fit widths hits at most (its maximum − 8) held-out ones.
    public static func ceilings(calibration: CalibrationResult, epsilon: EpsilonErrorProfile,
                                fitWidths: [Double]) throws -> Ceilings {
        guard let excess = epsilon.excessByTimestep() else {
            throw SamplerError.badRequest("theory: the ε-profile has no width 1 to take the excess over")
        }
        let points = calibration.points.map {
            EpsilonLinearCeiling.Point(width: $0.width, steps: $0.steps, measured: $0.frechetMean, ci95: $0.frechetCI95)
        }
        let all = points.map { EpsilonLinearCeiling.Configuration(width: $0.width, steps: $0.steps) }
        let heldOut = Set(all.filter { !fitWidths.contains($0.width) }), fit = Set(all.filter { fitWidths.contains($0.width) })
        return Ceilings(free: try EpsilonLinearCeiling.compute(points: points, excessByTimestep: excess, scored: heldOut),
                        fitHit: try EpsilonLinearCeiling.compute(points: points, excessByTimestep: excess, scored: heldOut, required: fit),
                        everywhere: try EpsilonLinearCeiling.compute(points: points, excessByTimestep: excess, scored: Set(all)),
                        perStepFree: try EpsilonLinearCeiling.compute(points: points, excessByTimestep: excess, scored: heldOut,
                                                                      family: .perStepCount),
                        perStepFitHit: try EpsilonLinearCeiling.compute(points: points, excessByTimestep: excess, scored: heldOut,
                                                                        required: fit, family: .perStepCount))
    }

    /// The ceilings of one grid: the step-separable family's three, and the per-step-count
    /// family's (`EpsilonLinearCeiling.Family.perStepCount`) with the fit widths free or required.
    public struct Ceilings: Sendable {
        public var free: EpsilonLinearCeiling, fitHit: EpsilonLinearCeiling, everywhere: EpsilonLinearCeiling
        public var perStepFree: EpsilonLinearCeiling, perStepFitHit: EpsilonLinearCeiling
    }
}

extension TheoryRun {
    /// `flexgen calibrate --theory-inputs FILE`: the analysis alone, on the measurements an earlier
    /// `--theory` run stored (`TheoryInputs`), with its command and weights named in the report,
    /// written fresh to `reportPath` (not appended). No sampling: seconds instead of tens of minutes.
    public static func reanalyse(_ inputs: TheoryInputs, fitWidths: [Double], outputs: Outputs, reportPath: String,
                                 command: String) throws -> String {
        try analyse(calibration: inputs.calibration, epsilon: inputs.epsilon, anchors: inputs.anchors, fitWidths: fitWidths,
                    outputs: outputs, reportPath: reportPath,
                    command: "\(command) (measurements of: \(inputs.command))", weightsSHA256: inputs.weightsSHA256, appendToReport: false)
    }
}

extension TheoryRun {
    /// `flexgen calibrate --epsilon-only`: the ε-profile alone (no sampling), its two CSVs and a
    /// Markdown report naming the command and the SHA-256 of the weights measured (so a report on
    /// retrained weights is recognisably stale).
    public static func epsilonOnly(profile: EpsilonErrorProfile, outputs: Outputs, reportPath: String,
                                   command: String, weightsSHA256: String) throws -> String {
        try AtomicFile.write(profile.csv, to: outputs.epsilon)
        try AtomicFile.write(profile.perTimestepCSV, to: outputs.epsilonByTimestep)
        try AtomicFile.write(TheoryReport.epsilonMarkdown(profile, command: command, weightsSHA256: weightsSHA256), to: reportPath)
        return "wrote \(outputs.epsilon), \(outputs.epsilonByTimestep), \(reportPath)"
    }
}
