import Foundation
import Testing
import FlexGenModel
@testable import FlexGenSampler
import FlexGenNumerics

/// A sampler with known behaviour: it returns real held-out digits blurred towards their mean by
/// noise that shrinks with width and steps, so quality improves with both by construction, and it
/// reports wall time = FLOP / 1e9 exactly (a machine of exactly 1 GFLOP/s).
final class KnownSampler: Sampler {
    let images: [[Float]]
    var name: String { "known" }
    init() throws { images = try DigitsDataset.loadShipped().heldOut.map(\.pixels) }

    static func flops(width: Double, steps: Int) -> Double { 1e6 * width * width * Double(steps) }
    static func noise(width: Double, steps: Int) -> Float { Float(0.5 / width + 8 / Double(steps)) }

    func generate(_ request: SampleRequest) throws -> SampleBatch {
        if let problem = request.problem { throw SamplerError.badRequest(problem) }
        var rng = Xoshiro256(seed: request.seed)
        let sigma = Self.noise(width: request.width, steps: request.steps)
        let samples = (0..<request.count).map { i in
            images[(i * 7 + Int(request.seed % 13)) % images.count].map { min(max($0 + sigma * rng.nextNormal(), 0), 16) }
        }
        let flops = Self.flops(width: request.width, steps: request.steps)
        return SampleBatch(samples: samples, wallTimeS: flops / 1e9 * Double(request.count), flopsPerImage: flops)
    }
}

@Suite struct CalibrationTests {
    static func smallSettings() -> CalibrationSettings {
        var s = CalibrationSettings()
        s.widths = [0.25, 0.5, 1]
        s.steps = [2, 5, 20]
        s.samplesPerSeed = 120
        s.seedCount = 3
        return s
    }

    @Test func knownSamplerGivesMonotoneProfileExactRateAndFit() throws {
        let sampler = try KnownSampler()
        let result = try Calibrator(sampler: sampler, evaluator: .shipped()).run(Self.smallSettings(), measureSgemmPeak: false)
        #expect(result.points.count == 9)
        #expect(result.monotonicityViolations.isEmpty, "\(result.monotonicityViolations)")
        // Timing: every configuration ran at exactly 1 GFLOP/s.
        for p in result.points {
            #expect(p.flopsPerImage == KnownSampler.flops(width: p.width, steps: p.steps))
            #expect(abs(p.achievedFlopsPerS / 1e9 - 1) < 1e-9)
            #expect(p.frechetBySeed.count == 3 && p.frechetCI95 > 0)
        }
        #expect(abs(result.overallFlopsPerS / 1e9 - 1) < 1e-9)
        #expect(abs(result.timeFlopsCorrelation - 1) < 1e-12)
        // The worst configuration is clearly worse than the best.
        let worst = result.points.first { $0.width == 0.25 && $0.steps == 2 }!, best = result.points.first { $0.width == 1 && $0.steps == 20 }!
        #expect(worst.frechetMean > best.frechetMean + worst.frechetCI95 + best.frechetCI95)
        #expect(result.law != nil)
        // The profile carries the measured means and counted FLOPs under the FD-digits metric.
        let profile = result.profile()
        #expect(profile.metric == QualityMetric(name: "FD-digits", better: .lower))
        #expect(profile.configs.map(\.quality) == result.points.map(\.frechetMean))
    }

    @Test func monotonicityCheckFlagsARiseBeyondTheCIs() throws {
        func point(_ w: Double, _ s: Int, _ fd: Double, _ ci: Double) -> CalibrationPoint {
            CalibrationPoint(width: w, steps: s, flopsPerImage: 1, frechetBySeed: [fd], frechetMean: fd, frechetCI95: ci,
                             labelAccuracy: 1, meanConfidence: 1, secondsPerImage: 1, achievedFlopsPerS: 1)
        }
        var settings = CalibrationSettings()
        settings.widths = [0.5, 1]
        settings.steps = [5, 10]
        // Width 1 at steps 10 is worse than width 0.5 at steps 10 by 3 > 1 + 1: flagged.
        // Steps 10 vs 5 at width 0.5: rise of 0.5 < 1 + 1: within the CI, not flagged.
        let result = CalibrationResult(settings: settings, samplerName: "x", referenceCount: 400,
                                       points: [point(0.5, 5, 10, 1), point(0.5, 10, 10.5, 1), point(1, 5, 9, 1), point(1, 10, 13.5, 1)],
                                       law: nil, lawFailure: "too few", timeFlopsCorrelation: .nan, overallFlopsPerS: 1,
                                       sgemmPeakFlopsPerS: nil, wallTimeS: 0)
        let v = result.monotonicityViolations
        #expect(v.count == 2) // (w 0.5 → 1 at s 10) and (s 5 → 10 at w 1)
        #expect(v.contains { $0.hasPrefix("steps 10") } && v.contains { $0.hasPrefix("width 1") })
        #expect(result.risesWithinCI.count == 1 && result.risesWithinCI[0].hasPrefix("width 0.5")) // the 0.5 rise
        #expect(CalibrationReport.markdown(result, command: "test").contains("Not monotone"))
    }

    @Test func runWritesProfileTimingReportAndCSVThatReadBack() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("d2-cal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let outputs = CalibrationRun.Outputs(profile: folder.appendingPathComponent("m.json").path)
        var settings = Self.smallSettings()
        settings.seedCount = 2
        let result = try CalibrationRun.run(settings: settings, sampler: KnownSampler(), outputs: outputs, command: "test", showProgress: false)
        let profile = try JSONDecoder().decode(Profile.self, from: Data(contentsOf: URL(fileURLWithPath: outputs.profile)))
        #expect(profile == result.profile())
        let timing = try CalibrationTiming.load(path: outputs.timing)
        #expect(timing.configs.count == 9 && abs(timing.rate(width: 0.5, steps: 5).flopsPerS / 1e9 - 1) < 1e-9)
        #expect(timing.rate(width: 0.3, steps: 5).source == "overall calibrated rate")
        #expect(try String(contentsOfFile: outputs.report, encoding: .utf8).contains("| 0.50 | 5 |"))
        #expect(try String(contentsOfFile: outputs.csv, encoding: .utf8).split(separator: "\n").count == 10)
        // No temporary files left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["m-report.md", "m-timing.json", "m.csv", "m.json"])
    }

    @Test func sidecarNamesFollowTheProfile() {
        let o = CalibrationRun.Outputs(profile: "problems/profiles/x.json")
        #expect(o.timing == "problems/profiles/x-timing.json" && o.report == "problems/profiles/x-report.md" && o.csv == "problems/profiles/x.csv")
        #expect(CalibrationTiming.path(forProfile: "/a/b.json") == "/a/b-timing.json")
    }

    @Test func badSettingsRejected() throws {
        var s = CalibrationSettings()
        s.widths = [0]
        #expect(s.problem != nil)
        s = CalibrationSettings(); s.steps = [5, 5]
        #expect(s.problem != nil)
        s = CalibrationSettings(); s.samplesPerSeed = 1
        #expect(s.problem != nil)
        #expect(CalibrationSettings().problem == nil && CalibrationSettings.quick.problem == nil)
        s = CalibrationSettings(); s.eta = .nan
        #expect(throws: SamplerError.self) { try Calibrator(sampler: KnownSampler(), evaluator: .shipped()).run(s, measureSgemmPeak: false) }
    }

    @Test func shippedModelFLOPsReachTheProfile() throws {
        // The built-in sampler reports D1's analytic count, which calibration copies into the profile.
        let model = try FlexibleDiffusionModel.loadShipped()
        let batch = try BuiltinSampler(model: model).generate(SampleRequest(width: 0.5, steps: 2, count: 3, seed: 1))
        #expect(try batch.flopsPerImage == model.flopsPerImage(width: 0.5, steps: 2))
        #expect(batch.samples?.count == 3 && batch.wallTimeS >= 0)
        #expect(throws: SamplerError.self) { try BuiltinSampler(model: model).generate(SampleRequest(width: 1.5, steps: 2, count: 3, seed: 1)) }
    }
}

@Suite struct CalibrateCommandTests {
    @Test func quickRunInProcessAndThroughTheWorkerAgree() throws {
        guard let binary = samplerTestsFlexgen else { throw FlexgenBinaryMissing() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("d2-calcli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let local = folder.appendingPathComponent("local.json").path, remote = folder.appendingPathComponent("remote.json").path
        let a = try runSamplerFlexgen(["calibrate", "--quick", "--samples", "40", "-o", local])
        #expect(a.status == 0, "\(a.stderr)")
        #expect(a.stdout.contains("calibrated 9 configurations"))
        let b = try runSamplerFlexgen(["calibrate", "--quick", "--samples", "40", "-o", remote,
                                       "--worker", binary, "--worker-arg", "sampler-worker"])
        #expect(b.status == 0, "\(b.stderr)")
        // Same seeds, same model: the external path reproduces the in-process profile exactly.
        let p = try JSONDecoder().decode(Profile.self, from: Data(contentsOf: URL(fileURLWithPath: local)))
        let q = try JSONDecoder().decode(Profile.self, from: Data(contentsOf: URL(fileURLWithPath: remote)))
        #expect(p == q && p.configs.count == 9)
        for suffix in ["-timing.json", "-report.md", ".csv"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("local" + suffix).path))
        }
    }

    @Test func badOptionsExitTwoWithoutWriting() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("d2-calbad-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("x.json").path
        for args in [["--widths", "0,0.5"], ["--steps", "0"], ["--samples", "1"], ["--worker", "/nonexistent"], ["--worker-arg", "x"]] {
            let r = try runSamplerFlexgen(["calibrate", "--quick", "-o", out] + args)
            #expect(r.status == 2, "\(args): \(r.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }
}
