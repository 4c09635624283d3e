import Foundation
import FlexGenIO

/// The `flexgen calibrate` use case: run the grid with the built-in model (or any sampler) and
/// write the profile, its timing sidecar, the Markdown report and the CSV, each atomically.
public enum CalibrationRun {
    public struct Outputs: Sendable {
        public var profile: String
        public var timing: String
        public var report: String
        public var csv: String

        /// Sidecars named after the profile: `x.json` → `x-timing.json`, `x-report.md`, `x.csv`.
        public init(profile: String) {
            self.profile = profile
            // String surgery rather than URL so that a relative path stays relative in messages.
            let stem = profile.hasSuffix(".json") ? String(profile.dropLast(5)) : profile
            timing = stem + "-timing.json"
            report = stem + "-report.md"
            csv = stem + ".csv"
        }
    }

    public static func run(settings: CalibrationSettings, sampler: any Sampler, outputs: Outputs,
                           command: String, showProgress: Bool? = nil) throws -> CalibrationResult {
        let evaluator = try QualityEvaluator.shipped()
        let accuracy = try evaluator.classifier.accuracy(on: DigitsDataset.loadShipped().heldOut)
        return try run(settings: settings, sampler: sampler, scorer: evaluator, subject: .digits, profileName: "digits-measured",
                       classifierAccuracy: accuracy, realFloor: nil, outputs: outputs, command: command, showProgress: showProgress)
    }

    /// The same run with any scorer (the Fashion-MNIST model passes `FashionQualityEvaluator`,
    /// its reference accuracy and its real-vs-real floor).
    public static func run(settings: CalibrationSettings, sampler: any Sampler, scorer: any SampleScorer,
                           subject: CalibrationSubject, profileName: String, classifierAccuracy: Double?, realFloor: Double?,
                           outputs: Outputs, command: String, showProgress: Bool? = nil) throws -> CalibrationResult {
        let total = settings.widths.count * settings.steps.count * settings.seedCount
        let bar = ProgressBar(label: "calibrate", total: total, enabled: showProgress)
        var result = try Calibrator(sampler: sampler, scorer: scorer).run(settings) { done, _, detail in
            bar.update(done, detail: detail)
        }
        bar.finish()
        result.classifierHeldOutAccuracy = classifierAccuracy
        result.subject = subject
        result.realFloor = realFloor
        try AtomicFile.write(FlexGenJSON.encode(result.profile(name: profileName)), to: outputs.profile)
        try AtomicFile.write(FlexGenJSON.encode(CalibrationTiming(result)), to: outputs.timing)
        try AtomicFile.write(CalibrationReport.markdown(result, command: command), to: outputs.report)
        try AtomicFile.write(CalibrationReport.csv(result), to: outputs.csv)
        return result
    }
}
